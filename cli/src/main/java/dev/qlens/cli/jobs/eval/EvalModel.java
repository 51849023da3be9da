package dev.qlens.cli.jobs.eval;

import dev.qlens.cli.jobs.maven.MavenFile;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.model.BertConfig;
import dev.qlens.core.model.BertModel;
import dev.qlens.core.model.BertTokenizer;
import dev.qlens.core.model.Linear;
import dev.qlens.core.model.Weights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A resolved evaluation model: its float32 weights (opened lazily from the checkpoint), tokenizer,
 * attention heads and pooling. Every scheme builds its own {@link BertModel} from it; the tensors
 * that no scheme changes (embeddings, LayerNorm, biases) are read once and shared.
 */
public final class EvalModel implements AutoCloseable {
    /** BERT's LayerNorm epsilon (all three built-in models). */
    static final float LAYER_NORM_EPS = 1e-12f;
    private static final String[] LINEARS = {"attention.self.query", "attention.self.key", "attention.self.value",
        "attention.output.dense", "intermediate.dense", "output.dense"};

    private final String name;
    private final Path file;
    private final Checkpoint checkpoint;
    private final Weights weights;
    private final BertTokenizer tokenizer;
    private final int heads;
    private final BertConfig.Pooling pooling;
    private final MavenFile int8;
    private final Map<String, float[]> shared = new ConcurrentHashMap<>();

    EvalModel(String name, Path file, Checkpoint checkpoint, Weights weights, BertTokenizer tokenizer, int heads,
              BertConfig.Pooling pooling, MavenFile int8) {
        this.name = name;
        this.file = file;
        this.checkpoint = checkpoint;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.heads = heads;
        this.pooling = pooling;
        this.int8 = int8;
    }

    /** The model's name (built-in name or file name). */
    public String name() {
        return name;
    }

    /** The float32 model file. */
    public Path file() {
        return file;
    }

    /** The opened checkpoint of the float32 model. */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    /** The tokenizer. */
    public BertTokenizer tokenizer() {
        return tokenizer;
    }

    /** Attention heads. */
    public int heads() {
        return heads;
    }

    /** Sentence pooling. */
    public BertConfig.Pooling pooling() {
        return pooling;
    }

    /** ONNX Runtime's int8 twin of a built-in model, or null. */
    public MavenFile int8() {
        return int8;
    }

    /** The sequence limit: the rows of the position embeddings. */
    public int maxPositions() {
        long[] s = weights.shape("embeddings.position_embeddings.weight");
        if (s == null || s.length != 2) {
            throw new IllegalArgumentException(checkpoint.displayName()
                    + ": no 2-D embeddings.position_embeddings.weight; not a BERT encoder with PyTorch names");
        }
        return (int) s[0];
    }

    /** The names of the linear layers (weight names without {@code .weight}), in forward order. */
    public List<String> linearNames() {
        List<String> out = new ArrayList<>();
        for (int l = 0; weights.shape("encoder.layer." + l + ".attention.self.query.weight") != null; l++) {
            for (String s : LINEARS) {
                out.add("encoder.layer." + l + "." + s);
            }
        }
        return out;
    }

    /** Elements of all linear weights together. */
    public long linearParameters() {
        long n = 0;
        for (String l : linearNames()) {
            long[] s = weights.shape(l + ".weight");
            n += s == null ? 0 : s[0] * s[1];
        }
        return n;
    }

    /** The float32 weights (linear weights read fresh, every other tensor shared). */
    public Weights weights() {
        return sharing(weights);
    }

    /** A model on the float32 weights with linear layers made by {@code linears}. */
    public BertModel load(Linear.Factory linears, Workers workers) throws IOException {
        return BertModel.load(weights(), heads, pooling, LAYER_NORM_EPS, linears, workers);
    }

    /** A model on other weights (a quantized checkpoint's) with linear layers made by {@code linears}. */
    public BertModel load(Weights other, Linear.Factory linears, Workers workers) throws IOException {
        return BertModel.load(other, heads, pooling, LAYER_NORM_EPS, linears, workers);
    }

    /** Caches the tensors other than linear weights: models built for different schemes share them. */
    private Weights sharing(Weights base) {
        return new Weights() {
            @Override
            public String displayName() {
                return base.displayName();
            }

            @Override
            public long[] shape(String tensor) {
                return base.shape(tensor);
            }

            @Override
            public float[] read(String tensor) throws IOException {
                if (tensor.startsWith("encoder.layer.") && tensor.endsWith(".weight") && !tensor.contains("LayerNorm")) {
                    return base.read(tensor);
                }
                float[] v = shared.get(tensor);
                if (v == null) {
                    v = base.read(tensor);
                    shared.put(tensor, v);
                }
                return v;
            }
        };
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
