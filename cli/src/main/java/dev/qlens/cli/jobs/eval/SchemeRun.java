package dev.qlens.cli.jobs.eval;

import dev.qlens.core.model.BertModel;
import dev.qlens.core.model.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One scheme's model and what has been measured of it so far. */
final class SchemeRun {
    final Scheme scheme;
    final SchemeModels.Built built;
    final LayerErrors accumulated = new LayerErrors();
    final LayerErrors own = new LayerErrors();
    final List<float[]> embeddings = new ArrayList<>();
    long forwardNanos;
    long tokens;

    SchemeRun(Scheme scheme, SchemeModels.Built built) {
        this.scheme = scheme;
        this.built = built;
    }

    /** This scheme's layer on the float32 model's input, compared with the float32 layer's output. */
    void runOwn(String layer, float[] in, int[] sequenceRows, int rows, float[] refOut, int outDim) {
        Linear lin = built.model().linear(layer);
        float[] y = new float[rows * outDim];
        lin.forwardSequences(in, sequenceRows, y);
        own.add(layer, refOut, y, sequenceRows, outDim);
    }

    /**
     * Runs one batch through this scheme's model, comparing every linear layer's output with the float32
     * model's ({@code reference}, by layer name); the time spent comparing is not counted as forward time.
     */
    void runBatch(int[][] batch, Map<String, float[]> reference) {
        long[] observing = new long[1];
        BertModel m = built.model();
        if (built.clipping() != null) {
            built.clipping().counting(true);
        }
        int[] lengths = BertModel.lengths(batch);
        long start = System.nanoTime();
        float[][] e = m.embed(batch, (name, in, rows, inDim, out, outDim) -> {
            long t0 = System.nanoTime();
            accumulated.add(name, reference.get(name), out, lengths, outDim);
            observing[0] += System.nanoTime() - t0;
        });
        forwardNanos += System.nanoTime() - start - observing[0];
        if (built.clipping() != null) {
            built.clipping().counting(false);
        }
        for (float[] row : e) {
            embeddings.add(row);
        }
        for (int[] s : batch) {
            tokens += s.length;
        }
    }

    float[][] embeddingArray() {
        return embeddings.toArray(new float[0][]);
    }
}
