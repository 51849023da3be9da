package dev.qlens.core.linalg;

/** The reference {@link GemmKernel}: a 4 x 4 tile of {@link Math#fma} chains. */
public final class ScalarGemmKernel implements GemmKernel {
    /** The shared instance. */
    public static final ScalarGemmKernel INSTANCE = new ScalarGemmKernel();

    private static final int MR = 4;
    private static final int NR = 4;

    private ScalarGemmKernel() {
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
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                     boolean accumulate) {
        for (int i = 0; i < MR; i++) {
            for (int j = 0; j < NR; j++) {
                float s = accumulate ? c[cOff + i * ldc + j] : 0f;
                for (int k = 0; k < kc; k++) {
                    s = Math.fma(a[aOff + k * MR + i], b[bOff + k * NR + j], s);
                }
                c[cOff + i * ldc + j] = s;
            }
        }
    }
}
