package dev.qlens.cli.jobs.quantize;

import dev.qlens.cli.VersionProvider;
import dev.qlens.cli.jobs.shard.PartHeader;
import dev.qlens.cli.jobs.shard.Shard;
import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.util.Progress;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.formats.comfy.ComfyFormat;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code qlens quantize} as a plain Java API: plans every tensor ({@link LayerSelector}), measures the
 * candidates first when {@code --keep-if} asks for it, then streams the output tensor by tensor
 * ({@link QuantizeWriter}), quantizing layers on worker threads a bounded distance ahead of the writer.
 * Peak memory is a few layers, whatever the checkpoint size.
 */
public final class QuantizeJob {
    private QuantizeJob() {
    }

    /** Runs the job. */
    public static QuantizeReport run(QuantizeOptions o) throws Exception {
        return run(o, l -> { });
    }

    /**
     * Runs the job.
     *
     * @param onLayer called with each candidate layer once it is decided (quantized, kept or dropped), in order
     */
    public static QuantizeReport run(QuantizeOptions o, Consumer<QuantizeReport.Layer> onLayer) throws Exception {
        return execute(o, null, onLayer).report();
    }

    /**
     * Quantizes one share of the checkpoint: the modules (a weight with its bias and other tensors of the
     * same prefix stay together) that {@code shard} names, into {@code <output stem>-0000K-of-0000N.safetensors}
     * next to the output, and returns the part {@code qlens merge} joins into a shard set with its index.
     */
    public static QuantizePart.Run runPart(QuantizeOptions o, Shard shard, Consumer<QuantizeReport.Layer> onLayer)
            throws Exception {
        if (o.shardBytes() > 0) {
            throw new QlensException("--shard writes one file per share; --max-shard-size does not combine with it");
        }
        if (o.dryRun()) {
            throw new QlensException("--shard writes a part; a dry run writes nothing (run --dry-run without --shard)");
        }
        return execute(o, shard, onLayer);
    }

