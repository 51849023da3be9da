package dev.qlens.core.kernel;

/**
 * The 16 interleaved partial sums of one {@link Kernels#relativeErrors} call (element i to partial
 * i mod 16, added 0 to 15 at the end), shared by every kernel implementation.
 */
public final class RelativePartials {
    /** Partial sums of the ratios. */
    public final double[] sum = new double[ErrorSums.PARTIALS];
    /** Largest ratio so far. */
    public float max;
    /** Finite pairs so far. */
    public long count;

    /**
     * Adds elements {@code from} (inclusive) to {@code to} (exclusive) of the call one by one, counting
     * element i in sub-histogram i mod 4 of {@code histogram}; index i reads x[xOff + i] and y[yOff + i].
     */
    public void addScalar(float[] x, int xOff, float[] y, int yOff, int from, int to, int[] histogram) {
        for (int i = from; i < to; i++) {
            float xv = x[xOff + i];
            float yv = y[yOff + i];
            int sub = (i & (RelativeErrorSums.SUBHISTOGRAMS - 1)) * RelativeErrorSums.BINS;
            if (!(Math.abs(xv) < Float.POSITIVE_INFINITY) || !(Math.abs(yv) < Float.POSITIVE_INFINITY)) {
                histogram[sub + RelativeErrorSums.NON_FINITE_BIN]++;
                continue;
            }
            float r = Math.min(Math.abs(yv - xv) / (Math.abs(xv) + RelativeErrorSums.FLOOR), RelativeErrorSums.CAP);
            sum[i & (ErrorSums.PARTIALS - 1)] += r;
            max = Math.max(max, r);
            count++;
            histogram[sub + RelativeErrorSums.bin(r)]++;
        }
    }

    /** Adds the totals of the call to {@code acc}. */
    public void addTo(RelativeErrorSums acc) {
        acc.count += count;
        acc.sum += ErrorPartials.ordered(sum);
        acc.max = Math.max(acc.max, max);
    }
}
