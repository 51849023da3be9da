package dev.qlens.formats.gptq;

import dev.qlens.core.linalg.Cholesky;
import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.formats.comfy.LayerCodec;
import dev.qlens.formats.comfy.QLayer;

/**
 * GPTQ (Frantar et al., 2022): rounds a layer's weight one input column at a time and spreads each
 * column's rounding error over the columns not yet rounded, through the inverse of the input second
 * moment {@code H = X^T X}, so that the layer's output {@code W X} changes as little as possible. The
 * scales are the codec's, fixed before (round-to-nearest or scale search); only the codes change, so
 * the checkpoint layout is the same as round-to-nearest's.
 *
 * <p>The work follows the published algorithm: dampening {@code H + damp * mean(diag H) * I}, inputs
 * never seen (zero diagonal) treated as independent, the upper Cholesky factor of {@code H^-1}, lazy
 * batch updates over blocks of columns (the trailing update is one matrix product), and optional
 * activation ordering (columns with the largest diagonal first). Rows are independent given H, so
 * blocks of rows run in parallel with results independent of the thread count.
 */
public final class Gptq {
    /** Rows per parallel task. */
    private static final int ROW_CHUNK = 64;

    private final Gemm gemm;

    /**
     * How GPTQ runs.
     *
     * @param damp relative dampening added to the diagonal (0.01 in the paper)
     * @param blockSize columns per lazy batch
     * @param actOrder round columns in decreasing order of their input energy
     */
    public record Options(double damp, int blockSize, boolean actOrder) {
        /** The published defaults: damp 0.01, blocks of 128, natural order. */
        public static Options defaults() {
            return new Options(0.01, 128, false);
        }

        /** Rejects values GPTQ cannot use. */
        public Options {
            if (!(damp >= 0) || Double.isInfinite(damp)) {
                throw new IllegalArgumentException("GPTQ dampening must be a finite number >= 0, not " + damp);
            }
            if (blockSize < 1) {
                throw new IllegalArgumentException("GPTQ block size must be at least 1, not " + blockSize);
            }
        }
    }

    /** What GPTQ did: the columns without input energy, and the dampening added to the diagonal. */
    public record Outcome(int deadColumns, double dampening) {
    }

    /**
     * @param gemm the matrix product for the trailing updates (its workers also run the row blocks)
     */
    public Gptq(Gemm gemm) {
        this.gemm = gemm;
    }

    /**
     * Replaces the layer's codes (scales already chosen by the codec) by GPTQ's.
     *
     * @param h the input second moment of the target matrix (cols x cols, row-major), e.g. from
     *     {@link LayerCodec#targetHessian}; not modified
     */
    public Outcome apply(LayerCodec codec, QLayer layer, double[] h, Options o) {
        int n = layer.cols;
        int m = layer.rows;
        if (h.length != (long) n * n) {
            throw new IllegalArgumentException(layer.name + ": second moment has " + h.length + " entries, expected "
                    + n + " x " + n);
        }
        int[] perm = order(h, n, o.actOrder());
        double[] hp = new double[n * n];
        int dead = 0;
        double diagSum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                hp[i * n + j] = h[perm[i] * n + perm[j]];
            }
            double d = hp[i * n + i];
            if (!(d > 0)) {
                // An input that never fires: its column cannot affect the output, so round it alone.
                for (int j = 0; j < n; j++) {
                    hp[i * n + j] = 0;
                    hp[j * n + i] = 0;
                }
                hp[i * n + i] = 1;
                dead++;
            }
            diagSum += hp[i * n + i];
        }
        double damping = o.damp() * diagSum / n;
        for (int i = 0; i < n; i++) {
            hp[i * n + i] += damping;
        }
        double[] ud;
        try {
            ud = Cholesky.upperOfInverse(hp, n, gemm.workers());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer.name + ": the input second moment is not positive definite"
                    + " even with dampening " + o.damp() + "; use a larger --gptq-damp", e);
        }
        float[] u = new float[n * n];
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) ud[i];
        }
        float[] w = new float[m * n];
        for (int r = 0; r < m; r++) {
            for (int i = 0; i < n; i++) {
                w[r * n + i] = layer.x[r * n + perm[i]];
            }
        }
        int bs = Math.min(o.blockSize(), n);
        float[] err = new float[m * bs];
        int chunks = (m + ROW_CHUNK - 1) / ROW_CHUNK;
        for (int i1 = 0; i1 < n; i1 += bs) {
            int i2 = Math.min(n, i1 + bs);
            int b0 = i1;
            gemm.workers().forEach(chunks, c -> roundBlock(codec, layer, perm, w, u, err, b0, i2,
                    c * ROW_CHUNK, Math.min(m, (c + 1) * ROW_CHUNK), bs));
            if (i2 < n) {
                // W[:, i2:] -= Err * U[i1:i2, i2:], with Err already negated by roundBlock.
                FloatMatrix e = FloatMatrix.view(err, 0, m, i2 - i1, bs, 1);
                FloatMatrix ub = FloatMatrix.view(u, i1 * n + i2, i2 - i1, n - i2, n, 1);
                FloatMatrix rest = FloatMatrix.view(w, i2, m, n - i2, n, 1);
                gemm.multiply(e, ub, rest, true);
            }
        }
        return new Outcome(dead, damping);
    }

    /**
     * Rounds columns [i1, i2) of rows [r0, r1): each column with the codec at its fixed scales, its
     * error divided by U's diagonal, spread over the block's later columns; the negated scaled errors go
     * to {@code err} (rows x bs) for the trailing update.
     */
    private static void roundBlock(LayerCodec codec, QLayer layer, int[] perm, float[] w, float[] u, float[] err,
                                   int i1, int i2, int r0, int r1, int bs) {
        int n = layer.cols;
        float[] one = new float[1];
        float[] q = new float[1];
        for (int i = i1; i < i2; i++) {
            float d = u[i * n + i];
            int target = perm[i];
            for (int r = r0; r < r1; r++) {
                int row = r * n;
                one[0] = w[row + i];
                codec.encodeRange(layer, one, 0, row + target, 1);
                codec.dequantizeRange(layer, row + target, 1, q, 0);
                float e = (one[0] - q[0]) / d;
                err[r * bs + (i - i1)] = -e;
                for (int j = i + 1; j < i2; j++) {
                    w[row + j] = Math.fma(-e, u[i * n + j], w[row + j]);
                }
            }
        }
    }

    /** Column order: natural, or by decreasing diagonal (ties by index) for activation ordering. */
    static int[] order(double[] h, int n, boolean actOrder) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (actOrder) {
            java.util.Arrays.sort(idx, (a, b) -> {
                int c = Double.compare(h[b * n + b], h[a * n + a]);
                return c != 0 ? c : Integer.compare(a, b);
            });
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = idx[i];
        }
        return p;
    }
}