    private static QuantizePart.Run execute(QuantizeOptions o, Shard shard, Consumer<QuantizeReport.Layer> onLayer)
            throws Exception {
        long t0 = System.nanoTime();
        validate(o);
        Path single = o.output() != null ? o.output() : OutputNames.defaultOutput(o);
        Path output = shard == null ? single : QuantizePart.fileOf(single, shard);
        try (Checkpoint c = Checkpoints.open(o.input());
             Workers workers = Workers.create(Math.max(1, o.threads()))) {
            CheckpointView view = CheckpointView.of(c, o.conventions());
            if (shard == null && !o.dryRun()) {
                dev.qlens.cli.jobs.ReadPlan.announceAll(c); // every tensor is read or copied
            }
            List<String> warnings = new ArrayList<>(view.warnings());
            LayerConfigFile config = null;
            if (o.layerConfig() != null) {
                config = LayerConfigFile.read(o.layerConfig(), o.spec(), o.fullMatch());
                warnings.addAll(config.warnings());
            }
            LayerSelector selector = new LayerSelector(o, Presets.builtIn(), config);
            List<LayerPlan> plans = new ArrayList<>();
            for (LogicalTensor t : view.tensors()) {
                LayerPlan p = selector.plan(t);
                checkMixing(o, p);
                if (p.action() == LayerPlan.Action.QUANTIZE && t.kind() == LogicalTensor.Kind.QUANTIZED) {
                    warnings.add(p.name() + ": already quantized (" + t.scheme() + "); it is dequantized and quantized"
                            + " again, so the two errors add up");
                }
                plans.add(p);
            }
            if (plans.stream().noneMatch(LayerPlan::candidate)) {
                throw new QlensException(o.input() + ": no 2-D floating-point '*.weight' tensor to quantize");
            }
            Map<String, Integer> planIndex = new HashMap<>();
            PartHeader header = null;
            if (shard != null) {
                for (int i = 0; i < plans.size(); i++) {
                    planIndex.put(plans.get(i).name(), i);
                }
                QuantizePart.Split split = QuantizePart.split(c, plans, shard);
                plans = split.plans();
                header = new PartHeader(QuantizePart.KIND, shard.index(), shard.count(), split.plan(), split.modules(),
                        VersionProvider.version());
            }
            // Learned rounding spends its time in large products: give them every thread, one layer at a time.
            // Learned rounding and GPTQ spread one layer's products over the workers; the rest runs layers in parallel.
            boolean heavy = o.learned() != null || o.gptq() != null;
            int layerThreads = heavy ? 1 : Math.max(1, o.threads());
            Gemm gemm = Gemm.using(heavy ? workers : Workers.single());
            LayerQuantizer quantizer = new LayerQuantizer(o, gemm,
                    o.calibration() == null ? null : dev.qlens.formats.gptq.CalibrationFile.read(o.calibration()));
            Map<String, ErrorMetrics> measured = new HashMap<>();
            if (!o.keepIf().isEmpty()) {
                plans = protect(o, plans, quantizer, layerThreads, measured);
            }
            List<QuantizeReport.Layer> layers = new ArrayList<>();
            List<Path> written = List.of();
            long bytesIn = c.totalBytes();
            long bytesOut;
            if (o.dryRun()) {
                bytesOut = 0;
                for (LayerPlan p : plans) {
                    QuantizeReport.Layer l = QuantizeWriter.plannedLayer(c, p, o, measured.get(p.name()));
                    if (l != null) {
                        layers.add(l);
                        onLayer.accept(l);
                    }
                    bytesOut += QuantizeWriter.plannedBytes(c, p, o);
                }
            } else {
                QuantizeWriter w = new QuantizeWriter(c, view, o, output, plans, quantizer, layerThreads, measured);
                if (shard != null && shard.index() != 1) {
                    w.withoutMarker();
                }
                written = w.write(l -> {
                    layers.add(l);
                    onLayer.accept(l);
                });
                bytesOut = w.bytesOut();
            }
            int copied = (int) plans.stream().filter(p -> p.action() == LayerPlan.Action.COPY).count();
            QuantizeReport report = new QuantizeReport(o.input(), written, o.spec().describe(), mainline(plans, o),
                    o.describeMethod(), layers, copied, bytesIn, bytesOut, (System.nanoTime() - t0) / 1e9, o.dryRun(),
                    warnings);
            return new QuantizePart.Run(report, header, header == null ? null : QuantizePart.of(report, single, planIndex));
        }
    }

    private static void validate(QuantizeOptions o) {
        if (!o.spec().format().mainline() && !o.quantOps()) {
            throw notMainline(o.spec().format());
        }
        if (o.fallback() != null && !o.fallback().format().mainline() && !o.quantOps()) {
            throw notMainline(o.fallback().format());
        }
        if (o.fallback() != null && (o.fallback().format() == ComfyFormat.SCALED_FP8) != (o.spec().format() == ComfyFormat.SCALED_FP8)) {
            throw new QlensException("scaled_fp8 cannot be mixed with the .comfy_quant formats in one file (ComfyUI"
                    + " ignores the legacy layout as soon as one layer carries .comfy_quant metadata)");
        }
        if (o.inputScale() != null) {
            ComfyFormat f = o.spec().format();
            boolean perTensorFp8 = f == ComfyFormat.FLOAT8_E4M3FN || f == ComfyFormat.FLOAT8_E5M2 || f == ComfyFormat.SCALED_FP8;
            if (!perTensorFp8 && !(f == ComfyFormat.NVFP4 && !o.inputScale().fromWeight())) {
                throw new QlensException("--input-scale is used by ComfyUI for float8_e4m3fn, float8_e5m2, scaled_fp8"
                        + " and (a value only) nvfp4; " + f.cliName() + " quantizes activations dynamically");
            }
        }
        if (o.threads() < 1) {
            throw new QlensException("--threads must be at least 1, not " + o.threads());
        }
    }

