package dev.qlens.core.linalg;

import dev.qlens.core.kernel.KernelProvider;

/**
 * Blocked int8 matrix product A * W<sup>T</sup> (A is M x K, W is N x K) with exact integer
 * accumulation, then scales, zero points and bias applied after accumulation.
 *
 * <p>Exactness by construction: K is cut into blocks of at most {@link #EXACT_BLOCK} columns, whose
 * raw int8 products (at most 2<sup>14</sup> each) sum to less than 2<sup>31</sup> in int32; blocks are
 * combined in int64, and zero points are applied as exact int64 corrections
 * (sum (a - za)(w - zw) = sum a w - za sum w - zw sum a + K za zw). The micro-kernel sums two
 * products in int16 before widening, which only overflows for (-128)(-128) + (-128)(-128); when both
 * operands contain -128 the driver packs one product per pair instead (half speed, still exact).
 *
 * <p>Dequantized output, fixed order: for each scale block b (the common K-block of the operands, or
 * all of K), acc += (double) sa(i, b) * (double) sw(j, b) * exact_b(i, j); then
 * out = (float) (acc + bias[j]).
 */
public final class Int8Gemm {
    /** Largest K block summed in int32: 65536 * 2^14 = 2^30. */
    public static final int EXACT_BLOCK = 65536;
    /** Depth of a packed chunk, in k (256 pairs). */
    static final int KC = 512;
    /** Rows of a packed A block. */
    static final int MC = 96;
    /** Columns of a packed B block. */
    static final int NC = 2048;

    private final Int8GemmKernel kernel;
    private final Workers workers;

    /** A product on the given micro-kernel and workers. */
    public Int8Gemm(Int8GemmKernel kernel, Workers workers) {
        this.kernel = kernel;
        this.workers = workers;
    }

    /** The active kernels' product ({@link KernelProvider}) on the given workers. */
    public static Int8Gemm using(Workers workers) {
        return new Int8Gemm(KernelProvider.get().int8GemmKernel(), workers);
    }

    /** The micro-kernel in use. */
    public Int8GemmKernel kernel() {
        return kernel;
    }

    /**
     * Exact sums (A - za)(W - zw)<sup>T</sup> as an M x N row-major array (scales ignored).
     *
     * @throws IllegalArgumentException when the inner dimensions differ
     */
    public long[] exact(Int8Matrix a, Int8Matrix w) {
        checkShapes(a, w);
        long[] out = new long[Math.multiplyExact(a.rows(), w.rows())];
        addExact(a, w, 0, a.cols(), out, pairSafe(a, w));
        return out;
    }

