package dev.qlens.core.kernel;

/**
 * Running sums for comparing a reference x with a reconstruction y, accumulated in float64.
 *
 * <p>Determinism: every kernel call adds its elements into 16 interleaved partial sums (element i
 * of the call goes to partial i mod 16, each partial in element order), then adds partials 0 to 15
 * in order to these totals; squares and products are added with a fused multiply-add. Scalar and vector kernels of every width implement exactly this order,
 * so results are bit-identical for any kernel and, with fixed chunk boundaries, any thread count.
 * Elements where x or y is NaN or infinite are counted in {@link #nonFinite} and left out of the sums.
 */
public final class ErrorSums {
    /** Number of interleaved partial sums per call. */
    public static final int PARTIALS = 16;

    /** Elements seen. */
    public long count;
    /** Elements left out because x or y is not finite. */
    public long nonFinite;
    /** Sum of |y - x|. */
    public double sumAbsError;
    /** Sum of (y - x)^2. */
    public double sumSquaredError;
    /** Sum of x. */
    public double sumX;
    /** Sum of y. */
    public double sumY;
    /** Sum of x^2. */
    public double sumXX;
    /** Sum of y^2. */
    public double sumYY;
    /** Sum of x*y. */
    public double sumXY;
    /** Sum of |x|. */
    public double sumAbsX;
    /** Largest |y - x|. */
    public double maxAbsError;
    /** Smallest |y - x| (+Inf when no pair was finite). */
    public double minAbsError = Double.POSITIVE_INFINITY;

    /** Adds another accumulator (used to combine chunks in order). */
    public void add(ErrorSums o) {
        count += o.count;
        nonFinite += o.nonFinite;
        sumAbsError += o.sumAbsError;
        sumSquaredError += o.sumSquaredError;
        sumX += o.sumX;
        sumY += o.sumY;
        sumXX += o.sumXX;
        sumYY += o.sumYY;
        sumXY += o.sumXY;
        sumAbsX += o.sumAbsX;
        maxAbsError = Math.max(maxAbsError, o.maxAbsError);
        minAbsError = Math.min(minAbsError, o.minAbsError);
    }

    /** Number of finite pairs in the sums. */
    public long finiteCount() {
        return count - nonFinite;
    }
}
