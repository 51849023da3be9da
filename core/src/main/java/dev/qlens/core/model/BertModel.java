package dev.qlens.core.model;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.linalg.Workers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A BERT encoder (sentence-transformers' MiniLM, bge, e5) run in float32: word, position and token-type
 * embeddings with LayerNorm; per layer self-attention (softmax(Q K^T / sqrt(d)) V per head, within each
 * sequence), output projection, residual and LayerNorm, then the exact GELU feed-forward (erf to float precision, {@link dev.qlens.core.numeric.Transcendentals}), residual
 * and LayerNorm; then the sentence pooling and L2 normalization. The linear layers are
 * {@link Linear}s made by a factory, so quantized stand-ins can replace them; an {@link Observer} sees
 * every linear layer's input and output.
 *
 * <p>Sequences of a batch are concatenated (no padding): the linear layers run on all tokens at once,
 * and attention only ever mixes tokens of the same sequence, so the result is what a padded batch with
 * an attention mask computes.
 */
public final class BertModel {
    /** Sees every linear layer's input and output (for layer-wise comparisons and calibration). */
    @FunctionalInterface
    public interface Observer {
        /**
         * @param name the layer's PyTorch name
         * @param in rows x inDim input
         * @param out rows x outDim output
         */
        void linear(String name, float[] in, int rows, int inDim, float[] out, int outDim);
    }

    private final BertConfig config;
    private final Workers workers;
    private final float[] wordEmb;
    private final float[] posEmb;
    private final float[] typeEmb;
    private final float[] embGamma;
    private final float[] embBeta;
    private final List<Layer> layers = new ArrayList<>();
    private final java.util.Map<String, Linear> linears = new java.util.HashMap<>();

    private record Layer(String prefix, Linear q, Linear k, Linear v, Linear o, float[] ln1g, float[] ln1b,
                         Linear fc1, Linear fc2, float[] ln2g, float[] ln2b) {
    }

    private BertModel(BertConfig config, Workers workers, float[] wordEmb, float[] posEmb, float[] typeEmb,
                      float[] embGamma, float[] embBeta) {
        this.config = config;
        this.workers = workers;
        this.wordEmb = wordEmb;
        this.posEmb = posEmb;
        this.typeEmb = typeEmb;
        this.embGamma = embGamma;
        this.embBeta = embBeta;
    }

    /**
     * Loads a BERT encoder by its PyTorch tensor names ({@code embeddings.word_embeddings.weight},
     * {@code encoder.layer.N.attention.self.query.weight}, ...).
     *
     * @param heads attention heads (BERT's weights do not record them)
     * @throws IllegalArgumentException naming a missing or misshapen tensor
     */
    public static BertModel load(Checkpoint c, int heads, BertConfig.Pooling pooling, float eps, Linear.Factory linears,
                                 Workers workers) throws IOException {
        return load(Weights.of(c), heads, pooling, eps, linears, workers);
    }

    /** Loads a BERT encoder from named float32 weights (see {@link #load(Checkpoint, int, BertConfig.Pooling, float, Linear.Factory, Workers)}). */
    public static BertModel load(Weights c, int heads, BertConfig.Pooling pooling, float eps, Linear.Factory linears,
                                 Workers workers) throws IOException {
        float[] word = read(c, "embeddings.word_embeddings.weight");
        long[] ws = c.shape("embeddings.word_embeddings.weight");
        int hidden = (int) ws[1];
        int layers = 0;
        while (c.shape("encoder.layer." + layers + ".attention.self.query.weight") != null) {
            layers++;
        }
        if (layers == 0) {
            throw new IllegalArgumentException(c.displayName() + ": no encoder.layer.0.attention.self.query.weight;"
                    + " not a BERT encoder with PyTorch names");
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException(c.displayName() + ": hidden width " + hidden + " is not a multiple of "
                    + heads + " heads");
        }
        long[] ps = c.shape("embeddings.position_embeddings.weight");
        int inter = (int) c.shape("encoder.layer.0.intermediate.dense.weight")[0];
        BertConfig cfg = new BertConfig(layers, hidden, heads, inter, (int) ws[0], (int) ps[0], eps, pooling);
        BertModel m = new BertModel(cfg, workers, word, read(c, "embeddings.position_embeddings.weight"),
                read(c, "embeddings.token_type_embeddings.weight"), read(c, "embeddings.LayerNorm.weight"),
                read(c, "embeddings.LayerNorm.bias"));
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            m.layers.add(new Layer(p, linear(c, p + "attention.self.query", linears),
                    linear(c, p + "attention.self.key", linears), linear(c, p + "attention.self.value", linears),
                    linear(c, p + "attention.output.dense", linears), read(c, p + "attention.output.LayerNorm.weight"),
                    read(c, p + "attention.output.LayerNorm.bias"), linear(c, p + "intermediate.dense", linears),
                    linear(c, p + "output.dense", linears), read(c, p + "output.LayerNorm.weight"),
                    read(c, p + "output.LayerNorm.bias")));
        }
        for (Layer l : m.layers) {
            m.linears.put(l.prefix + "attention.self.query", l.q);
            m.linears.put(l.prefix + "attention.self.key", l.k);
            m.linears.put(l.prefix + "attention.self.value", l.v);
            m.linears.put(l.prefix + "attention.output.dense", l.o);
            m.linears.put(l.prefix + "intermediate.dense", l.fc1);
            m.linears.put(l.prefix + "output.dense", l.fc2);
        }
        return m;
    }

    /** The names of the linear layers, in forward order. */
    public List<String> linearNames() {
        List<String> out = new ArrayList<>();
        for (Layer l : layers) {
            for (String s : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense", "intermediate.dense", "output.dense"}) {
                out.add(l.prefix + s);
            }
        }
        return out;
    }

    /** The linear layer of this name (weight name without {@code .weight}), or null. */
    public Linear linear(String name) {
        return linears.get(name);
    }

    private static Linear linear(Weights c, String name, Linear.Factory f) throws IOException {
        long[] s = c.shape(name + ".weight");
        if (s == null || s.length != 2) {
            throw new IllegalArgumentException(c.displayName() + ": missing or not 2-D: " + name + ".weight");
        }
        return f.create(name, read(c, name + ".weight"), (int) s[0], (int) s[1],
                c.shape(name + ".bias") == null ? null : read(c, name + ".bias"));
    }

    private static float[] read(Weights c, String name) throws IOException {
        if (c.shape(name) == null) {
            throw new IllegalArgumentException(c.displayName() + ": missing tensor " + name);
        }
        return c.read(name);
    }

    /** The configuration. */
    public BertConfig config() {
        return config;
    }

    /**
     * The final hidden states of a batch of sequences, concatenated: [sum of lengths, hidden].
     *
     * @param observer sees every linear layer (or null)
     */
    public float[] hiddenStates(int[][] ids, Observer observer) {
        int h = config.hidden();
        int tokens = 0;
        for (int[] s : ids) {
            if (s.length > config.maxPositions()) {
                throw new IllegalArgumentException("a sequence of " + s.length + " tokens exceeds the model's "
                        + config.maxPositions() + " positions");
            }
            tokens += s.length;
        }
        float[] x = new float[tokens * h];
        int t = 0;
        for (int[] s : ids) {
            for (int p = 0; p < s.length; p++, t++) {
                int id = s[p];
                if (id < 0 || id >= config.vocab()) {
                    throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + config.vocab());
                }
                for (int j = 0; j < h; j++) {
                    x[t * h + j] = wordEmb[id * h + j] + posEmb[p * h + j] + typeEmb[j];
                }
            }
        }
        layerNorm(x, tokens, embGamma, embBeta);
        for (Layer l : layers) {
            x = layer(l, x, ids, tokens, observer);
        }
        return x;
    }

    private float[] layer(Layer l, float[] x, int[][] ids, int tokens, Observer obs) {
        int h = config.hidden();
        float[] q = apply(l.prefix + "attention.self.query", l.q, x, ids, tokens, obs);
        float[] k = apply(l.prefix + "attention.self.key", l.k, x, ids, tokens, obs);
        float[] v = apply(l.prefix + "attention.self.value", l.v, x, ids, tokens, obs);
        float[] ctx = Attention.run(q, k, v, ids, config.heads(), config.headDim(), workers);
        float[] attn = apply(l.prefix + "attention.output.dense", l.o, ctx, ids, tokens, obs);
        for (int i = 0; i < attn.length; i++) {
            attn[i] += x[i];
        }
        layerNorm(attn, tokens, l.ln1g, l.ln1b);
        float[] inter = apply(l.prefix + "intermediate.dense", l.fc1, attn, ids, tokens, obs);
        int parts = Math.max(1, Math.min(64, inter.length / 16384));
        workers.forEach(parts, part -> {
            int from = (int) ((long) inter.length * part / parts);
            int to = (int) ((long) inter.length * (part + 1) / parts);
            KernelProvider.get().gelu(inter, from, to - from);
        });
        float[] out = apply(l.prefix + "output.dense", l.fc2, inter, ids, tokens, obs);
        for (int i = 0; i < out.length; i++) {
            out[i] += attn[i];
        }
        layerNorm(out, tokens, l.ln2g, l.ln2b);
        return out;
    }

    private static float[] apply(String name, Linear lin, float[] x, int[][] ids, int rows, Observer obs) {
        float[] y = new float[rows * lin.out()];
        lin.forwardSequences(x, lengths(ids), y);
        if (obs != null) {
            obs.linear(name, x, rows, lin.in(), y, lin.out());
        }
        return y;
    }

    /** The number of tokens of each sequence. */
    public static int[] lengths(int[][] ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i].length;
        }
        return out;
    }

    /** LayerNorm over each row: (x - mean) / sqrt(var + eps) * gamma + beta, statistics in float64. */
    private void layerNorm(float[] x, int rows, float[] gamma, float[] beta) {
        int h = config.hidden();
        for (int r = 0; r < rows; r++) {
            int o = r * h;
            double mean = 0;
            for (int j = 0; j < h; j++) {
                mean += x[o + j];
            }
            mean /= h;
            double var = 0;
            for (int j = 0; j < h; j++) {
                double d = x[o + j] - mean;
                var += d * d;
            }
            var /= h;
            double inv = 1 / Math.sqrt(var + config.eps());
            for (int j = 0; j < h; j++) {
                x[o + j] = (float) ((x[o + j] - mean) * inv) * gamma[j] + beta[j];
            }
        }
    }

    /** Sentence embeddings of a batch: pooled (mean or [CLS]) and L2-normalized, one row per sequence. */
    public float[][] embed(int[][] ids, Observer observer) {
        return pool(hiddenStates(ids, observer), ids, config.hidden(), config.pooling());
    }

    /** Pools concatenated hidden states per sequence and normalizes each to unit L2 norm. */
    public static float[][] pool(float[] states, int[][] ids, int h, BertConfig.Pooling pooling) {
        float[][] out = new float[ids.length][h];
        int t = 0;
        for (int s = 0; s < ids.length; s++) {
            double[] acc = new double[h];
            if (pooling == BertConfig.Pooling.CLS) {
                for (int j = 0; j < h; j++) {
                    acc[j] = states[t * h + j];
                }
            } else {
                for (int p = 0; p < ids[s].length; p++) {
                    for (int j = 0; j < h; j++) {
                        acc[j] += states[(t + p) * h + j];
                    }
                }
                for (int j = 0; j < h; j++) {
                    acc[j] /= ids[s].length;
                }
            }
            double norm = 0;
            for (double a : acc) {
                norm += a * a;
            }
            norm = Math.max(Math.sqrt(norm), 1e-12);
            for (int j = 0; j < h; j++) {
                out[s][j] = (float) (acc[j] / norm);
            }
            t += ids[s].length;
        }
        return out;
    }
}
