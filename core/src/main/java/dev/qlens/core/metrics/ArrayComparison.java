package dev.qlens.core.metrics;

import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.RelativeErrorSums;

/**
 * The metrics of {@code compare} for two in-memory arrays: the same kernels, chunks of
 * {@link ErrorMetrics#SUM_CHUNK} added in order, so the numbers equal what {@code compare} reports for
 * the same values stored as tensors.
 */
public final class ArrayComparison {
    private ArrayComparison() {
    }

    /** Metrics of {@code y} (approximation) against {@code x} (original), both of equal length. */
    public static ErrorMetrics measure(Kernels kernels, float[] x, float[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("cannot compare " + x.length + " values with " + y.length);
        }
        ErrorSums e = new ErrorSums();
        RelativeErrorSums r = new RelativeErrorSums();
        int[] histogram = new int[RelativeErrorSums.HISTOGRAM_LENGTH];
        for (int start = 0; start < x.length; start += ErrorMetrics.SUM_CHUNK) {
            int n = Math.min(ErrorMetrics.SUM_CHUNK, x.length - start);
            ErrorSums ce = new ErrorSums();
            RelativeErrorSums cr = new RelativeErrorSums();
            kernels.errorSums(x, start, y, start, n, ce);
            kernels.relativeErrors(x, start, y, start, n, cr, histogram);
            e.add(ce);
            r.add(cr);
        }
        RelativeErrorHistogram h = new RelativeErrorHistogram();
        h.add(histogram);
        return ErrorMetrics.of(e, r, h);
    }

    /**
     * The metrics that depend on the error sums alone (everything but the element-wise relative-error
     * statistics, which are NaN), with compare's chunks and order: those fields equal compare's exactly.
     */
    public static ErrorMetrics errorSumsOnly(Kernels kernels, float[] x, float[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("cannot compare " + x.length + " values with " + y.length);
        }
        ErrorSums e = new ErrorSums();
        for (int start = 0; start < x.length; start += ErrorMetrics.SUM_CHUNK) {
            ErrorSums ce = new ErrorSums();
            kernels.errorSums(x, start, y, start, Math.min(ErrorMetrics.SUM_CHUNK, x.length - start), ce);
            e.add(ce);
        }
        return ErrorMetrics.of(e);
    }
}
