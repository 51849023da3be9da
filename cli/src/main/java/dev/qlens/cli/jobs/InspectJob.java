package dev.qlens.cli.jobs;

import dev.qlens.cli.util.Progress;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.FloatView;
import dev.qlens.core.io.NameFilter;
import dev.qlens.core.metrics.TensorStats;
import dev.qlens.core.tensor.Shapes;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.Convention;
import dev.qlens.formats.convention.LogicalTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code qlens inspect}: lists a checkpoint's tensors (quantized weights once, with their detected
 * scheme) and optionally streams statistics of every tensor's values (dequantized ones for
 * quantized weights).
 */
public final class InspectJob {
    private InspectJob() {
    }

    /**
     * What to inspect.
     *
     * @param checkpoint a safetensors file, index, shard directory or ONNX model
     * @param filters name filters (see {@link NameFilter})
     * @param regex whether the filters are regular expressions
     * @param stats whether to compute value statistics
     * @param conventions conventions to apply (empty: show stored tensors as they are)
     * @param threads worker threads for statistics
     * @param progress whether to show a progress bar on stderr
     */
    public record Options(Path checkpoint, List<String> filters, boolean regex, boolean stats, Set<Convention> conventions,
                          int threads, boolean progress) {
    }

    /** Value statistics of one tensor. */
    public record Stats(long count, double min, double max, double mean, double std, double amax, long zeros, long nans,
                        long infs) {
        static Stats of(TensorStats s) {
            return new Stats(s.count(), s.min(), s.max(), s.mean(), s.std(), s.amax(), s.zeros(), s.nans(), s.infs());
        }
    }

    /** One listed tensor. */
    public record Row(String name, String dtype, long[] shape, long bytes, String kind, String scheme, String convention,
                      String format, String granularity, long blockSize, List<String> sources, String origin,
                      String problem, Stats stats) {
    }

    /** The whole listing. */
    public record Report(String checkpoint, String storage, Map<String, String> metadata, List<String> conventions,
                         List<Row> rows, long totalBytes, int totalTensors, List<String> warnings) {
    }

    /** Runs the inspection. */
    public static Report run(Options o) throws Exception {
        try (Checkpoint c = Checkpoints.open(o.checkpoint())) {
            CheckpointView view = CheckpointView.of(c, o.conventions());
            NameFilter filter = NameFilter.of(o.filters(), o.regex());
            List<LogicalTensor> selected = new ArrayList<>();
            long bytes = 0;
            for (LogicalTensor t : view.tensors()) {
                if (filter.test(t.name())) {
                    selected.add(t);
                    bytes += sourceBytes(c, t);
                }
            }
            List<Stats> stats = new ArrayList<>();
            if (o.stats()) {
                ReadPlan.announce(c, selected);
                try (Progress progress = Progress.start("stats", bytes, selected.size(), o.progress())) {
                    List<Parallel.Task<Stats>> tasks = new ArrayList<>();
                    for (LogicalTensor t : selected) {
                        tasks.add(() -> {
                            Stats s = null;
                            if (t.kind() != LogicalTensor.Kind.UNSUPPORTED) {
                                FloatView v = t.open();
                                s = Stats.of(TensorStats.of(v));
                            }
                            progress.bytes(sourceBytes(c, t));
                            progress.tensorDone();
                            return s;
                        });
                    }
                    stats = Parallel.run(tasks, o.threads());
                }
            }
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < selected.size(); i++) {
                LogicalTensor t = selected.get(i);
                rows.add(new Row(t.name(), t.storedDtype().name(), t.shape(), sourceBytes(c, t), t.kind().name().toLowerCase(),
                        t.scheme(), t.convention() == null ? null : t.convention().cliName(), t.format(), t.granularity(),
                        t.blockSize(), t.sources(), t.origin(), t.problem(), o.stats() ? stats.get(i) : null));
            }
            List<String> conventions = new ArrayList<>();
            view.detected().stream().sorted().forEach(cv -> conventions.add(cv.cliName()));
            return new Report(o.checkpoint().toString(), c.format(), c.metadata(), conventions, rows, c.totalBytes(),
                    view.tensors().size(), view.warnings());
        }
    }

    /** Bytes of every stored tensor a logical tensor is made of. */
    static long sourceBytes(Checkpoint c, LogicalTensor t) {
        long sum = 0;
        for (String s : t.sources()) {
            var e = c.tensor(s);
            if (e != null) {
                sum += e.byteSize();
            }
        }
        return sum;
    }

    /** The shape as text. */
    public static String shape(long[] s) {
        return Shapes.toString(s);
    }
}
