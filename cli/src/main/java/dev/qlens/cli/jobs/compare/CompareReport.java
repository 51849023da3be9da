package dev.qlens.cli.jobs.compare;

import dev.qlens.core.metrics.RelativeErrorHistogram;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The result of a comparison.
 *
 * @param original description of the original checkpoint
 * @param quantized description of the quantized checkpoint
 * @param aggregate statistics over the tensors that differ
 * @param layers every compared tensor whose values differ, in the original's order
 * @param identical names of compared tensors with identical values on both sides
 * @param pairing what could not be compared, and why
 * @param warnings warnings from reading the checkpoints
 * @param kernels the kernel implementation used
 */
public record CompareReport(Source original, Source quantized, CompareAggregate aggregate, List<TensorResult> layers,
                            List<String> identical, TensorPairing pairing, List<String> warnings, String kernels) {
    /**
     * One input.
     *
     * @param path the path given
     * @param storage the storage format, e.g. {@code safetensors, 3 shards}
     * @param conventions the quantization conventions detected
     * @param bytes total tensor bytes
     */
    public record Source(String path, String storage, List<String> conventions, long bytes) {
    }

    /**
     * The report of these results (every compared tensor, in the original's order): the aggregate over
     * them and the split into layers that differ and tensors that are identical.
     */
    public static CompareReport of(Source original, Source quantized, List<TensorResult> results,
                                   RelativeErrorHistogram allElements, TensorPairing pairing, List<String> warnings,
                                   String kernels) {
        List<TensorResult> differ = new java.util.ArrayList<>();
        List<String> identical = new java.util.ArrayList<>();
        for (TensorResult r : results) {
            if (r.metrics().identical()) {
                identical.add(r.name());
            } else {
                differ.add(r);
            }
        }
        return new CompareReport(original, quantized, CompareAggregate.of(results, allElements), differ, identical,
                pairing, warnings, kernels);
    }

    /** How the worst tensors are ranked. */
    public enum Sort {
        /** Largest mean absolute error first (the seed's order). */
        MAE(Comparator.comparingDouble((TensorResult r) -> r.metrics().meanAbsoluteError()).reversed()),
        /** Largest relative error (MAE / mean |x|) first. */
        REL(Comparator.comparingDouble((TensorResult r) -> r.metrics().relativeError()).reversed()),
        /** Lowest SNR first. */
        SNR(Comparator.comparingDouble((TensorResult r) -> r.metrics().snrDb())),
        /** Lowest Pearson correlation first. */
        PCC(Comparator.comparingDouble((TensorResult r) -> r.metrics().pearson())),
        /** Lowest cosine similarity first. */
        COSINE(Comparator.comparingDouble((TensorResult r) -> r.metrics().cosine())),
        /** Largest maximum absolute error first. */
        MAX(Comparator.comparingDouble((TensorResult r) -> r.metrics().maxAbsoluteError()).reversed());

        private final Comparator<TensorResult> order;

        Sort(Comparator<TensorResult> order) {
            this.order = order;
        }

        /** Worst first; ties and undefined values (NaN sorts last) keep the file order. */
        public Comparator<TensorResult> order() {
            return order;
        }

        /** Parses mae, rel, snr, pcc, cosine or max. */
        public static Sort parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown sort key '" + s + "': expected mae, rel, snr, pcc, cosine or max");
            }
        }
    }

    /** The n worst tensors under the given order. */
    public List<TensorResult> worst(Sort sort, int n) {
        return layers.stream().sorted(sort.order()).limit(Math.max(0, n)).toList();
    }
}
