package dev.qlens.core.linalg;

/**
 * The micro-kernel of the blocked float32 matrix product {@link Gemm}: one tile of
 * {@link #rows()} x {@link #cols()} results from packed panels.
 *
 * <p>Summation order, which every implementation keeps so that results are bit-identical: each
 * result starts from 0 (or from the value in C when accumulating) and adds the products in
 * increasing k order, each with one fused multiply-add ({@link Math#fma}). The tile shape does not
 * change any result.
 */
public interface GemmKernel {
    /** Rows of a tile (MR). */
    int rows();

    /** Columns of a tile (NR). */
    int cols();

    /**
     * C[i][j] = (accumulate ? C[i][j] : 0) + sum over k of a[k][i] * b[k][j], fused multiply-adds in
     * increasing k, for the whole tile.
     *
     * @param kc the depth (number of k steps)
     * @param a packed A panel: element (i, k) at {@code aOff + k * rows() + i}
     * @param b packed B panel: element (k, j) at {@code bOff + k * cols() + j}
     * @param c the result, element (i, j) at {@code cOff + i * ldc + j}
     */
    void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean accumulate);
}
