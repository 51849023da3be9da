package dev.qlens.cli.jobs.sweep;

import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.metrics.ErrorMetrics;

/**
 * The metrics of one fake-quantized tensor: Pearson correlation (pcc), mean and maximum absolute error
 * (mae, atol), SNR and MSE, from float64 sums (docs/metrics.md). As in the seed tool, a pcc whose
 * denominator is 0 (a constant tensor) is 1 when the reconstruction is exact and 0 otherwise.
 *
 * @param pcc Pearson correlation
 * @param mae mean |y - x|
 * @param atol max |y - x|
 * @param snrDb 10 log10(sum x^2 / sum e^2)
 * @param mse mean (y - x)^2
 * @param nonFinite pairs left out because a value is NaN or infinite
 */
public record SweepMetrics(double pcc, double mae, double atol, double snrDb, double mse, long nonFinite) {
    /** From error sums (the same path as {@code qlens compare}, so the numbers agree). */
    public static SweepMetrics of(ErrorSums e) {
        ErrorMetrics m = ErrorMetrics.of(e);
        double pcc = m.pearson();
        if (Double.isNaN(pcc)) {
            pcc = m.count() == 0 || m.maxAbsoluteError() == 0 ? 1.0 : 0.0;
        }
        return new SweepMetrics(pcc, m.count() == 0 ? 0 : m.meanAbsoluteError(),
                m.count() == 0 ? 0 : m.maxAbsoluteError(), m.snrDb(), m.count() == 0 ? 0 : m.meanSquaredError(),
                m.nonFinite());
    }

    /** The value of a named metric (pcc, mae, atol, snr). */
    public double get(String metric) {
        switch (metric) {
            case "pcc":
                return pcc;
            case "mae":
                return mae;
            case "atol":
                return atol;
            case "snr":
                return snrDb;
            default:
                throw new IllegalArgumentException("unknown metric '" + metric + "': expected pcc, mae, atol or snr");
        }
    }

    /** Whether a metric value is good enough: pcc and snr at least the threshold, errors at most it. */
    public static boolean good(String metric, double value, double threshold) {
        return metric.equals("pcc") || metric.equals("snr") ? value >= threshold : value <= threshold;
    }
}
