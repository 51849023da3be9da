package dev.qlens.cli.jobs.sweep;

import dev.qlens.cli.VersionProvider;
import dev.qlens.cli.jobs.shard.PartHeader;
import dev.qlens.cli.jobs.shard.Shard;
import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.util.Progress;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.formats.catalog.QuantFormat;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.LogicalTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code qlens sweep}: every format on every selected tensor, with the recommendation and the
 * configured compression algorithm, as a plain Java API. Tensors run in parallel; each is streamed
 * in chunks, so memory does not grow with the checkpoint.
 */
public final class SweepJob {
    private SweepJob() {
    }

    /** The report and, per tensor, what the mixed-tile assignment (if any) was. */
    public record Result(SweepReport report, List<TensorSweep.Outcome> outcomes) {
    }

    /** Runs the sweep. */
    public static Result run(SweepOptions o) throws Exception {
        return execute(o).result();
    }

    /** Runs the share of the sweep that {@code o.shard()} names and returns its part for {@code qlens merge}. */
    public static SweepPart.Run runPart(SweepOptions o) throws Exception {
        if (o.shard() == null) {
            throw new IllegalArgumentException("a part needs --shard K/N");
        }
        if (o.config().seedSource().equals("random")) {
            throw new QlensException("a sharded sweep needs a fixed seed in the compression config (each shard would draw"
                    + " its own \"random\" seed)");
        }
        return execute(o);
    }

    private static SweepPart.Run execute(SweepOptions o) throws Exception {
        Kernels k = KernelProvider.get();
        try (Checkpoint c = Checkpoints.open(o.checkpoint())) {
            CheckpointView view = CheckpointView.of(c, o.conventions());
            List<LogicalTensor> tensors = TensorSelection.select(view, o.filters(), o.regex(), o.limit());
            if (tensors.isEmpty()) {
                throw new QlensException(o.checkpoint() + ": no tensor matches"
                        + (o.filters().isEmpty() ? "" : " " + String.join(" ", o.filters())));
            }
            PartHeader header = null;
            if (o.shard() != null) {
                List<String> names = new ArrayList<>();
                long[] sizes = new long[tensors.size()];
                for (int i = 0; i < tensors.size(); i++) {
                    names.add(tensors.get(i).name());
                    sizes[i] = TensorSweep.storedBytes(c, tensors.get(i));
                }
                header = new PartHeader(SweepPart.KIND, o.shard().index(), o.shard().count(), Shard.plan(names, sizes),
                        names.size(), VersionProvider.version());
                boolean[] mine = o.shard().select(names, sizes);
                List<LogicalTensor> share = new ArrayList<>();
                for (int i = 0; i < mine.length; i++) {
                    if (mine[i]) {
                        share.add(tensors.get(i));
                    }
                }
                tensors = share;
            }
            dev.qlens.cli.jobs.ReadPlan.announce(c, tensors);
            MetricsCache cache = o.cacheDir() == null ? null : new MetricsCache(o.cacheDir());
            long work = 0;
            int passes = o.formats().size() * (o.config().algorithm().equals("transpose") ? 2 : 1)
                    + (o.config().mixedTile() ? 4 : 0);
            for (LogicalTensor t : tensors) {
                work += t.numel() * passes;
            }
            List<TensorSweep.Outcome> outcomes;
            try (Progress p = Progress.start("sweep", work * 4, tensors.size(), o.progress())) {
                List<Parallel.Task<TensorSweep.Outcome>> tasks = new ArrayList<>();
                for (LogicalTensor t : tensors) {
                    tasks.add(() -> {
                        TensorSweep.Outcome r = TensorSweep.run(c, t, o, k, cache, n -> p.bytes(n * 4));
                        p.tensorDone();
                        return r;
                    });
                }
                outcomes = Parallel.run(tasks, o.threads());
            }
            List<TensorSweepResult> results = new ArrayList<>();
            outcomes.forEach(r -> results.add(r.result()));
            List<String> formats = o.formats().stream().map(QuantFormat::name).toList();
            List<String> tileFormats = o.config().mixedTile()
                    ? TensorSweep.tileFormats(o.config()).stream().map(TileFormat::cliName).toList() : List.of();
            SweepReport report = new SweepReport(o.checkpoint().toString(), c.format(), formats, o.config(), tileFormats,
                    o.criterion(), results, k.name());
            return new SweepPart.Run(new Result(report, outcomes), header, new SweepPart(report.checkpoint(),
                    report.storage(), formats, o.config(), tileFormats, o.criterion(), k.name(), outcomes));
        }
    }
}
