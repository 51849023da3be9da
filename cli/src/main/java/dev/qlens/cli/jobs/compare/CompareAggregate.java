package dev.qlens.cli.jobs.compare;

import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.core.metrics.RelativeErrorHistogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Statistics over the compared tensors whose values differ (identical tensors are counted but kept
 * out of every average). Per-tensor means and medians follow the seed tool; maxima, norms and the
 * overall SNR are taken over the elements themselves. See docs/metrics.md.
 *
 * @param tensors tensors in the statistics (values differ)
 * @param tensorsCompared every compared tensor, identical ones included
 * @param identical tensors with identical values on both sides
 * @param elements elements of the tensors in the statistics
 * @param elementsCompared elements of every compared tensor
 * @param nonFinitePairs element pairs left out because a value is NaN or infinite
 * @param meanAbsoluteError mean of the per-tensor MAE
 * @param medianAbsoluteError upper median of the per-tensor MAE (sorted[n / 2], as the seed)
 * @param maxAbsoluteError largest per-tensor maximum absolute error
 * @param meanSquaredError mean of the per-tensor MSE
 * @param rootMeanSquaredError square root of that mean
 * @param meanRelativeError mean of the per-tensor relative error (MAE / mean |x|)
 * @param medianRelativeError upper median of the per-tensor relative error
 * @param maxRelativeError largest element-wise relative error
 * @param originalNorm L2 norm of all original elements together
 * @param quantizedNorm L2 norm of all dequantized elements
 * @param errorNorm L2 norm of all errors
 * @param overallSnrDb 10 log10(total signal energy / total error energy)
 * @param meanPearson mean of the per-tensor Pearson correlations (where defined)
 * @param medianPearson upper median of them
 * @param meanCosine mean of the per-tensor cosine similarities (where defined)
 * @param medianCosine upper median of them
 * @param percentiles element-wise relative error percentiles over all elements
 * @param weightedMeanAbsoluteError sum |e| / elements
 * @param weightedMeanSquaredError sum e^2 / elements
 * @param weightedRelativeError sum |e| / sum |x|
 * @param weightedMeanRelativeError mean element-wise relative error over all elements
 */
public record CompareAggregate(int tensors, int tensorsCompared, int identical, long elements, long elementsCompared,
                               long nonFinitePairs, double meanAbsoluteError, double medianAbsoluteError,
                               double maxAbsoluteError, double meanSquaredError, double rootMeanSquaredError,
                               double meanRelativeError, double medianRelativeError, double maxRelativeError,
                               double originalNorm, double quantizedNorm, double errorNorm, double overallSnrDb,
                               double meanPearson, double medianPearson, double meanCosine, double medianCosine,
                               Map<String, Double> percentiles, double weightedMeanAbsoluteError,
                               double weightedMeanSquaredError, double weightedRelativeError,
                               double weightedMeanRelativeError) {
    /** Computes the aggregate of the results (in any order: sums are taken in the results' order). */
    public static CompareAggregate of(List<TensorResult> all, RelativeErrorHistogram allElements) {
        List<TensorResult> differ = new ArrayList<>();
        long elementsCompared = 0;
        long nonFinite = 0;
        for (TensorResult r : all) {
            elementsCompared += r.elements();
            nonFinite += r.metrics().nonFinite();
            if (!r.metrics().identical()) {
                differ.add(r);
            }
        }
        long elements = 0;
        long finite = 0;
        double energyO = 0;
        double energyQ = 0;
        double energyE = 0;
        double sumAbsE = 0;
        double sumAbsO = 0;
        double sumRel = 0;
        double maxAbs = Double.NaN;
        double maxRel = Double.NaN;
        for (TensorResult r : differ) {
            ErrorMetrics m = r.metrics();
            elements += r.elements();
            finite += m.count();
            energyO += r.energyOriginal();
            energyQ += r.energyQuantized();
            energyE += r.energyError();
            sumAbsE += r.sumAbsError();
            sumAbsO += r.sumAbsOriginal();
            if (m.count() > 0) {
                sumRel += m.meanRelativeError() * m.count();
                maxAbs = Double.isNaN(maxAbs) ? m.maxAbsoluteError() : Math.max(maxAbs, m.maxAbsoluteError());
                maxRel = Double.isNaN(maxRel) ? m.maxRelativeError() : Math.max(maxRel, m.maxRelativeError());
            }
        }
        double mse = mean(differ, m -> m.meanSquaredError());
        double snr = energyE == 0 ? (differ.isEmpty() ? Double.NaN : Double.POSITIVE_INFINITY)
                : 10 * Math.log10(energyO / energyE);
        Map<String, Double> pct = new LinkedHashMap<>();
        for (Map.Entry<String, Double> p : ErrorMetrics.PERCENTILES.entrySet()) {
            pct.put(p.getKey(), allElements.percentile(p.getValue(), Double.isNaN(maxRel) ? 0 : maxRel));
        }
        return new CompareAggregate(differ.size(), all.size(), all.size() - differ.size(), elements, elementsCompared,
                nonFinite, mean(differ, ErrorMetrics::meanAbsoluteError), median(differ, ErrorMetrics::meanAbsoluteError),
                maxAbs, mse, Math.sqrt(mse), mean(differ, ErrorMetrics::relativeError),
                median(differ, ErrorMetrics::relativeError), maxRel, Math.sqrt(energyO), Math.sqrt(energyQ),
                Math.sqrt(energyE), snr, mean(differ, ErrorMetrics::pearson), median(differ, ErrorMetrics::pearson),
                mean(differ, ErrorMetrics::cosine), median(differ, ErrorMetrics::cosine), pct,
                finite == 0 ? Double.NaN : sumAbsE / finite, finite == 0 ? Double.NaN : energyE / finite,
                sumAbsO == 0 ? Double.NaN : sumAbsE / sumAbsO, finite == 0 ? Double.NaN : sumRel / finite);
    }

    /** Mean over the tensors where the value is defined (not NaN), or NaN. */
    private static double mean(List<TensorResult> rs, ToDoubleFunction<ErrorMetrics> f) {
        double sum = 0;
        int n = 0;
        for (TensorResult r : rs) {
            double v = f.applyAsDouble(r.metrics());
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** sorted[n / 2] over the defined values (the seed's upper median), or NaN. */
    private static double median(List<TensorResult> rs, ToDoubleFunction<ErrorMetrics> f) {
        double[] v = rs.stream().mapToDouble(r -> f.applyAsDouble(r.metrics())).filter(d -> !Double.isNaN(d))
                .toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
