package dev.qlens.core.linalg;

import java.util.Arrays;

/**
 * A dense row-major int8 matrix with its quantization parameters: real value of element (i, k) =
 * scale(i, k) * (q[i][k] - zeroPoint(i)). Scales are per tensor (one), per row (one per row: per
 * output channel for weights, per token for activations) or per row and block of
 * {@link #scaleBlock()} columns (K-block scales). Zero points are absent, per tensor or per row.
 *
 * <p>In a product both operands have their rows along the output (A is M x K, W is N x K, and the
 * product is A * W<sup>T</sup>), as a linear layer stores its weight.
 */
public final class Int8Matrix {
    private final byte[] data;
    private final int rows;
    private final int cols;
    private final float[] scales;
    private final int scaleBlock;
    private final int[] zeroPoints;

    private Int8Matrix(byte[] data, int rows, int cols, float[] scales, int scaleBlock, int[] zeroPoints) {
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.scales = scales;
        this.scaleBlock = scaleBlock;
        this.zeroPoints = zeroPoints;
    }

    /** Values with scale 1 and no zero point; {@code data} holds at least rows * cols bytes. */
    public static Int8Matrix of(byte[] data, int rows, int cols) {
        if (rows < 0 || cols < 0 || (long) rows * cols > data.length) {
            throw new IllegalArgumentException("a " + rows + " x " + cols + " int8 matrix does not fit "
                    + data.length + " bytes");
        }
        return new Int8Matrix(data, rows, cols, new float[] {1f}, 0, null);
    }

    /** The same values with one scale per tensor ({@code scales.length == 1}) or per row. */
    public Int8Matrix withScales(float... scales) {
        if (scales.length != 1 && scales.length != rows) {
            throw new IllegalArgumentException("need 1 or " + rows + " scales (per tensor or per row), not "
                    + scales.length);
        }
        return new Int8Matrix(data, rows, cols, scales.clone(), 0, zeroPoints);
    }

    /**
     * The same values with a scale per row and block of {@code block} columns: {@code scales[i *
     * blocks + b]} with blocks = ceil(cols / block).
     */
    public Int8Matrix withBlockScales(int block, float[] scales) {
        if (block < 1) {
            throw new IllegalArgumentException("scale block must be positive, not " + block);
        }
        long expected = (long) rows * Gemm.ceilDiv(cols, block);
        if (scales.length != expected) {
            throw new IllegalArgumentException("need " + expected + " scales for " + rows + " rows in blocks of "
                    + block + " of " + cols + " columns, not " + scales.length);
        }
        return new Int8Matrix(data, rows, cols, scales.clone(), block, zeroPoints);
    }

    /** The same values with one zero point per tensor or per row, each in [-128, 127]. */
    public Int8Matrix withZeroPoints(int... zeroPoints) {
        if (zeroPoints.length != 1 && zeroPoints.length != rows) {
            throw new IllegalArgumentException("need 1 or " + rows + " zero points, not " + zeroPoints.length);
        }
        for (int z : zeroPoints) {
            if (z < -128 || z > 127) {
                throw new IllegalArgumentException("zero point " + z + " is outside [-128, 127]");
            }
        }
        return new Int8Matrix(data, rows, cols, scales, scaleBlock, zeroPoints.clone());
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns (K). */
    public int cols() {
        return cols;
    }

    /** The quantized values (shared). */
    public byte[] data() {
        return data;
    }

    /** Element (i, k). */
    public byte get(int i, int k) {
        return data[i * cols + k];
    }

    /** Columns per scale block, or 0 when scales are per tensor or per row. */
    public int scaleBlock() {
        return scaleBlock;
    }

    /** Scale of row {@code i} in column block {@code block} (0 when not blocked). */
    public float scale(int i, int block) {
        if (scaleBlock > 0) {
            return scales[i * Gemm.ceilDiv(cols, scaleBlock) + block];
        }
        return scales.length == 1 ? scales[0] : scales[i];
    }

    /** Zero point of row {@code i} (0 when there are none). */
    public int zeroPoint(int i) {
        if (zeroPoints == null) {
            return 0;
        }
        return zeroPoints.length == 1 ? zeroPoints[0] : zeroPoints[i];
    }

    /** Whether any zero point is non-zero. */
    public boolean hasZeroPoints() {
        return zeroPoints != null && Arrays.stream(zeroPoints).anyMatch(z -> z != 0);
    }

    /** Whether any value is -128 (the one value whose square pairs can overflow int16). */
    boolean containsMinus128() {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            if (data[i] == Byte.MIN_VALUE) {
                return true;
            }
        }
        return false;
    }
}
