package dev.qlens.core.linalg;

/** The reference {@link Int8GemmKernel}: a 4 x 4 tile of plain int32 sums, natural column order. */
public final class ScalarInt8GemmKernel implements Int8GemmKernel {
    /** The shared instance. */
    public static final ScalarInt8GemmKernel INSTANCE = new ScalarInt8GemmKernel();

    private static final int MR = 4;
    private static final int NR = 4;

    private ScalarInt8GemmKernel() {
    }

    @Override
    public int rows() {
        return MR;
    }

    @Override
    public int cols() {
        return NR;
    }

    @Override
    public int packedColumn(int j) {
        return j;
    }

    @Override
    public void tile(int pairs, short[] a, int aOff, short[] b, int bOff, int[] c, int cOff, int ldc,
                     boolean accumulate) {
        for (int i = 0; i < MR; i++) {
            for (int j = 0; j < NR; j++) {
                int s = accumulate ? c[cOff + i * ldc + j] : 0;
                for (int p = 0; p < pairs; p++) {
                    int ai = aOff + (p * MR + i) * 2;
                    int bi = bOff + p * 2 * NR + j;
                    s += a[ai] * b[bi] + a[ai + 1] * b[bi + NR];
                }
                c[cOff + i * ldc + j] = s;
            }
        }
    }
}
