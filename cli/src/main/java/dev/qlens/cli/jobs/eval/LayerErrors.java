package dev.qlens.cli.jobs.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Error of one scheme's linear-layer outputs against the float32 model's, accumulated in double precision
 * sequence by sequence (so the totals depend neither on the thread count nor on the batching).
 */
final class LayerErrors {
    private final Map<String, double[]> sums = new LinkedHashMap<>();

    /**
     * Adds the outputs of one batch: {@code ref} from the float32 model, {@code got} from the scheme. Sums
     * are formed per sequence and added in sequence order, so the totals do not depend on the batching.
     *
     * @param sequenceRows rows of each sequence in the batch
     * @param width values per row
     */
    void add(String layer, float[] ref, float[] got, int[] sequenceRows, int width) {
        double[] s = sums.computeIfAbsent(layer, k -> new double[5]);
        int i = 0;
        for (int rows : sequenceRows) {
            double se = 0;
            double rr = 0;
            double gg = 0;
            double rg = 0;
            int end = i + rows * width;
            for (; i < end; i++) {
                double r = ref[i];
                double g = got[i];
                double d = g - r;
                se += d * d;
                rr += r * r;
                gg += g * g;
                rg += r * g;
            }
            s[0] += se;
            s[1] += rr;
            s[2] += gg;
            s[3] += rg;
            s[4] += rows * width;
        }
    }

    /** The layers seen, in the order they were first seen. */
    Iterable<String> layers() {
        return sums.keySet();
    }

    /** The accumulated error of a layer, or null if it was never seen. */
    EvalReport.Error error(String layer) {
        double[] s = sums.get(layer);
        if (s == null) {
            return null;
        }
        double mse = s[4] == 0 ? 0 : s[0] / s[4];
        double snr = s[0] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(s[1] / s[0]);
        double cos = s[1] == 0 || s[2] == 0 ? (s[1] == s[2] ? 1 : 0) : s[3] / Math.sqrt(s[1] * s[2]);
        return new EvalReport.Error(mse, snr, cos);
    }
}
