package dev.qlens.cli.jobs.check;

import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.jobs.compare.CompareJob;
import dev.qlens.cli.jobs.compare.CompareOptions;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.cli.jobs.compare.TensorResult;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.FloatView;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.formats.comfy.ComfyLoaders;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.Convention;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code qlens check} as a plain Java API. Quantized mode: ComfyUI's metadata and layout rules
 * ({@link ComfyLayerConfigs}, {@link ComfyLayoutRules}), the legacy scaled_fp8 layout, scale and code
 * values of every convention, dequantized values finite, and with an original, each layer's SNR.
 * Compliance mode ({@code --format}): {@link Compliance}.
 */
public final class CheckJob {
    private CheckJob() {
    }

    /** Runs the check. */
    public static CheckReport run(CheckOptions o) throws Exception {
        if (o.format() != null || o.config() != null) {
            return Compliance.run(o);
        }
        try (Checkpoint c = Checkpoints.open(o.checkpoint())) {
            CheckpointView view = CheckpointView.of(c, o.conventions());
            List<Finding> findings = new ArrayList<>();
            List<Parallel.Task<List<Finding>>> scans = new ArrayList<>();
            ComfyLayerConfigs configs = ComfyLayerConfigs.read(c, findings);
            ComfyLayoutRules rules = new ComfyLayoutRules(c, findings, scans);
            for (Map.Entry<String, com.google.gson.JsonObject> e : configs.effective.entrySet()) {
                rules.check(e.getKey(), e.getValue());
                loadsSince(e.getKey(), e.getValue(), findings);
            }
            legacy(c, configs, findings, scans);
            List<CheckReport.Layer> layers = new ArrayList<>();
            for (LogicalTensor t : view.tensors()) {
                if (t.kind() == LogicalTensor.Kind.PLAIN) {
                    continue;
                }
                if (t.kind() == LogicalTensor.Kind.UNSUPPORTED) {
                    if (t.convention() != Convention.COMFY || !configs.effective.containsKey(layerOf(t.name()))) {
                        findings.add(Finding.warning(t.name(), "unreadable", "qlens cannot dequantize it: " + t.scheme()));
                    }
                    layers.add(new CheckReport.Layer(t.name(), t.scheme(), Double.NaN, 0, List.of()));
                    continue;
                }
                layers.add(new CheckReport.Layer(t.name(), t.scheme(), Double.NaN, 0, List.of()));
                LogicalTensor.ScaleSummary s = t.scaleSummary();
                if (s != null && (!(s.min() >= 0) || !Double.isFinite(s.max()))) {
                    findings.add(Finding.error(t.name(), "scale-value", "its scales range from " + s.min() + " to "
                            + s.max() + "; they must be finite and non-negative"));
                }
                scans.add(() -> finiteDequant(t));
            }
            for (List<Finding> f : Parallel.run(scans, Math.max(1, o.threads()))) {
                findings.addAll(f);
            }
            if (o.original() != null) {
                layers = againstOriginal(o, layers, findings);
            }
            if (layers.isEmpty() && configs.effective.isEmpty()) {
                findings.add(Finding.warning("-", "nothing-quantized", "no quantized tensor found (conventions: "
                        + o.conventions() + "); use --format FORMAT to check a float checkpoint's values"));
            }
            findings.sort(Comparator.comparing(Finding::severity));
            return new CheckReport(o.checkpoint().toString(), "quantized", layers, findings, view.warnings());
        }
    }

    static String layerOf(String weightName) {
        return weightName.endsWith(".weight") ? weightName.substring(0, weightName.length() - 7) : weightName;
    }

    private static void loadsSince(String layer, com.google.gson.JsonObject cfg, List<Finding> out) {
        com.google.gson.JsonElement f = cfg.get("format");
        ComfyLoaders.Loader l = f != null && f.isJsonPrimitive() ? ComfyLoaders.of(f.getAsString()) : null;
        if (l != null && l.mainline()) {
            out.add(Finding.info(layer, "loads-since", l.format() + ": mainline ComfyUI since " + l.since()));
        }
    }