    /**
     * The dequantized product: out[i * N + j] = sum over k of real(A)[i][k] * real(W)[j][k] + bias[j],
     * in the order described on the class.
     *
     * @param bias N values, or null
     */
    public float[] multiply(Int8Matrix a, Int8Matrix w, float[] bias) {
        checkShapes(a, w);
        int m = a.rows();
        int n = w.rows();
        int k = a.cols();
        if (bias != null && bias.length != n) {
            throw new IllegalArgumentException("bias has " + bias.length + " values for " + n + " outputs");
        }
        int block = scaleBlock(a, w);
        boolean safe = pairSafe(a, w);
        double[] acc = new double[Math.multiplyExact(m, n)];
        long[] exact = new long[m * n];
        int blocks = Math.max(1, Gemm.ceilDiv(k, block));
        for (int b = 0; b < blocks; b++) {
            java.util.Arrays.fill(exact, 0L);
            addExact(a, w, b * block, Math.min(k, (b + 1) * block), exact, safe);
            int aBlock = a.scaleBlock() > 0 ? b : 0;
            int wBlock = w.scaleBlock() > 0 ? b : 0;
            for (int i = 0; i < m; i++) {
                double sa = a.scale(i, aBlock);
                for (int j = 0; j < n; j++) {
                    acc[i * n + j] += sa * (double) w.scale(j, wBlock) * (double) exact[i * n + j];
                }
            }
        }
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = (float) (acc[i * n + j] + (bias == null ? 0.0 : bias[j]));
            }
        }
        return out;
    }

    /** Common scale block of the operands in K, or K when neither is blocked. */
    static int scaleBlock(Int8Matrix a, Int8Matrix w) {
        int ba = a.scaleBlock();
        int bw = w.scaleBlock();
        if (ba > 0 && bw > 0 && ba != bw) {
            throw new IllegalArgumentException("activation and weight scale blocks differ: " + ba + " and " + bw);
        }
        int block = Math.max(ba, bw);
        return block > 0 ? block : Math.max(1, a.cols());
    }

    private static void checkShapes(Int8Matrix a, Int8Matrix w) {
        if (a.cols() != w.cols()) {
            throw new IllegalArgumentException("cannot multiply " + a.rows() + " x " + a.cols() + " by the transpose of "
                    + w.rows() + " x " + w.cols() + ": inner dimensions differ");
        }
    }

    private static boolean pairSafe(Int8Matrix a, Int8Matrix w) {
        return !(a.containsMinus128() && w.containsMinus128());
    }

    /** Adds the exact sums over columns [k0, k1) to {@code out}, K blocks of at most EXACT_BLOCK in int32. */
    private void addExact(Int8Matrix a, Int8Matrix w, int k0, int k1, long[] out, boolean pairs) {
        int m = a.rows();
        int n = w.rows();
        if (m == 0 || n == 0) {
            return;
        }
        int[] c = new int[m * n];
        boolean zeroPoints = a.hasZeroPoints() || w.hasZeroPoints();
        for (int e0 = k0; e0 < k1; e0 += EXACT_BLOCK) {
            int e1 = Math.min(k1, e0 + EXACT_BLOCK);
            integerProduct(a, w, e0, e1, c, pairs);
            long[] rowSumsA = zeroPoints ? rowSums(a, e0, e1) : null;
            long[] rowSumsW = zeroPoints ? rowSums(w, e0, e1) : null;
            long len = e1 - e0;
            for (int i = 0; i < m; i++) {
                long za = a.zeroPoint(i);
                for (int j = 0; j < n; j++) {
                    long v = c[i * n + j];
                    if (zeroPoints) {
                        long zw = w.zeroPoint(j);
                        v += -za * rowSumsW[j] - zw * rowSumsA[i] + len * za * zw;
                    }
                    out[i * n + j] += v;
                }
            }
        }
    }

    private static long[] rowSums(Int8Matrix x, int k0, int k1) {
        long[] s = new long[x.rows()];
        for (int i = 0; i < x.rows(); i++) {
            long t = 0;
            for (int k = k0; k < k1; k++) {
                t += x.get(i, k);
            }
            s[i] = t;
        }
        return s;
    }

    /** c = raw int8 sums of A * W^T over columns [k0, k1), at most EXACT_BLOCK long. */
    private void integerProduct(Int8Matrix a, Int8Matrix w, int k0, int k1, int[] c, boolean pairs) {
        int m = a.rows();
        int n = w.rows();
        int mr = kernel.rows();
        int nr = kernel.cols();
        int mc = Math.min(Gemm.roundUp(MC, mr), Gemm.roundUp(Gemm.ceilDiv(m, workers.threads()), mr));
        int nc = Gemm.roundUp(NC, nr);
        // Pairs per chunk: KC columns, two per pair (or one when pairs are unsafe).
        int perPair = pairs ? 2 : 1;
        int chunkPairs = KC / 2;
        int chunkCols = chunkPairs * perPair;
        short[] bPacked = new short[chunkPairs * 2 * Math.min(nc, Gemm.roundUp(n, nr))];
        for (int jc = 0; jc < n; jc += nc) {
            int ncb = Math.min(nc, n - jc);
            for (int pc = k0; pc < k1; pc += chunkCols) {
                int cols = Math.min(chunkCols, k1 - pc);
                int chunk = Gemm.ceilDiv(cols, perPair);
                boolean acc = pc > k0;
                int panels = Gemm.ceilDiv(ncb, nr);
                int j0 = jc;
                int p0 = pc;
                workers.forEach(panels, q -> packB(w, j0 + q * nr, Math.min(nr, ncb - q * nr), p0, cols, perPair,
                        bPacked, q * nr * 2 * chunk));
                workers.forEach(Gemm.ceilDiv(m, mc), t -> {
                    int ic = t * mc;
                    int mcb = Math.min(mc, m - ic);
                    short[] aPacked = new short[Gemm.roundUp(mcb, mr) * 2 * chunk];
                    for (int ir = 0; ir < mcb; ir += mr) {
                        packA(a, ic + ir, Math.min(mr, mcb - ir), p0, cols, perPair, mr, aPacked, ir * 2 * chunk);
                    }
                    int[] scratch = new int[mr * nr];
                    for (int q = 0; q < panels; q++) {
                        int tileCols = Math.min(nr, ncb - q * nr);
                        for (int ir = 0; ir < mcb; ir += mr) {
                            int rows = Math.min(mr, mcb - ir);
                            tile(chunk, aPacked, ir * 2 * chunk, bPacked, q * nr * 2 * chunk, c, n, ic + ir,
                                    j0 + q * nr, rows, tileCols, acc, scratch);
                        }
                    }
                });
            }
        }
    }

    private void tile(int pairs, short[] a, int aOff, short[] b, int bOff, int[] c, int ldc, int i, int j,
                      int rows, int cols, boolean accumulate, int[] scratch) {
        int mr = kernel.rows();
        int nr = kernel.cols();
        if (rows == mr && cols == nr) {
            kernel.tile(pairs, a, aOff, b, bOff, c, i * ldc + j, ldc, accumulate);
            return;
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(c, (i + r) * ldc + j, scratch, r * nr, cols);
        }
        kernel.tile(pairs, a, aOff, b, bOff, scratch, 0, nr, accumulate);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(scratch, r * nr, c, (i + r) * ldc + j, cols);
        }
    }

    /** Packs rows [i0, i0 + rows) over columns [k0, k0 + cols) as an MR panel of pairs, zeros elsewhere. */
    private static void packA(Int8Matrix a, int i0, int rows, int k0, int cols, int perPair, int mr, short[] out,
                              int outOff) {
        int pairs = Gemm.ceilDiv(cols, perPair);
        java.util.Arrays.fill(out, outOff, outOff + pairs * mr * 2, (short) 0);
        byte[] d = a.data();
        int ld = a.cols();
        for (int ii = 0; ii < rows; ii++) {
            int src = (i0 + ii) * ld + k0;
            for (int kk = 0; kk < cols; kk++) {
                int p = kk / perPair;
                int h = kk - p * perPair;
                out[outOff + (p * mr + ii) * 2 + h] = d[src + kk];
            }
        }
    }

    /** Packs W rows (C columns) [j0, j0 + cols) over K columns [k0, k0 + kCols) as an NR panel of pairs. */
    private void packB(Int8Matrix w, int j0, int cols, int k0, int kCols, int perPair, short[] out, int outOff) {
        int nr = kernel.cols();
        int pairs = Gemm.ceilDiv(kCols, perPair);
        java.util.Arrays.fill(out, outOff, outOff + pairs * 2 * nr, (short) 0);
        byte[] d = w.data();
        int ld = w.cols();
        for (int jj = 0; jj < cols; jj++) {
            int src = (j0 + jj) * ld + k0;
            int lane = kernel.packedColumn(jj);
            for (int kk = 0; kk < kCols; kk++) {
                int p = kk / perPair;
                int h = kk - p * perPair;
                out[outOff + (p * 2 + h) * nr + lane] = d[src + kk];
            }
        }
    }

    /** The definition of {@link #exact}: plain int64 loops. The test oracle. */
    public static long[] referenceExact(Int8Matrix a, Int8Matrix w) {
        checkShapes(a, w);
        int m = a.rows();
        int n = w.rows();
        long[] out = new long[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long s = 0;
                for (int k = 0; k < a.cols(); k++) {
                    s += (long) (a.get(i, k) - a.zeroPoint(i)) * (w.get(j, k) - w.zeroPoint(j));
                }
                out[i * n + j] = s;
            }
        }
        return out;
    }

    /** The definition of {@link #multiply}: exact block sums by plain loops, then the same scaling order. */
    public static float[] referenceMultiply(Int8Matrix a, Int8Matrix w, float[] bias) {
        checkShapes(a, w);
        int m = a.rows();
        int n = w.rows();
        int k = a.cols();
        int block = scaleBlock(a, w);
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                int b = 0;
                do {
                    int k0 = b * block;
                    long s = 0;
                    for (int kk = k0; kk < Math.min(k, k0 + block); kk++) {
                        s += (long) (a.get(i, kk) - a.zeroPoint(i)) * (w.get(j, kk) - w.zeroPoint(j));
                    }
                    acc += (double) a.scale(i, a.scaleBlock() > 0 ? b : 0) * (double) w.scale(j,
                            w.scaleBlock() > 0 ? b : 0) * (double) s;
                    b++;
                } while (b * block < k);
                out[i * n + j] = (float) (acc + (bias == null ? 0.0 : bias[j]));
            }
        }
        return out;
    }
}
