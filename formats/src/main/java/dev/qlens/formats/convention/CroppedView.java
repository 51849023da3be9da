package dev.qlens.formats.convention;

import dev.qlens.core.io.FloatView;
import java.io.IOException;

/** The top-left rows x cols of a row-major 2-D view with more columns (padding cropped away). */
final class CroppedView implements FloatView {
    private final FloatView padded;
    private final long paddedCols;
    private final long[] shape;

    CroppedView(FloatView padded, long paddedCols, long[] shape) {
        this.padded = padded;
        this.paddedCols = paddedCols;
        this.shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public void read(long start, float[] dst, int off, int count) throws IOException {
        long cols = shape[1];
        int done = 0;
        while (done < count) {
            long e = start + done;
            long row = e / cols;
            long col = e % cols;
            int n = (int) Math.min(count - done, cols - col);
            padded.read(row * paddedCols + col, dst, off + done, n);
            done += n;
        }
    }
}