    private static QlensException notMainline(ComfyFormat f) {
        return new QlensException(f.cliName() + " is not loaded by mainline ComfyUI (it raises KeyError): only the seed"
                + " tool's ComfyUI-QuantOps custom node reads it. Pass --quant-ops to write it anyway.");
    }

    private static void checkMixing(QuantizeOptions o, LayerPlan p) {
        if (p.action() == LayerPlan.Action.QUANTIZE
                && (p.spec().format() == ComfyFormat.SCALED_FP8) != (o.spec().format() == ComfyFormat.SCALED_FP8)) {
            throw new QlensException(p.name() + ": scaled_fp8 cannot be mixed with the .comfy_quant formats in one file");
        }
        if (p.action() == LayerPlan.Action.QUANTIZE && !p.spec().format().mainline() && !o.quantOps()) {
            throw new QlensException(p.name() + ": " + notMainline(p.spec().format()).getMessage());
        }
    }

    /**
     * The measuring pass of {@code --keep-if}: quantizes every candidate, and keeps (or gives the
     * fallback format) the layers whose error meets a rule. Results are not kept; the writing pass
     * quantizes again and gets the same codes.
     */
    private static List<LayerPlan> protect(QuantizeOptions o, List<LayerPlan> plans, LayerQuantizer q, int threads,
                                           Map<String, ErrorMetrics> measured) throws Exception {
        List<Parallel.Task<LayerPlan>> tasks = new ArrayList<>();
        long total = 0;
        int count = 0;
        for (LayerPlan p : plans) {
            if (p.action() == LayerPlan.Action.QUANTIZE) {
                total += p.tensor().numel() * 4;
                count++;
            }
        }
        try (Progress progress = Progress.start("measure", total, count, o.progress())) {
            for (LayerPlan p : plans) {
                if (p.action() != LayerPlan.Action.QUANTIZE) {
                    tasks.add(() -> p);
                    continue;
                }
                tasks.add(() -> {
                    LayerPlan r = decide(o, p, q, measured);
                    progress.bytes(p.tensor().numel() * 4);
                    progress.tensorDone();
                    return r;
                });
            }
            return Parallel.run(tasks, threads);
        }
    }

    private static LayerPlan decide(QuantizeOptions o, LayerPlan p, LayerQuantizer q, Map<String, ErrorMetrics> measured)
            throws IOException {
        ErrorMetrics m = q.quantize(p, null).stats().result();
        synchronized (measured) {
            measured.put(p.name(), m);
        }
        KeepRule hit = firstHit(o, m);
        if (hit == null) {
            return p;
        }
        String why = "measured " + hit.metric() + " " + fmt(hit.value(m)) + " (--keep-if " + hit + ")";
        if (o.fallback() != null && !o.fallback().equals(p.spec())
                && LayerSelector.supported(o.fallback(), p.tensor().shape()) == null) {
            LayerPlan f = p.with(LayerPlan.Action.QUANTIZE, o.fallback(), why + "; --fallback");
            ErrorMetrics fm = q.quantize(f, null).stats().result();
            KeepRule again = firstHit(o, fm);
            if (again == null) {
                synchronized (measured) {
                    measured.put(p.name(), fm);
                }
                return f;
            }
            why += "; fallback " + o.fallback().format().cliName() + " " + again.metric() + " " + fmt(again.value(fm));
        }
        return p.with(LayerPlan.Action.KEEP, null, why);
    }

    private static KeepRule firstHit(QuantizeOptions o, ErrorMetrics m) {
        for (KeepRule r : o.keepIf()) {
            if (r.keeps(m)) {
                return r;
            }
        }
        return null;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }

    private static boolean mainline(List<LayerPlan> plans, QuantizeOptions o) {
        return plans.stream().noneMatch(p -> p.action() == LayerPlan.Action.QUANTIZE && !p.spec().format().mainline());
    }
}
