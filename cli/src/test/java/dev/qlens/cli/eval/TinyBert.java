package dev.qlens.cli.eval;

import dev.qlens.core.testing.SafetensorsBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * A small random BERT encoder with PyTorch names (2 layers, 32 wide, 4 heads, 128 positions, MiniLM's
 * vocabulary), written as safetensors: fast enough to run every scheme on the scalar kernels too.
 */
final class TinyBert {
    static final int LAYERS = 2;
    static final int HIDDEN = 32;
    static final int HEADS = 4;
    static final int INTERMEDIATE = 64;
    static final int POSITIONS = 128;
    static final int VOCAB = 30522;

    private TinyBert() {
    }

    static Path write(Path file, long seed) throws IOException {
        Random r = new Random(seed);
        SafetensorsBuilder b = new SafetensorsBuilder();
        b.f32("embeddings.word_embeddings.weight", new long[] {VOCAB, HIDDEN}, gaussian(r, VOCAB * HIDDEN, 0.5));
        b.f32("embeddings.position_embeddings.weight", new long[] {POSITIONS, HIDDEN}, gaussian(r, POSITIONS * HIDDEN, 0.2));
        b.f32("embeddings.token_type_embeddings.weight", new long[] {2, HIDDEN}, gaussian(r, 2 * HIDDEN, 0.1));
        norm(b, r, "embeddings.LayerNorm");
        for (int l = 0; l < LAYERS; l++) {
            String p = "encoder.layer." + l + ".";
            linear(b, r, p + "attention.self.query", HIDDEN, HIDDEN);
            linear(b, r, p + "attention.self.key", HIDDEN, HIDDEN);
            linear(b, r, p + "attention.self.value", HIDDEN, HIDDEN);
            linear(b, r, p + "attention.output.dense", HIDDEN, HIDDEN);
            norm(b, r, p + "attention.output.LayerNorm");
            linear(b, r, p + "intermediate.dense", INTERMEDIATE, HIDDEN);
            linear(b, r, p + "output.dense", HIDDEN, INTERMEDIATE);
            norm(b, r, p + "output.LayerNorm");
        }
        return b.write(file);
    }

    private static void linear(SafetensorsBuilder b, Random r, String name, int out, int in) {
        float[] w = gaussian(r, out * in, 1 / Math.sqrt(in));
        w[r.nextInt(w.length)] *= 8; // an outlier weight, as real layers have
        b.f32(name + ".weight", new long[] {out, in}, w);
        b.f32(name + ".bias", new long[] {out}, gaussian(r, out, 0.05));
    }

    private static void norm(SafetensorsBuilder b, Random r, String name) {
        float[] g = gaussian(r, HIDDEN, 0.1);
        for (int i = 0; i < HIDDEN; i++) {
            g[i] += 1;
        }
        b.f32(name + ".weight", new long[] {HIDDEN}, g);
        b.f32(name + ".bias", new long[] {HIDDEN}, gaussian(r, HIDDEN, 0.05));
    }

    private static float[] gaussian(Random r, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * scale);
        }
        return x;
    }
}
