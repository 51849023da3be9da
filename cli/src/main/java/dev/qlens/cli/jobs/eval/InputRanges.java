package dev.qlens.cli.jobs.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The float32 model's input range per linear layer, over all evaluation texts. */
final class InputRanges {
    private final Map<String, double[]> stats = new LinkedHashMap<>();

    /** Adds one batch's inputs, sums formed per sequence (so the totals do not depend on the batching). */
    void add(String layer, float[] in, int[] sequenceRows, int width) {
        double[] s = stats.computeIfAbsent(layer, k -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, 0});
        int i = 0;
        for (int rows : sequenceRows) {
            double sq = 0;
            int end = i + rows * width;
            for (; i < end; i++) {
                float v = in[i];
                s[0] = Math.min(s[0], v);
                s[1] = Math.max(s[1], v);
                sq += (double) v * v;
            }
            s[2] += sq;
            s[3] += rows * width;
        }
    }

    List<EvalReport.LayerInput> report() {
        List<EvalReport.LayerInput> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : stats.entrySet()) {
            double[] s = e.getValue();
            out.add(new EvalReport.LayerInput(e.getKey(), s[0], s[1], s[3] == 0 ? 0 : Math.sqrt(s[2] / s[3])));
        }
        return out;
    }
}
