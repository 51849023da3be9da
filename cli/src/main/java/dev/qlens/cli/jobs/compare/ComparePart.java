package dev.qlens.cli.jobs.compare;

import dev.qlens.cli.jobs.shard.PartFile;
import dev.qlens.cli.jobs.shard.PartHeader;
import dev.qlens.core.QlensException;
import dev.qlens.core.metrics.RelativeErrorHistogram;
import java.util.ArrayList;
import java.util.List;

/**
 * One shard's share of a comparison, with the exact state the report needs: each result with its
 * place in the full, original-ordered list of pairs, and the shard's relative-error histogram.
 *
 * @param original the original checkpoint
 * @param quantized the quantized checkpoint
 * @param skips what every shard saw left out of the comparison (the same in every part)
 * @param warnings warnings from reading the checkpoints
 * @param kernels the kernel implementation (results do not depend on it)
 * @param indices the place of each result in the full list of pairs
 * @param results this shard's results
 * @param histogram the counts of this shard's relative-error histogram
 */
public record ComparePart(CompareReport.Source original, CompareReport.Source quantized, TensorPairing.Skips skips,
                          List<String> warnings, String kernels, List<Integer> indices, List<TensorResult> results,
                          long[] histogram) {
    /** The part kind in headers. */
    public static final String KIND = "compare";

    /**
     * What a run returns: the report of what it compared and, for a shard, its part.
     *
     * @param report the report over the tensors this run compared
     * @param header the part header, or null without a shard
     * @param part the part
     */
    public record Run(CompareReport report, PartHeader header, ComparePart part) {
    }

    /** The report a single run over all shards would have written. */
    public static CompareReport merge(List<PartFile.Part> parts) {
        int items = parts.get(0).header().items();
        TensorResult[] all = new TensorResult[items];
        RelativeErrorHistogram hist = new RelativeErrorHistogram();
        ComparePart first = null;
        for (PartFile.Part p : parts) {
            ComparePart c = p.as(ComparePart.class);
            if (first == null) {
                first = c;
            } else if (!first.original().equals(c.original()) || !first.quantized().equals(c.quantized())
                    || !first.skips().equals(c.skips())) {
                throw new QlensException(p.file() + ": compares other checkpoints or tensors than " + parts.get(0).file());
            }
            for (int j = 0; j < c.indices().size(); j++) {
                int i = c.indices().get(j);
                if (i < 0 || i >= items || all[i] != null) {
                    throw new QlensException(p.file() + ": tensor " + i + " is out of range or in two parts");
                }
                all[i] = c.results().get(j);
            }
            hist.add(RelativeErrorHistogram.of(c.histogram()));
        }
        List<TensorResult> results = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            if (all[i] == null) {
                throw new QlensException("the parts do not cover tensor " + i + " of " + items);
            }
            results.add(all[i]);
        }
        return CompareReport.of(first.original(), first.quantized(), results, hist, TensorPairing.restored(first.skips()),
                first.warnings(), first.kernels());
    }
}
