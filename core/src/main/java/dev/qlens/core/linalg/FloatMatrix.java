package dev.qlens.core.linalg;

/**
 * A strided view of a float32 matrix: element (i, j) is {@code data[offset + i * rowStride + j *
 * colStride]}. Views share their array; {@link #transpose()} and {@link #block} copy nothing.
 */
public final class FloatMatrix {
    private final float[] data;
    private final int offset;
    private final int rows;
    private final int cols;
    private final int rowStride;
    private final int colStride;

    private FloatMatrix(float[] data, int offset, int rows, int cols, int rowStride, int colStride) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + " x " + cols);
        }
        if (rows > 0 && cols > 0) {
            long rowSpan = (long) (rows - 1) * rowStride;
            long colSpan = (long) (cols - 1) * colStride;
            long first = offset + Math.min(0L, rowSpan) + Math.min(0L, colSpan);
            long last = offset + Math.max(0L, rowSpan) + Math.max(0L, colSpan);
            if (first < 0 || last >= data.length) {
                throw new IllegalArgumentException("a " + rows + " x " + cols + " view at offset " + offset
                        + " with strides (" + rowStride + ", " + colStride + ") does not fit an array of "
                        + data.length + " floats");
            }
        }
        this.data = data;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.rowStride = rowStride;
        this.colStride = colStride;
    }

    /** A dense row-major view of {@code data} (its length must be rows * cols or more). */
    public static FloatMatrix of(float[] data, int rows, int cols) {
        return new FloatMatrix(data, 0, rows, cols, cols, 1);
    }

    /** A new zero matrix, dense row-major. */
    public static FloatMatrix zeros(int rows, int cols) {
        return of(new float[Math.multiplyExact(rows, cols)], rows, cols);
    }

    /** A general strided view. */
    public static FloatMatrix view(float[] data, int offset, int rows, int cols, int rowStride, int colStride) {
        return new FloatMatrix(data, offset, rows, cols, rowStride, colStride);
    }

    /** The transpose, sharing this view's array. */
    public FloatMatrix transpose() {
        return new FloatMatrix(data, offset, cols, rows, colStride, rowStride);
    }

    /** The block of {@code r} rows and {@code c} columns starting at (i, j), sharing the array. */
    public FloatMatrix block(int i, int j, int r, int c) {
        if (i < 0 || j < 0 || r < 0 || c < 0 || i + r > rows || j + c > cols) {
            throw new IndexOutOfBoundsException("block (" + i + ", " + j + ") of " + r + " x " + c + " outside "
                    + rows + " x " + cols);
        }
        return new FloatMatrix(data, offset + i * rowStride + j * colStride, r, c, rowStride, colStride);
    }

    /** Element (i, j). */
    public float get(int i, int j) {
        return data[offset + i * rowStride + j * colStride];
    }

    /** Sets element (i, j). */
    public void set(int i, int j, float v) {
        data[offset + i * rowStride + j * colStride] = v;
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int cols() {
        return cols;
    }

    /** The backing array (shared). */
    public float[] data() {
        return data;
    }

    /** Index of element (0, 0) in {@link #data()}. */
    public int offset() {
        return offset;
    }

    /** Distance in the array between rows. */
    public int rowStride() {
        return rowStride;
    }

    /** Distance in the array between columns. */
    public int colStride() {
        return colStride;
    }

    /** Whether rows are contiguous and follow each other densely. */
    public boolean isDenseRowMajor() {
        return colStride == 1 && (rowStride == cols || rows <= 1);
    }

    /** A dense row-major copy. */
    public FloatMatrix copy() {
        FloatMatrix out = zeros(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out.data[i * cols + j] = get(i, j);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "FloatMatrix[" + rows + " x " + cols + "]";
    }
}
