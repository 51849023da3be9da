package dev.qlens.cli.jobs;

import dev.qlens.cli.jobs.compare.ComparePart;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.cli.jobs.quantize.QuantizePart;
import dev.qlens.cli.jobs.shard.PartFile;
import dev.qlens.cli.jobs.sweep.SweepJob;
import dev.qlens.cli.jobs.sweep.SweepPart;
import dev.qlens.cli.jobs.shard.Parts;
import dev.qlens.core.QlensException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code qlens merge}: the parts of a sharded run joined into what a single run writes. The parts are
 * checked to be every shard of one run, exactly once; results come out in the single run's order with
 * its aggregates recomputed from the parts' exact state.
 */
public final class MergeJob {
    private MergeJob() {
    }

    /** The kind of the parts (compare, sweep, quantize) and the parts in shard order. */
    public record Input(String kind, List<PartFile.Part> parts) {
    }

    /** Reads and checks the parts. */
    public static Input read(List<Path> files) throws IOException {
        List<PartFile.Part> parts = Parts.readAll(files);
        return new Input(parts.get(0).header().kind(), parts);
    }

    /** The merged compare report. */
    public static CompareReport compare(Input in) {
        require(in, ComparePart.KIND);
        return ComparePart.merge(in.parts());
    }

    /** The merged sweep: the report and outcomes of every tensor. */
    public static SweepJob.Result sweep(Input in) {
        require(in, SweepPart.KIND);
        return SweepPart.merge(in.parts());
    }

    /** The merged quantize run: the shard set's index and the run's report. */
    public static QuantizePart.Merged quantize(Input in) {
        require(in, QuantizePart.KIND);
        return QuantizePart.merge(in.parts());
    }

    private static void require(Input in, String kind) {
        if (!in.kind().equals(kind)) {
            throw new QlensException("these are " + in.kind() + " parts, not " + kind + " parts");
        }
    }
}
