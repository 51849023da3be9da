package dev.qlens.core.io;

import java.io.IOException;

/**
 * The transpose of a 2-D view, read in row-major order of the transposed [cols, rows] shape. Rows of
 * the transpose are columns of the source; they are built a band at a time (as many columns as fit in
 * a fixed budget of elements) by one pass over the source, so memory stays bounded whatever the
 * tensor size. Sequential reads are cheap; each band costs one read of the source.
 */
public final class TransposedView implements FloatView {
    /** Default band budget: 16 Mi elements (64 MiB). */
    public static final long DEFAULT_BUDGET = 1L << 24;

    private final FloatView source;
    private final long rows;
    private final long cols;
    private final int bandCols;
    private float[] band;
    private long bandStart = -1;
    private float[] rowBuffer;

    /**
     * @param source a view with a 2-D shape [rows, cols]
     * @param budget largest band in elements
     * @throws IllegalArgumentException when the source is not 2-D
     */
    public TransposedView(FloatView source, long budget) {
        long[] s = source.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("only 2-D tensors can be transposed, not shape " + java.util.Arrays.toString(s));
        }
        this.source = source;
        this.rows = s[0];
        this.cols = s[1];
        long w = Math.max(1, Math.min(cols, budget / Math.max(1, rows)));
        if (w * rows > Integer.MAX_VALUE - 8) {
            w = Math.max(1, (Integer.MAX_VALUE - 8) / Math.max(1, rows));
        }
        this.bandCols = (int) w;
    }

    @Override
    public long[] shape() {
        return new long[] {cols, rows};
    }

    @Override
    public void read(long start, float[] dst, int off, int count) throws IOException {
        long done = 0;
        while (done < count) {
            long e = start + done;
            long col = e / rows;
            long row = e % rows;
            ensureBand(col);
            int inBand = (int) ((col - bandStart) * rows + row);
            int n = (int) Math.min(count - done, (long) band.length - inBand);
            n = (int) Math.min(n, (bandStart + bandCols) * rows - e);
            System.arraycopy(band, inBand, dst, (int) (off + done), n);
            done += n;
        }
    }

    private void ensureBand(long col) throws IOException {
        long first = col / bandCols * bandCols;
        if (first == bandStart) {
            return;
        }
        int width = (int) Math.min(bandCols, cols - first);
        if (band == null || band.length < width * rows) {
            band = new float[(int) (width * rows)];
        }
        if (rowBuffer == null) {
            rowBuffer = new float[(int) cols];
        }
        for (long r = 0; r < rows; r++) {
            source.read(r * cols + first, rowBuffer, 0, width);
            for (int c = 0; c < width; c++) {
                band[(int) (c * rows + r)] = rowBuffer[c];
            }
        }
        bandStart = first;
    }
}
