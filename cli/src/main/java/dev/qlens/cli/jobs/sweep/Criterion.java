package dev.qlens.cli.jobs.sweep;

/**
 * What a mixed-tile assignment must achieve: a metric (pcc, mae, atol or snr) and a threshold. The
 * global check of an assignment keeps a margin of 1e-9 (relative, absolute for pcc) so that any
 * float64 re-evaluation of the rebuilt tensor, whatever its summation order, agrees with it.
 *
 * @param metric pcc, mae, atol or snr
 * @param threshold the bound
 */
public record Criterion(String metric, double threshold) {
    /** Safety margin of the global check. */
    public static final double MARGIN = 1e-9;

    /** Validates the metric name. */
    public Criterion {
        if (!java.util.Set.of("pcc", "mae", "atol", "snr").contains(metric)) {
            throw new IllegalArgumentException("unknown metric '" + metric + "': expected pcc, mae, atol or snr");
        }
    }

    /** Whether a value meets the threshold (no margin: per-tile and cluster scores). */
    public boolean good(double value) {
        return SweepMetrics.good(metric, value, threshold);
    }

    /** Whether a whole assignment meets the threshold with the safety margin. */
    public boolean goodWithMargin(SweepMetrics m) {
        double v = m.get(metric);
        double slack = MARGIN * Math.max(1, Math.abs(threshold));
        return higherIsBetter() ? v >= threshold + slack : v <= threshold - slack;
    }

    /** Whether larger values are better (pcc, snr). */
    public boolean higherIsBetter() {
        return metric.equals("pcc") || metric.equals("snr");
    }

    /** Whether a is strictly better than b. */
    public boolean better(double a, double b) {
        return higherIsBetter() ? a > b : a < b;
    }
}