    /** The legacy scaled_fp8 layout: ignored by ComfyUI next to .comfy_quant metadata; scales and codes. */
    private static void legacy(Checkpoint c, ComfyLayerConfigs configs, List<Finding> out,
                               List<Parallel.Task<List<Finding>>> scans) throws IOException {
        TensorEntry marker = c.tensor("scaled_fp8");
        if (marker == null) {
            return;
        }
        if (!configs.effective.isEmpty()) {
            out.add(Finding.error("-", "legacy-mixed", "the file has a scaled_fp8 marker and .comfy_quant metadata;"
                    + " ComfyUI then skips the legacy conversion, so the scale_weight layers load without their scales"));
        }
        for (TensorEntry t : c.tensors()) {
            if (!t.name().endsWith(".scale_weight")) {
                continue;
            }
            String layer = t.name().substring(0, t.name().length() - ".scale_weight".length());
            TensorEntry w = c.tensor(layer + ".weight");
            if (w == null) {
                out.add(Finding.error(layer, "weight-missing", t.name() + " has no " + layer + ".weight"));
                continue;
            }
            if (w.dtype() != dev.qlens.core.tensor.DType.F8_E4M3 && w.dtype() != dev.qlens.core.tensor.DType.F8_E5M2) {
                out.add(Finding.error(layer, "weight-dtype", layer + ".weight is " + w.dtype() + "; scaled_fp8 weights are FP8"));
                continue;
            }
            if (w.dtype() == dev.qlens.core.tensor.DType.F8_E5M2) {
                out.add(Finding.warning(layer, "legacy-e5m2", "ComfyUI converts every legacy layer as float8_e4m3fn,"
                        + " whatever the marker says; E5M2 weights are converted by value to E4M3"));
            }
            scans.add(() -> CodeScans.fp8(layer, w));
            scans.add(() -> CodeScans.positiveScales(layer, t));
        }
        long n = marker.numel();
        out.add(Finding.info("-", "legacy-marker", "scaled_fp8 marker with " + n + " elements: "
                + (n == 2 ? "ComfyUI sets full_precision_matrix_mult on every layer" : "the FP8 GEMM is allowed")));
    }

    /** Dequantized values that are NaN or infinite. */
    private static List<Finding> finiteDequant(LogicalTensor t) throws IOException {
        FloatView v = t.open();
        long n = t.numel();
        float[] buf = new float[(int) Math.min(1 << 20, Math.max(1, n))];
        long bad = 0;
        long first = -1;
        for (long start = 0; start < n; start += buf.length) {
            int len = (int) Math.min(buf.length, n - start);
            v.read(start, buf, 0, len);
            if (!Float.isFinite(KernelProvider.get().maxAbs(buf, 0, len))) {
                for (int i = 0; i < len; i++) {
                    if (!Float.isFinite(buf[i])) {
                        bad++;
                        first = first < 0 ? start + i : first;
                    }
                }
            }
        }
        return bad == 0 ? List.of() : List.of(Finding.error(t.name(), "dequant-nonfinite", bad + " dequantized values"
                + " are NaN or infinite (first at element " + first + ")"));
    }

    /** Per-layer SNR against the original; layers below --min-snr are errors. */
    private static List<CheckReport.Layer> againstOriginal(CheckOptions o, List<CheckReport.Layer> layers,
                                                           List<Finding> findings) throws Exception {
        CompareReport r = CompareJob.run(new CompareOptions(o.original(), o.checkpoint(), List.of(),
                Math.max(1, o.threads()), o.conventions(), o.progress()));
        Map<String, TensorResult> byName = new HashMap<>();
        r.layers().forEach(t -> byName.put(t.name(), t));
        List<CheckReport.Layer> out = new ArrayList<>();
        for (CheckReport.Layer l : layers) {
            TensorResult t = byName.get(l.name());
            double snr = t == null ? Double.NaN : t.metrics().snrDb();
            if (t != null && t.metrics().nonFinite() > 0) {
                findings.add(Finding.error(l.name(), "dequant-nonfinite", t.metrics().nonFinite()
                        + " values are NaN or infinite against the original"));
            }
            if (t != null && snr < o.minSnr()) {
                findings.add(Finding.error(l.name(), "low-snr", String.format(java.util.Locale.ROOT,
                        "SNR %.2f dB against the original, below --min-snr %.1f: this layer is likely to degrade the"
                                + " output (keep it in higher precision)", snr, o.minSnr())));
            }
            out.add(new CheckReport.Layer(l.name(), l.scheme(), snr, 0, List.of()));
        }
        for (var s : r.pairing().missingInQuantized()) {
            findings.add(Finding.warning(s, "missing", "in the original but not in the checked checkpoint"));
        }
        return out;
    }
}
