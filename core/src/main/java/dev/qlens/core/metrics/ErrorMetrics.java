package dev.qlens.core.metrics;

import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.RelativeErrorSums;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The error metrics of one reconstruction y (quantized, dequantized) against its original x, from the
 * float64 sums of the kernels. Only pairs where both values are finite enter the metrics; they are
 * counted in {@link #count}, the others in {@link #nonFinite}. Definitions are in docs/metrics.md.
 *
 * @param count finite pairs
 * @param nonFinite pairs where x or y is NaN or infinite
 * @param meanAbsoluteError mean |y - x|
 * @param meanSquaredError mean (y - x)^2
 * @param maxAbsoluteError largest |y - x|
 * @param minAbsoluteError smallest |y - x|
 * @param stdAbsoluteError standard deviation of |y - x| (n - 1 in the denominator, 0 for one pair)
 * @param relativeError mean |y - x| / mean |x| (0 when both are 0, +inf when only mean |x| is)
 * @param meanRelativeError mean of r = min(|y - x| / (|x| + 1e-8), 1e6) over the elements
 * @param maxRelativeError largest r
 * @param originalNorm L2 norm of x
 * @param quantizedNorm L2 norm of y
 * @param errorNorm L2 norm of y - x
 * @param snrDb 10 log10(sum x^2 / sum (y - x)^2): +inf when exact, -inf when x is all zero and y is not
 * @param pearson Pearson correlation (NaN when either side is constant)
 * @param cosine signed cosine similarity (NaN when either norm is 0)
 * @param meanOriginal mean of x
 * @param meanQuantized mean of y
 * @param percentiles element-wise relative error percentiles, keys p50, p75, p90, p95, p99, p99_9
 */
public record ErrorMetrics(long count, long nonFinite, double meanAbsoluteError, double meanSquaredError,
                           double maxAbsoluteError, double minAbsoluteError, double stdAbsoluteError,
                           double relativeError, double meanRelativeError, double maxRelativeError,
                           double originalNorm, double quantizedNorm, double errorNorm, double snrDb, double pearson,
                           double cosine, double meanOriginal, double meanQuantized,
                           Map<String, Double> percentiles) {
    /**
     * Elements per kernel call in the summation order of {@code compare} and {@code sweep}: sums of
     * consecutive runs of this many elements are added in order, so both commands report identical
     * numbers for the same pair of tensors.
     */
    public static final int SUM_CHUNK = 1 << 15;

    /** The percentiles reported, as fractions, with their keys. */
    public static final Map<String, Double> PERCENTILES = percentileKeys();

    private static Map<String, Double> percentileKeys() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("p50", 0.50);
        m.put("p75", 0.75);
        m.put("p90", 0.90);
        m.put("p95", 0.95);
        m.put("p99", 0.99);
        m.put("p99_9", 0.999);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The metrics of the error sums alone (no relative-error statistics: those are NaN). */
    public static ErrorMetrics of(ErrorSums e) {
        return of(e, new RelativeErrorSums(), new RelativeErrorHistogram());
    }

    /** Root mean squared error. */
    public double rootMeanSquaredError() {
        return Math.sqrt(meanSquaredError);
    }

    /** Whether every pair is finite and equal (the tensors hold identical values). */
    public boolean identical() {
        return nonFinite == 0 && maxAbsoluteError == 0;
    }

    /** Relative L2 error ||y - x|| / ||x||. */
    public double relativeL2() {
        return originalNorm == 0 ? (errorNorm == 0 ? 0 : Double.POSITIVE_INFINITY) : errorNorm / originalNorm;
    }

    /**
     * Computes the metrics.
     *
     * @param e the error sums of every chunk, added in chunk order
     * @param r the relative error sums, added in the same order
     * @param h the histogram of the relative errors
     */
    public static ErrorMetrics of(ErrorSums e, RelativeErrorSums r, RelativeErrorHistogram h) {
        long n = e.finiteCount();
        if (n == 0) {
            Map<String, Double> none = new LinkedHashMap<>();
            PERCENTILES.keySet().forEach(k -> none.put(k, Double.NaN));
            return new ErrorMetrics(0, e.nonFinite, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, none);
        }
        double mae = e.sumAbsError / n;
        double mse = e.sumSquaredError / n;
        double std = n > 1 ? Math.sqrt(Math.max(0, (e.sumSquaredError - e.sumAbsError * mae) / (n - 1))) : 0;
        double rel = e.sumAbsX == 0 ? (e.sumAbsError == 0 ? 0 : Double.POSITIVE_INFINITY) : e.sumAbsError / e.sumAbsX;
        double snr;
        if (e.sumSquaredError == 0) {
            snr = Double.POSITIVE_INFINITY;
        } else {
            snr = 10 * Math.log10(e.sumXX / e.sumSquaredError);
        }
        double mx = e.sumX / n;
        double my = e.sumY / n;
        double vx = e.sumXX - e.sumX * mx;
        double vy = e.sumYY - e.sumY * my;
        double cov = e.sumXY - e.sumX * my;
        double pearson = vx > 0 && vy > 0 ? clamp(cov / Math.sqrt(vx * vy)) : Double.NaN;
        double cosine = e.sumXX > 0 && e.sumYY > 0 ? clamp(e.sumXY / Math.sqrt(e.sumXX * e.sumYY)) : Double.NaN;
        Map<String, Double> pct = new LinkedHashMap<>();
        for (Map.Entry<String, Double> p : PERCENTILES.entrySet()) {
            pct.put(p.getKey(), h.percentile(p.getValue(), r.max));
        }
        return new ErrorMetrics(n, e.nonFinite, mae, mse, e.maxAbsError, e.minAbsError, std, rel,
                r.count == 0 ? Double.NaN : r.sum / r.count, r.max, Math.sqrt(e.sumXX), Math.sqrt(e.sumYY),
                Math.sqrt(e.sumSquaredError), snr, pearson, cosine, mx, my, pct);
    }

    /** Rounding can push a correlation a hair past ±1. */
    private static double clamp(double c) {
        return Math.max(-1, Math.min(1, c));
    }
}
