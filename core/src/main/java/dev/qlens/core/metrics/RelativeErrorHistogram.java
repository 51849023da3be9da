package dev.qlens.core.metrics;

import dev.qlens.core.kernel.RelativeErrorSums;

/**
 * Counts of element-wise relative errors in {@link RelativeErrorSums#BINS} bins, each spanning a
 * factor of at most 1 + 2^-7. Percentiles are nearest-rank: the smallest value below or at which at
 * least ceil(p * n) of the n values lie. The reported value is the geometric middle of the bin that
 * holds that rank (never above the exact maximum), so it is within 0.4% (relative) of the exact
 * nearest-rank percentile; a percentile falling among zeros or ratios below 2^-64 is reported as 0.
 */
public final class RelativeErrorHistogram {
    /** Largest relative deviation of a reported percentile from the exact one. */
    public static final double ACCURACY = Math.sqrt(1 + 1.0 / 128) - 1;

    private final long[] counts = new long[RelativeErrorSums.BINS];

    /** Adds the counts of a kernel histogram (its sub-histograms folded). */
    public void add(int[] kernelHistogram) {
        RelativeErrorSums.fold(kernelHistogram, counts);
    }

    /** Adds another histogram. */
    public void add(RelativeErrorHistogram o) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += o.counts[i];
        }
    }

    /** A copy of the bin counts (to carry a histogram between processes). */
    public long[] counts() {
        return counts.clone();
    }

    /** A histogram with these bin counts (as {@link #counts()} returned them). */
    public static RelativeErrorHistogram of(long[] binCounts) {
        RelativeErrorHistogram h = new RelativeErrorHistogram();
        if (binCounts.length != h.counts.length) {
            throw new IllegalArgumentException("a relative-error histogram has " + h.counts.length + " bins, not "
                    + binCounts.length);
        }
        System.arraycopy(binCounts, 0, h.counts, 0, binCounts.length);
        return h;
    }

    /** Number of finite values counted (the non-finite bin excluded). */
    public long count() {
        long n = 0;
        for (int i = 0; i < RelativeErrorSums.NON_FINITE_BIN; i++) {
            n += counts[i];
        }
        return n;
    }

    /**
     * The p-quantile (0 &lt; p &le; 1) by nearest rank, or NaN when the histogram is empty.
     *
     * @param exactMax the exact largest value, which bounds the answer
     */
    public double percentile(double p, double exactMax) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("percentile must be in (0, 1], not " + p);
        }
        long n = count();
        if (n == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(p * n);
        long seen = 0;
        for (int b = 0; b < RelativeErrorSums.NON_FINITE_BIN; b++) {
            seen += counts[b];
            if (seen >= rank) {
                return Math.min(binValue(b), exactMax);
            }
        }
        return exactMax;
    }

    /** The value reported for bin b: 0 for the bin of zero, otherwise the geometric middle of its bounds. */
    static double binValue(int b) {
        if (b == 0) {
            return 0;
        }
        return Math.sqrt(RelativeErrorSums.binLow(b) * RelativeErrorSums.binHigh(b));
    }
}
