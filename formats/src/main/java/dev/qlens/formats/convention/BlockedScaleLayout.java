package dev.qlens.formats.convention;

/**
 * The cuBLAS "blocked" (swizzled) layout of block-scale factors used by NVFP4 and MXFP8 tensor-core
 * GEMMs and stored by ComfyUI: the [rows, cols] scale matrix is padded with zeros to a multiple of
 * 128 rows and 4 columns and cut into 128 x 4 tiles of 512 bytes, stored tile by tile in row-major
 * tile order; inside a tile, the byte for (row r, column c) is at (r % 32) * 16 + ((r % 128) / 32) * 4
 * + (c % 4).
 */
public final class BlockedScaleLayout {
    private BlockedScaleLayout() {
    }

    /** Rows after padding to a multiple of 128. */
    public static long paddedRows(long rows) {
        return (rows + 127) / 128 * 128;
    }

    /** Columns after padding to a multiple of 4. */
    public static long paddedCols(long cols) {
        return (cols + 3) / 4 * 4;
    }

    /** The position in the blocked buffer of scale (r, c) of a [rows, cols] matrix. */
    public static long offset(long r, long c, long cols) {
        long tilesPerRow = paddedCols(cols) / 4;
        long tile = (r / 128) * tilesPerRow + c / 4;
        return tile * 512 + (r % 32) * 16 + ((r % 128) / 32) * 4 + (c % 4);
    }

    /** Converts blocked bytes back to a row-major [rows, cols] matrix. */
    public static byte[] unswizzle(byte[] blocked, int rows, int cols) {
        if (blocked.length != paddedRows(rows) * paddedCols(cols)) {
            throw new IllegalArgumentException("blocked scales hold " + blocked.length + " bytes, expected "
                    + paddedRows(rows) * paddedCols(cols) + " for " + rows + " x " + cols);
        }
        byte[] out = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = blocked[(int) offset(r, c, cols)];
            }
        }
        return out;
    }

    /** Converts a row-major [rows, cols] matrix to the blocked layout (padding with zeros). */
    public static byte[] swizzle(byte[] plain, int rows, int cols) {
        byte[] out = new byte[(int) (paddedRows(rows) * paddedCols(cols))];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[(int) offset(r, c, cols)] = plain[r * cols + c];
            }
        }
        return out;
    }
}
