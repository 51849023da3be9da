package dev.qlens.core.linalg;

/**
 * The micro-kernel of the int8 matrix product {@link Int8Gemm}: one tile of {@link #rows()} x
 * {@link #cols()} int32 sums from packed panels of int8 values widened to int16, taken a pair of k
 * at a time.
 *
 * <p>Packed A: for pair p and tile row i, the two values at {@code aOff + (p * rows() + i) * 2 + h}
 * (h = 0 for the first k of the pair, 1 for the second). Packed B: for pair p, half h and tile
 * column j, the value at {@code bOff + (p * 2 + h) * cols() + packedColumn(j)}. The driver
 * guarantees that the int16 sum of a pair's two products cannot overflow and that every sum fits in
 * int32; integer sums are exact, so every kernel gives the same result.
 */
public interface Int8GemmKernel {
    /** Rows of a tile (MR). */
    int rows();

    /** Columns of a tile (NR). */
    int cols();

    /** Position of tile column {@code j} within a packed row of {@link #cols()} values. */
    int packedColumn(int j);

    /**
     * C[i][j] = (accumulate ? C[i][j] : 0) + sum over pairs of a0*b0 + a1*b1, for the whole tile;
     * element (i, j) of C at {@code cOff + i * ldc + j}.
     */
    void tile(int pairs, short[] a, int aOff, short[] b, int bOff, int[] c, int cOff, int ldc, boolean accumulate);
}
