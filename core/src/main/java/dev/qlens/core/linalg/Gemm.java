package dev.qlens.core.linalg;

import dev.qlens.core.kernel.KernelProvider;

/**
 * Blocked float32 matrix product C = A * B (or C += A * B) over strided views, after the BLIS
 * scheme: B is packed in blocks of {@code KC x NC} into panels of NR columns, A in blocks of
 * {@code MC x KC} into panels of MR rows, and a {@link GemmKernel} multiplies one panel pair into one
 * MR x NR tile. Blocks of rows of C are spread over the {@link Workers}.
 *
 * <p>Every element of C is one chain of fused multiply-adds over k in increasing order (a K block
 * continues the chain from the value stored by the previous one), so the result is the same for any
 * kernel, tile shape, block size and thread count, and equals {@link #reference}.
 */
public final class Gemm {
    /*
     * Block sizes measured on Zen 4 (32 KB L1d, 1 MB L2) with the 4 x 64 AVX-512 kernel: KC 256..512
     * and MC 96..192 are all within noise of each other at 1024^2; these keep the packed A block
     * (192 KB) in L2 and one B panel streaming from L2.
     */
    /** Depth of a packed block. */
    static final int KC = 512;
    /** Rows of a packed A block. */
    static final int MC = 96;
    /** Columns of a packed B block (4 MB at KC = 512, shared by all threads). */
    static final int NC = 2048;

    private final GemmKernel kernel;
    private final Workers workers;
    private final ThreadLocal<float[]> aBuffers;

    /** A product on the given micro-kernel and workers. */
    public Gemm(GemmKernel kernel, Workers workers) {
        this.kernel = kernel;
        this.workers = workers;
        int mr = kernel.rows();
        this.aBuffers = ThreadLocal.withInitial(() -> new float[roundUp(MC, mr) * KC]);
    }

    /** The active kernels' product ({@link KernelProvider}) on the given workers. */
    public static Gemm using(Workers workers) {
        return new Gemm(KernelProvider.get().gemmKernel(), workers);
    }

    /** The micro-kernel in use. */
    public GemmKernel kernel() {
        return kernel;
    }

    /** The workers in use. */
    public Workers workers() {
        return workers;
    }

    /** A new dense matrix A * B. */
    public FloatMatrix multiply(FloatMatrix a, FloatMatrix b) {
        FloatMatrix c = FloatMatrix.zeros(a.rows(), b.cols());
        multiply(a, b, c, false);
        return c;
    }

    /**
     * C = A * B, or C += A * B when {@code accumulate}. C must not overlap A or B.
     *
     * @throws IllegalArgumentException when the shapes do not match
     */
    public void multiply(FloatMatrix a, FloatMatrix b, FloatMatrix c, boolean accumulate) {
        run(a, b, null, c, accumulate);
    }

    /**
     * B packed once for many products with the same right operand (the SVD multiplies by A and
     * A<sup>T</sup> dozens of times): the packing pass, as costly as reading B, is then paid once.
     */
    public static final class PackedB {
        private final float[] data;
        private final int[] blockOffsets;
        private final int rows;
        private final int cols;
        private final int nr;
        private final int nc;

        private PackedB(float[] data, int[] blockOffsets, int rows, int cols, int nr, int nc) {
            this.nc = nc;
            this.data = data;
            this.blockOffsets = blockOffsets;
            this.rows = rows;
            this.cols = cols;
            this.nr = nr;
        }

        /** Rows of the packed matrix (K). */
        public int rows() {
            return rows;
        }

        /** Columns of the packed matrix (N). */
        public int cols() {
            return cols;
        }

        int offset(int jc, int pc) {
            return blockOffsets[(jc / nc) * Gemm.ceilDiv(rows, KC) + pc / KC];
        }
    }

