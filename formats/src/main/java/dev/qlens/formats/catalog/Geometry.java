package dev.qlens.formats.catalog;

import dev.qlens.core.tensor.Shapes;

/**
 * A tensor seen as a matrix: rank ≥ 2 is [product of the leading dimensions, last dimension], a 1-D
 * tensor is one row, a scalar is 1 x 1. Block formats work along rows (the last axis).
 */
public record Geometry(long rows, long cols) {
    /** The matrix view of a shape. */
    public static Geometry of(long[] shape) {
        long[] m = Shapes.asMatrix(shape);
        return new Geometry(m[0], m[1]);
    }

    /** Element count. */
    public long numel() {
        return rows * cols;
    }

    /** Number of blocks of {@code n} along a row (the last one may be short). */
    public long blocksPerRow(long n) {
        return (cols + n - 1) / n;
    }

    /** A chunk unit for blocks of {@code n} along rows: n when rows are whole blocks, else a row. */
    public long unitFor(long n) {
        return cols % n == 0 ? n : Math.max(1, cols);
    }
}
