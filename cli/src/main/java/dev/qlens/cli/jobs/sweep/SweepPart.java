package dev.qlens.cli.jobs.sweep;

import dev.qlens.cli.jobs.shard.PartFile;
import dev.qlens.cli.jobs.shard.PartHeader;
import dev.qlens.core.QlensException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One shard's share of a sweep: the run's settings (the same in every part) and, for each of its
 * tensors, the exact rows and the mixed-tile assignment.
 *
 * @param checkpoint the checkpoint as given
 * @param storage its storage format
 * @param formats the formats swept
 * @param config the compression algorithm
 * @param tileFormats the tile formats of a mixed-tile run
 * @param criterion the recommendation criterion
 * @param kernels the kernel implementation (results do not depend on it)
 * @param outcomes this shard's tensors
 */
public record SweepPart(String checkpoint, String storage, List<String> formats, CompressionConfig config,
                        List<String> tileFormats, String criterion, String kernels, List<TensorSweep.Outcome> outcomes) {
    /** The part kind in headers. */
    public static final String KIND = "sweep";

    /**
     * What a run returns: its result and, for a shard, its part.
     *
     * @param result the report and outcomes of the tensors this run swept
     * @param header the part header, or null without a shard
     * @param part the part
     */
    public record Run(SweepJob.Result result, PartHeader header, SweepPart part) {
    }

    /** The result a single run over all shards would have had (tensors in name order, as a run sorts them). */
    public static SweepJob.Result merge(List<PartFile.Part> parts) {
        SweepPart first = null;
        List<TensorSweep.Outcome> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (PartFile.Part p : parts) {
            SweepPart s = p.as(SweepPart.class);
            if (first == null) {
                first = s;
            } else if (!first.checkpoint().equals(s.checkpoint()) || !first.formats().equals(s.formats())
                    || !first.config().equals(s.config()) || !first.criterion().equals(s.criterion())) {
                throw new QlensException(p.file() + ": swept another checkpoint, formats or settings than "
                        + parts.get(0).file());
            }
            for (TensorSweep.Outcome o : s.outcomes()) {
                if (!seen.add(o.result().name())) {
                    throw new QlensException(p.file() + ": tensor " + o.result().name() + " is in two parts");
                }
                all.add(o);
            }
        }
        int items = parts.get(0).header().items();
        if (all.size() != items) {
            throw new QlensException("the parts hold " + all.size() + " tensors, the run selected " + items);
        }
        all.sort(Comparator.comparing(o -> o.result().name()));
        List<TensorSweepResult> results = all.stream().map(TensorSweep.Outcome::result).toList();
        return new SweepJob.Result(new SweepReport(first.checkpoint(), first.storage(), first.formats(), first.config(),
                first.tileFormats(), first.criterion(), results, first.kernels()), all);
    }
}
