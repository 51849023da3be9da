package dev.qlens.core.model;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.numeric.Transcendentals;

/**
 * Multi-head self-attention over concatenated sequences: for every sequence and head,
 * softmax(Q K^T / sqrt(d)) V. Both products are one chain of fused multiply-adds per element
 * ({@link Kernels#matmulSmall}, so every kernel and width gives the same bits); the scores are divided by sqrt(d) in
 * float32 after the product, as the ONNX exports of these models do; the softmax uses the deterministic
 * exp and sums in float64. Each (sequence, head) task writes its own slice, so the result does not
 * depend on the thread count or on which sequences share a batch.
 */
final class Attention {
    private Attention() {
    }

    static float[] run(float[] q, float[] k, float[] v, int[][] ids, int heads, int d, Workers workers) {
        int h = heads * d;
        int[] offsets = new int[ids.length];
        int total = 0;
        for (int s = 0; s < ids.length; s++) {
            offsets[s] = total;
            total += ids[s].length;
        }
        float[] ctx = new float[total * h];
        float sqrtD = (float) Math.sqrt(d);
        Kernels kernels = KernelProvider.get();
        workers.forEach(ids.length * heads, task -> {
            int s = task / heads;
            int head = task % heads;
            int len = ids[s].length;
            int base = offsets[s];
            float[] qh = new float[len * d];
            float[] kt = new float[d * len];
            float[] vh = new float[len * d];
            for (int i = 0; i < len; i++) {
                int src = (base + i) * h + head * d;
                System.arraycopy(q, src, qh, i * d, d);
                System.arraycopy(v, src, vh, i * d, d);
                for (int c = 0; c < d; c++) {
                    kt[c * len + i] = k[src + c];
                }
            }
            float[] scores = new float[len * len];
            kernels.matmulSmall(qh, 0, kt, 0, scores, 0, len, d, len);
            for (int i = 0; i < len; i++) {
                softmaxRow(scores, i * len, len, sqrtD);
            }
            float[] out = new float[len * d];
            kernels.matmulSmall(scores, 0, vh, 0, out, 0, len, len, d);
            for (int i = 0; i < len; i++) {
                System.arraycopy(out, i * d, ctx, (base + i) * h + head * d, d);
            }
        });
        return ctx;
    }

    /** Scores / sqrt(d), then softmax: exp(s - max) in float64 rounded to float, normalized by the float64 sum. */
    private static void softmaxRow(float[] row, int off, int len, float sqrtD) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = off; j < off + len; j++) {
            row[j] /= sqrtD;
            max = Math.max(max, row[j]);
        }
        double sum = 0;
        for (int j = off; j < off + len; j++) {
            float e = (float) Transcendentals.exp(row[j] - max);
            row[j] = e;
            sum += e;
        }
        float inv = (float) (1 / sum);
        for (int j = off; j < off + len; j++) {
            row[j] *= inv;
        }
    }
}