    /** Packs B (K x N) for this product's kernel. */
    public PackedB pack(FloatMatrix b) {
        int k = b.rows();
        int n = b.cols();
        int nr = kernel.cols();
        int nc = roundUp(NC, nr);
        int kBlocks = ceilDiv(k, KC);
        int[] offsets = new int[ceilDiv(n, nc) * kBlocks];
        long total = 0;
        for (int jc = 0, t = 0; jc < n; jc += nc) {
            int ncb = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += KC, t++) {
                offsets[t] = Math.toIntExact(total);
                total += (long) Math.min(KC, k - pc) * roundUp(ncb, nr);
            }
        }
        float[] data = new float[Math.toIntExact(total)];
        for (int jc = 0; jc < n; jc += nc) {
            int ncb = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kcb = Math.min(KC, k - pc);
                int off = offsets[(jc / nc) * kBlocks + pc / KC];
                int j0 = jc;
                int p0 = pc;
                workers.forEach(ceilDiv(ncb, nr), q -> packB(b, p0, kcb, j0 + q * nr, Math.min(nr, ncb - q * nr), nr,
                        data, off + q * nr * kcb));
            }
        }
        return new PackedB(data, offsets, k, n, nr, nc);
    }

    /** C = A * B (or C += A * B) with B packed by {@link #pack}; the same results as unpacked. */
    public void multiply(FloatMatrix a, PackedB b, FloatMatrix c, boolean accumulate) {
        if (b.nr != kernel.cols()) {
            throw new IllegalArgumentException("B was packed for another kernel (" + b.nr + " columns per panel)");
        }
        run(a, null, b, c, accumulate);
    }

    private void run(FloatMatrix a, FloatMatrix b, PackedB packed, FloatMatrix c, boolean accumulate) {
        int m = a.rows();
        int k = a.cols();
        int n = packed != null ? packed.cols() : b.cols();
        int bRows = packed != null ? packed.rows() : b.rows();
        if (bRows != k || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("cannot multiply " + a.rows() + " x " + a.cols() + " by " + bRows
                    + " x " + n + " into " + c.rows() + " x " + c.cols());
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        c.set(i, j, 0f);
                    }
                }
            }
            return;
        }
        int mr = kernel.rows();
        int nr = kernel.cols();
        // Enough row blocks for every thread when C is short.
        int mc = Math.min(roundUp(MC, mr), roundUp(ceilDiv(m, workers.threads()), mr));
        int nc = roundUp(NC, nr);
        float[] bBuffer = packed != null ? null : new float[KC * Math.min(nc, roundUp(n, nr))];
        for (int jc = 0; jc < n; jc += nc) {
            int ncb = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kcb = Math.min(KC, k - pc);
                boolean acc = accumulate || pc > 0;
                int panels = ceilDiv(ncb, nr);
                int j0 = jc;
                int p0 = pc;
                float[] bPacked;
                int bBase;
                if (packed != null) {
                    bPacked = packed.data;
                    bBase = packed.offset(jc, pc);
                } else {
                    bPacked = bBuffer;
                    bBase = 0;
                    workers.forEach(panels, q -> packB(b, p0, kcb, j0 + q * nr, Math.min(nr, ncb - q * nr), nr,
                            bBuffer, q * nr * kcb));
                }
                int rowBlocks = ceilDiv(m, mc);
                workers.forEach(rowBlocks, t -> {
                    int ic = t * mc;
                    int mcb = Math.min(mc, m - ic);
                    float[] aPacked = aBuffers.get();
                    for (int ir = 0; ir < mcb; ir += mr) {
                        packA(a, ic + ir, Math.min(mr, mcb - ir), p0, kcb, mr, aPacked, ir * kcb);
                    }
                    float[] scratch = new float[mr * nr];
                    for (int q = 0; q < panels; q++) {
                        int cols = Math.min(nr, ncb - q * nr);
                        for (int ir = 0; ir < mcb; ir += mr) {
                            int rows = Math.min(mr, mcb - ir);
                            tile(kcb, aPacked, ir * kcb, bPacked, bBase + q * nr * kcb, c, ic + ir, j0 + q * nr, rows,
                                    cols, acc, scratch);
                        }
                    }
                });
            }
        }
    }

    private void tile(int kc, float[] a, int aOff, float[] b, int bOff, FloatMatrix c, int i, int j, int rows,
                      int cols, boolean accumulate, float[] scratch) {
        int mr = kernel.rows();
        int nr = kernel.cols();
        if (rows == mr && cols == nr && c.colStride() == 1) {
            kernel.tile(kc, a, aOff, b, bOff, c.data(), c.offset() + i * c.rowStride() + j, c.rowStride(), accumulate);
            return;
        }
        if (accumulate) {
            for (int r = 0; r < rows; r++) {
                for (int s = 0; s < cols; s++) {
                    scratch[r * nr + s] = c.get(i + r, j + s);
                }
            }
        }
        kernel.tile(kc, a, aOff, b, bOff, scratch, 0, nr, accumulate);
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < cols; s++) {
                c.set(i + r, j + s, scratch[r * nr + s]);
            }
        }
    }

    /** Packs rows [i0, i0 + rows) x columns [k0, k0 + kc) of A as an MR panel, zero rows below. */
    static void packA(FloatMatrix a, int i0, int rows, int k0, int kc, int mr, float[] out, int outOff) {
        float[] d = a.data();
        int rs = a.rowStride();
        int cs = a.colStride();
        if (rs == 1 && cs != 1) {
            // A is a transposed view: its columns are contiguous, so walk k outside.
            for (int kk = 0; kk < kc; kk++) {
                int src = a.offset() + i0 + (k0 + kk) * cs;
                int dst = outOff + kk * mr;
                for (int ii = 0; ii < rows; ii++) {
                    out[dst + ii] = d[src + ii];
                }
            }
        } else {
            for (int ii = 0; ii < rows; ii++) {
                int src = a.offset() + (i0 + ii) * rs + k0 * cs;
                int dst = outOff + ii;
                for (int kk = 0; kk < kc; kk++) {
                    out[dst + kk * mr] = d[src + kk * cs];
                }
            }
        }
        for (int ii = rows; ii < mr; ii++) {
            for (int kk = 0; kk < kc; kk++) {
                out[outOff + ii + kk * mr] = 0f;
            }
        }
    }

    /** Packs rows [k0, k0 + kc) x columns [j0, j0 + cols) of B as an NR panel, zero columns right. */
    static void packB(FloatMatrix b, int k0, int kc, int j0, int cols, int nr, float[] out, int outOff) {
        float[] d = b.data();
        int rs = b.rowStride();
        int cs = b.colStride();
        if (rs == 1 && cs != 1) {
            // B is a transposed view: each column is contiguous in k.
            for (int jj = 0; jj < cols; jj++) {
                int src = b.offset() + k0 + (j0 + jj) * cs;
                for (int kk = 0; kk < kc; kk++) {
                    out[outOff + kk * nr + jj] = d[src + kk];
                }
            }
            for (int kk = 0; kk < kc; kk++) {
                for (int jj = cols; jj < nr; jj++) {
                    out[outOff + kk * nr + jj] = 0f;
                }
            }
            return;
        }
        for (int kk = 0; kk < kc; kk++) {
            int src = b.offset() + (k0 + kk) * rs + j0 * cs;
            int dst = outOff + kk * nr;
            if (cs == 1) {
                System.arraycopy(d, src, out, dst, cols);
            } else {
                for (int jj = 0; jj < cols; jj++) {
                    out[dst + jj] = d[src + jj * cs];
                }
            }
            for (int jj = cols; jj < nr; jj++) {
                out[dst + jj] = 0f;
            }
        }
    }

    /**
     * The definition: C[i][j] = fma chain over k = 0, 1, ... of A[i][k] * B[k][j], starting from 0.
     * Slow; the test oracle of the blocked product.
     */
    public static FloatMatrix reference(FloatMatrix a, FloatMatrix b) {
        if (a.cols() != b.rows()) {
            throw new IllegalArgumentException("inner dimensions differ: " + a.cols() + " and " + b.rows());
        }
        FloatMatrix c = FloatMatrix.zeros(a.rows(), b.cols());
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < b.cols(); j++) {
                float s = 0f;
                for (int p = 0; p < a.cols(); p++) {
                    s = Math.fma(a.get(i, p), b.get(p, j), s);
                }
                c.set(i, j, s);
            }
        }
        return c;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    static int roundUp(int a, int b) {
        return ceilDiv(a, b) * b;
    }
}
