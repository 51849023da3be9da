package dev.qlens.cli.jobs.compare;

import dev.qlens.cli.VersionProvider;
import dev.qlens.cli.jobs.shard.PartHeader;
import dev.qlens.cli.jobs.shard.Shard;
import dev.qlens.cli.util.Progress;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.Convention;
import dev.qlens.formats.convention.LogicalTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code qlens compare}: the per-tensor quantization error between an original checkpoint and a
 * quantized one, as a plain Java API. Both sides are read through their quantization conventions
 * (quantized weights dequantized to float32), matched by name and streamed chunk by chunk.
 */
public final class CompareJob {
    private CompareJob() {
    }

    /** Runs the comparison. */
    public static CompareReport run(CompareOptions o) throws Exception {
        return run(o, t -> { });
    }

    /**
     * Runs the comparison.
     *
     * @param onTensor called with each finished tensor (from worker threads)
     * @throws QlensException when nothing could be compared (no tensor names in common)
     */
    public static CompareReport run(CompareOptions o, Consumer<TensorResult> onTensor) throws Exception {
        return execute(o, onTensor).report();
    }

    /**
     * Runs the share of the comparison that {@code o.shard()} names and returns what {@code qlens merge}
     * needs: its header, and its results with their places in the full list.
     */
    public static ComparePart.Run runPart(CompareOptions o, Consumer<TensorResult> onTensor) throws Exception {
        if (o.shard() == null) {
            throw new IllegalArgumentException("a part needs --shard K/N");
        }
        return execute(o, onTensor);
    }

    private static ComparePart.Run execute(CompareOptions o, Consumer<TensorResult> onTensor) throws Exception {
        try (Checkpoint a = Checkpoints.open(o.original()); Checkpoint b = Checkpoints.open(o.quantized())) {
            CheckpointView va = CheckpointView.of(a, o.conventions());
            CheckpointView vb = CheckpointView.of(b, o.conventions());
            TensorPairing pairing = TensorPairing.of(va, vb, o);
            List<TensorPairing.Pair> pairs = pairing.pairs();
            if (pairs.isEmpty() && pairing.empty().isEmpty()) {
                throw new QlensException("no tensors to compare between " + o.original() + " and " + o.quantized()
                        + (o.layers().isEmpty() ? "" : " matching " + String.join(",", o.layers()))
                        + ": " + pairing.missingInQuantized().size() + " original tensors have no counterpart, "
                        + pairing.shapeMismatches().size() + " differ in shape, " + pairing.unsupported().size()
                        + " cannot be read");
            }
            List<String> names = new ArrayList<>();
            long[] sizes = new long[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                TensorPairing.Pair p = pairs.get(i);
                names.add(p.name());
                sizes[i] = storedBytes(a, p.original()) + storedBytes(b, p.quantized());
            }
            List<Integer> indices = new ArrayList<>();
            boolean[] mine = o.shard() == null ? null : o.shard().select(names, sizes);
            for (int i = 0; i < pairs.size(); i++) {
                if (mine == null || mine[i]) {
                    indices.add(i);
                }
            }
            pairs = indices.stream().map(pairs::get).toList();
            dev.qlens.cli.jobs.ReadPlan.announce(a, pairs.stream().map(TensorPairing.Pair::original).toList());
            dev.qlens.cli.jobs.ReadPlan.announce(b, pairs.stream().map(TensorPairing.Pair::quantized).toList());
            double[] bytesPerElement = new double[pairs.size()];
            long totalBytes = 0;
            for (int j = 0; j < pairs.size(); j++) {
                bytesPerElement[j] = (double) sizes[indices.get(j)] / pairs.get(j).numel();
                totalBytes += sizes[indices.get(j)];
            }
            CompareRunner runner = new CompareRunner();
            List<TensorResult> results;
            try (Progress progress = Progress.start("compare", totalBytes, pairs.size(), o.progress())) {
                results = runner.run(pairs, bytesPerElement, o.threads(), new CompareRunner.Listener() {
                    @Override
                    public void bytes(long n) {
                        progress.bytes(n);
                    }

                    @Override
                    public void tensorDone(TensorResult r) {
                        progress.tensorDone();
                        onTensor.accept(r);
                    }
                });
            }
            List<String> warnings = new ArrayList<>();
            va.warnings().forEach(w -> warnings.add("original: " + w));
            vb.warnings().forEach(w -> warnings.add("quantized: " + w));
            CompareReport report = CompareReport.of(source(o.original().toString(), a, va),
                    source(o.quantized().toString(), b, vb), results, runner.allElements(), pairing, warnings,
                    KernelProvider.get().name());
            PartHeader header = o.shard() == null ? null : new PartHeader(ComparePart.KIND, o.shard().index(),
                    o.shard().count(), Shard.plan(names, sizes), names.size(), VersionProvider.version());
            return new ComparePart.Run(report, header, new ComparePart(report.original(), report.quantized(),
                    pairing.skips(), warnings, report.kernels(), indices, results, runner.allElements().counts()));
        }
    }

    private static CompareReport.Source source(String path, Checkpoint c, CheckpointView v) {
        List<String> conv = new ArrayList<>();
        for (Convention k : v.detected()) {
            conv.add(k.cliName());
        }
        conv.sort(null);
        return new CompareReport.Source(path, c.format(), conv, c.totalBytes());
    }

    /** Stored bytes behind a logical tensor (its data and scale tensors). */
    static long storedBytes(Checkpoint c, LogicalTensor t) {
        long sum = 0;
        for (String s : t.sources()) {
            var e = c.tensor(s);
            if (e != null) {
                sum += e.byteSize();
            }
        }
        return sum > 0 ? sum : t.numel() * Math.max(1, t.storedDtype() == null ? 4 : DType.F32.bits() / 8);
    }
}
