package dev.qlens.core.kernel;

/**
 * Running statistics of one tensor's values: sums in float64 with the same deterministic 16-partial
 * order as {@link ErrorSums}, exact extremes and counts. Non-finite values are counted, not summed.
 */
public final class ValueSums {
    /** Elements seen. */
    public long count;
    /** NaN values. */
    public long nans;
    /** Infinite values. */
    public long infs;
    /** Zeros (either sign). */
    public long zeros;
    /** Sum of finite values. */
    public double sum;
    /** Sum of squares of finite values. */
    public double sumSquares;
    /** Smallest finite value (+Inf when none). */
    public double min = Double.POSITIVE_INFINITY;
    /** Largest finite value (-Inf when none). */
    public double max = Double.NEGATIVE_INFINITY;

    /** Number of finite values. */
    public long finite() {
        return count - nans - infs;
    }
}
