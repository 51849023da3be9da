package dev.qlens.core.kernel;

/**
 * The partial sums and counts of one {@link Kernels#valueSums} call, in the same 16-partial order as
 * {@link ErrorPartials}, shared by every kernel implementation.
 */
public final class ValuePartials {
    /** Partials of the finite values. */
    public final double[] sum = new double[ErrorSums.PARTIALS];
    /** Partials of their squares. */
    public final double[] squares = new double[ErrorSums.PARTIALS];
    /** NaN values. */
    public long nans;
    /** Infinite values. */
    public long infs;
    /** Zeros. */
    public long zeros;
    /** Smallest finite value so far. */
    public double min;
    /** Largest finite value so far. */
    public double max;

    /** Starts from the extremes already in {@code acc}. */
    public ValuePartials(ValueSums acc) {
        this.min = acc.min;
        this.max = acc.max;
    }

    /** Adds elements {@code from} (inclusive) to {@code to} (exclusive) of the call; index i reads x[off + i]. */
    public void addScalar(float[] x, int off, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[off + i];
            if (v != v) {
                nans++;
                continue;
            }
            if (Math.abs(v) == Float.POSITIVE_INFINITY) {
                infs++;
                continue;
            }
            if (v == 0f) {
                zeros++;
            }
            int k = i & (ErrorSums.PARTIALS - 1);
            double d = v;
            sum[k] += d;
            squares[k] = Math.fma(d, d, squares[k]);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
    }

    /** Adds the totals of a call over n elements to {@code acc}. */
    public void addTo(ValueSums acc, int n) {
        acc.count += n;
        acc.nans += nans;
        acc.infs += infs;
        acc.zeros += zeros;
        acc.sum += ErrorPartials.ordered(sum);
        acc.sumSquares += ErrorPartials.ordered(squares);
        acc.min = min;
        acc.max = max;
    }
}
