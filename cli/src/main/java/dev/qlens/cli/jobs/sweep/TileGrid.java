package dev.qlens.cli.jobs.sweep;

/**
 * The 32 x 32 tiles of a tensor as the mixed-tile algorithms see it (the seed tool's layout): rank 2
 * and up is a [product of the leading dimensions, last dimension] matrix, a 1-D tensor is cut into
 * rows of 32; the matrix is zero-padded to multiples of 32 and its tiles are numbered row-major.
 *
 * @param rows matrix rows
 * @param cols matrix columns
 * @param numel elements of the tensor (a 1-D tensor's last row may be short)
 */
public record TileGrid(long rows, long cols, long numel) {
    /** Tile side. */
    public static final int TILE = 32;

    /** The grid of a tensor shape. */
    public static TileGrid of(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (shape.length >= 2) {
            return new TileGrid(n / Math.max(1, shape[shape.length - 1]), shape[shape.length - 1], n);
        }
        return new TileGrid((n + TILE - 1) / TILE, Math.min(n, TILE), n);
    }

    /** Tile rows. */
    public long tilesHigh() {
        return (rows + TILE - 1) / TILE;
    }

    /** Tile columns. */
    public long tilesWide() {
        return (cols + TILE - 1) / TILE;
    }

    /** Number of tiles. */
    public int tiles() {
        long t = tilesHigh() * tilesWide();
        if (t > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor has too many tiles: " + t);
        }
        return (int) t;
    }

    /** Flat element index of matrix position (r, c), or -1 for padding. */
    public long index(long r, long c) {
        if (r >= rows || c >= cols) {
            return -1;
        }
        long i = r * cols + c;
        return i < numel ? i : -1;
    }
}
