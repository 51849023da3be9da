package dev.qlens.core.kernel;

/**
 * Running statistics of element-wise relative errors r = min(|y - x| / (|x| + 1e-8), 1e6) over the
 * pairs where x and y are finite. r is computed in float32 arithmetic (as the seed tool does; its
 * rounding, 2^-24 relative, is far below what the statistics resolve) and summed in float64 in the
 * same deterministic 16-partial order as {@link ErrorSums}. The histogram counts that go with it are
 * kept separately (see {@link #bin(float)}), so one histogram can serve many calls.
 */
public final class RelativeErrorSums {
    /** Added to |x| in the denominator, as the seed tool does, so that x = 0 gives a finite ratio. */
    public static final float FLOOR = 1e-8f;
    /** Largest reported ratio (the seed tool's cap). */
    public static final float CAP = 1e6f;
    /** First float32 exponent (2^-64) with bins of its own; smaller ratios share bin 0 with zero. */
    private static final int KEY_BASE = (127 - 64) << 7;
    /**
     * Bins: one per float32 exponent from 2^-64 to 2^19 and top 7 mantissa bits (the cap, 1e6, is
     * below 2^20), bin 0 for smaller ratios, and the last bin for pairs with a non-finite value.
     */
    public static final int BINS = 84 << 7;
    /** The bin counting pairs where x or y is not finite. */
    public static final int NON_FINITE_BIN = BINS - 1;
    /**
     * Sub-histograms in a kernel histogram: element i of a call is counted in sub-histogram i mod 4
     * (so that runs of equal bins do not wait on each other); {@link #fold} adds them up.
     */
    public static final int SUBHISTOGRAMS = 4;
    /** Length of the histogram array a kernel fills. */
    public static final int HISTOGRAM_LENGTH = SUBHISTOGRAMS * BINS;

    /** Finite pairs seen. */
    public long count;
    /** Sum of the ratios. */
    public double sum;
    /** Largest ratio (0 when there is none). */
    public double max;

    /**
     * The bin of a ratio: its float32 exponent and top 7 mantissa bits relative to 2^-64, so each bin
     * spans a factor of at most 1 + 2^-7; ratios below 2^-64 (and zero) share bin 0.
     */
    public static int bin(float r) {
        return Math.max(0, (Float.floatToRawIntBits(r) >>> 16) - KEY_BASE);
    }

    /** The smallest ratio of bin b (b &gt; 0). */
    public static double binLow(int b) {
        return Float.intBitsToFloat((b + KEY_BASE) << 16);
    }

    /** The smallest ratio above bin b (b &gt; 0). */
    public static double binHigh(int b) {
        return Float.intBitsToFloat((b + 1 + KEY_BASE) << 16);
    }

    /** Adds the sub-histograms of a kernel histogram into {@code counts} (length {@link #BINS}). */
    public static void fold(int[] kernelHistogram, long[] counts) {
        for (int s = 0; s < SUBHISTOGRAMS; s++) {
            int base = s * BINS;
            for (int b = 0; b < BINS; b++) {
                counts[b] += kernelHistogram[base + b];
            }
        }
    }

    /** Adds another call's or chunk's sums (in a fixed order for deterministic results). */
    public void add(RelativeErrorSums o) {
        count += o.count;
        sum += o.sum;
        max = Math.max(max, o.max);
    }
}
