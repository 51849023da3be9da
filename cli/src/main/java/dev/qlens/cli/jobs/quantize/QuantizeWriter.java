package dev.qlens.cli.jobs.quantize;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.jobs.Lookahead;
import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.util.Progress;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.io.safetensors.SafetensorsWriter;
import dev.qlens.core.io.safetensors.SafetensorsWriter.TensorSpec;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.comfy.ComfyFormat;
import dev.qlens.formats.comfy.PythonJson;
import dev.qlens.formats.comfy.StoredTensor;
import dev.qlens.formats.comfy.TensorLayout;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes the output of {@code qlens quantize}: every input tensor in input order (quantized layers as
 * their codes, scales and {@code .comfy_quant} marker; kept layers and other tensors byte for byte; a
 * corrected bias right after its layer), the input's header metadata, and ComfyUI's
 * {@code _quantization_metadata} listing the layers of each file. Layers are quantized on worker
 * threads a few layers ahead of the writer, so memory holds only those layers.
 */
final class QuantizeWriter {
    private final Checkpoint c;
    private final CheckpointView view;
    private final QuantizeOptions o;
    private final Path output;
    private final List<LayerPlan> plans;
    private final LayerQuantizer quantizer;
    private final int threads;
    private final Map<String, ErrorMetrics> measured;
    private final Map<String, String> layerConfigs = new LinkedHashMap<>();
    private long bytesOut;

    QuantizeWriter(Checkpoint c, CheckpointView view, QuantizeOptions o, Path output, List<LayerPlan> plans,
                   LayerQuantizer quantizer, int threads, Map<String, ErrorMetrics> measured) {
        this.c = c;
        this.view = view;
        this.o = o;
        this.output = output;
        this.plans = plans;
        this.quantizer = quantizer;
        this.threads = threads;
        this.measured = measured;
    }

    private boolean marker = true;

    /** Leaves out the scaled_fp8 marker tensor (a shard other than the first: the set needs it once). */
    QuantizeWriter withoutMarker() {
        marker = false;
        return this;
    }

    long bytesOut() {
        return bytesOut;
    }

    /** Holds a layer's outcome from its first tensor's payload to its last. */
    private static final class Slot {
        LayerOutcome outcome;
    }

    List<Path> write(Consumer<QuantizeReport.Layer> onLayer) throws Exception {
        Set<String> movedBiases = movedBiases();
        List<LayerPlan> quantized = new ArrayList<>();
        List<Parallel.Task<LayerOutcome>> tasks = new ArrayList<>();
        for (LayerPlan p : plans) {
            if (p.action() == LayerPlan.Action.QUANTIZE) {
                int index = quantized.size();
                quantized.add(p);
                float[] bias = movedBiases.contains(biasName(p)) ? LayerQuantizer.readAll(view.tensor(biasName(p))) : null;
                tasks.add(() -> quantizer.quantize(quantized.get(index), bias));
            }
        }
        long totalIn = 0;
        for (LayerPlan p : plans) {
            totalIn += inputBytes(c, p);
        }
        SafetensorsWriter w = SafetensorsWriter.to(output).inputs(c.files()).overwrite(o.force())
                .maxShardBytes(o.shardBytes());
        Map<String, String> baseMeta = baseMetadata();
        w.metadataPerShard(names -> metadataFor(baseMeta, names));
        List<Path> written;
        try (Lookahead<LayerOutcome> ahead = new Lookahead<>(tasks, threads, threads + 1);
             Progress progress = Progress.start("quantize", totalIn, plans.size(), o.progress())) {
            int q = 0;
            for (LayerPlan p : plans) {
                if (p.action() == LayerPlan.Action.COPY && movedBiases.contains(p.name())) {
                    continue;
                }
                switch (p.action()) {
                    case DROP:
                        onLayer.accept(layer(p, null, 0));
                        progress.tensorDone();
                        break;
                    case QUANTIZE:
                        addQuantized(w, p, q++, ahead, movedBiases, progress, onLayer);
                        break;
                    default:
                        long b = addCopies(w, p, progress);
                        if (p.candidate()) {
                            onLayer.accept(layer(p, null, b));
                        }
                }
            }
            if (o.spec().format() == ComfyFormat.SCALED_FP8 && marker) {
                // The legacy marker: ComfyUI reads its element count, 2 meaning full-precision matmul for every layer.
                int n = o.fullPrecisionMm() ? 2 : 0;
                w.add(new TensorSpec("scaled_fp8", DType.F8_E4M3, new long[] {n}, sink -> sink.write(new byte[n], 0, n)));
            }
            written = w.write();
        }
        return written;
    }

    private void addQuantized(SafetensorsWriter w, LayerPlan p, int index, Lookahead<LayerOutcome> ahead,
                              Set<String> movedBiases, Progress progress, Consumer<QuantizeReport.Layer> onLayer) {
        List<TensorLayout> layout = LayerQuantizer.layout(p, o);
        Slot slot = new Slot();
        String layerName = LayerQuantizer.layerName(p.name());
        if (p.spec().format() != ComfyFormat.SCALED_FP8) {
            layerConfigs.put(layerName, PythonJson.dumps(LayerQuantizer.config(p)));
        }
        for (int j = 0; j < layout.size(); j++) {
            TensorLayout t = layout.get(j);
            int tensorIndex = j;
            boolean last = j == layout.size() - 1;
            w.add(new TensorSpec(t.suffix(), t.dtype(), t.shape(), sink -> {
                if (slot.outcome == null) {
                    try {
                        slot.outcome = ahead.get(index);
                    } catch (IOException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IOException(e);
                    }
                }
                StoredTensor s = slot.outcome.tensors().get(tensorIndex);
                if (!s.suffix().equals(t.suffix()) || s.data().length != t.bytes()) {
                    throw new IllegalStateException(p.name() + ": tensor " + s.suffix() + " does not match its planned layout");
                }
                sink.write(s.data(), 0, s.data().length);
                if (last) {
                    LayerOutcome done = slot.outcome;
                    onLayer.accept(layer(p, done.stats(), done.stats().bytes()));
                    progress.bytes(inputBytes(c, p));
                    progress.tensorDone();
                    if (done.correctedBias() == null) {
                        slot.outcome = null;
                    }
                }
            }));
            bytesOut += t.bytes();
        }
        String bias = biasName(p);
        if (movedBiases.contains(bias)) {
            TensorEntry e = c.tensor(bias);
            w.add(new TensorSpec(bias, e.dtype(), e.shape(), sink -> {
                float[] corrected = slot.outcome.correctedBias();
                slot.outcome = null;
                byte[] out = new byte[(int) e.byteSize()];
                KernelProvider.get().encode(e.dtype(), corrected, 0, out, 0, corrected.length, EncodeMode.DEFAULT, 0);
                sink.write(out, 0, out.length);
            }));
            bytesOut += e.byteSize();
        }
    }

    /** Copies the stored tensors behind a plan unchanged; returns their bytes. */
    private long addCopies(SafetensorsWriter w, LayerPlan p, Progress progress) {
        long sum = 0;
        for (String name : p.tensor().sources()) {
            TensorEntry e = c.tensor(name);
            w.add(new TensorSpec(name, e.dtype(), e.shape(), sink -> {
                byte[] buf = new byte[(int) Math.min(e.byteSize(), 8 << 20)];
                for (long off = 0; off < e.byteSize(); off += buf.length) {
                    int n = (int) Math.min(buf.length, e.byteSize() - off);
                    e.readBytes(off, buf, 0, n);
                    sink.write(buf, 0, n);
                }
                progress.bytes(e.byteSize());
            }));
            sum += e.byteSize();
        }
        bytesOut += sum;
        return sum;
    }

    /** Biases of quantized layers that bias correction rewrites (moved next to their layer). */
    private Set<String> movedBiases() {
        Set<String> out = new HashSet<>();
        if (o.biasCorrection() == null) {
            return out;
        }
        for (LayerPlan p : plans) {
            if (p.action() != LayerPlan.Action.QUANTIZE) {
                continue;
            }
            LogicalTensor b = view.tensor(biasName(p));
            if (b != null && b.kind() == LogicalTensor.Kind.PLAIN && b.storedDtype().isFloatingPoint()
                    && b.storedDtype() != DType.F64 && b.numel() == p.tensor().shape()[0] && c.tensor(b.name()) != null) {
                out.add(b.name());
            }
        }
        return out;
    }

    private static String biasName(LayerPlan p) {
        return LayerQuantizer.layerName(p.name()) + ".bias";
    }

    /** The input's metadata (safetensors only), without the ComfyUI entry that is rebuilt, plus qlens' note. */
    private Map<String, String> baseMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        if (!c.format().startsWith("onnx")) {
            m.putAll(c.metadata());
        }
        String old = m.remove("_quantization_metadata");
        if (old != null) {
            keepCopiedLayerEntries(old);
        }
        m.put("qlens_quantize", OutputNames.suffix(o).substring(1) + "; " + o.describeMethod());
        return m;
    }

    /** Entries of the input's _quantization_metadata for layers copied as they are. */
    private void keepCopiedLayerEntries(String json) {
        try {
            JsonElement root = JsonParser.parseString(json);
            JsonElement layers = root.isJsonObject() ? root.getAsJsonObject().get("layers") : null;
            if (layers == null || !layers.isJsonObject()) {
                return;
            }
            for (LayerPlan p : plans) {
                if (p.action() != LayerPlan.Action.QUANTIZE && p.tensor().kind() != LogicalTensor.Kind.PLAIN) {
                    String layer = LayerQuantizer.layerName(p.name());
                    JsonElement e = layers.getAsJsonObject().get(layer);
                    if (e != null) {
                        layerConfigs.put(layer, PythonJson.dumps(GsonValues.toJava(e)));
                    }
                }
            }
        } catch (RuntimeException ignored) {
            // an unreadable entry in the input is reported by the reader's warnings; nothing to keep
        }
    }

    /** A file's metadata: the base entries plus _quantization_metadata for the layers it holds. */
    private Map<String, String> metadataFor(Map<String, String> base, List<String> names) {
        Map<String, String> m = new LinkedHashMap<>(base);
        Set<String> here = new HashSet<>(names);
        StringBuilder layers = new StringBuilder();
        for (Map.Entry<String, String> e : layerConfigs.entrySet()) {
            if (here.contains(e.getKey() + ".weight")) {
                layers.append(layers.length() == 0 ? "" : ", ").append(PythonJson.dumps(e.getKey())).append(": ")
                        .append(e.getValue());
            }
        }
        if (layers.length() > 0) {
            m.put("_quantization_metadata", "{\"format_version\": \"1.0\", \"layers\": {" + layers + "}}");
        }
        if (o.spec().format() == ComfyFormat.SCALED_FP8) {
            m.remove("_quantization_metadata");
        }
        return m;
    }

    static long inputBytes(Checkpoint c, LayerPlan p) {
        long sum = 0;
        for (String s : p.tensor().sources()) {
            TensorEntry e = c.tensor(s);
            if (e != null) {
                sum += e.byteSize();
            }
        }
        return sum;
    }

    /** Bytes a plan writes (for dry runs). */
    static long plannedBytes(Checkpoint c, LayerPlan p, QuantizeOptions o) {
        switch (p.action()) {
            case DROP:
                return 0;
            case QUANTIZE:
                long sum = 0;
                for (TensorLayout t : LayerQuantizer.layout(p, o)) {
                    sum += t.bytes();
                }
                return sum;
            default:
                return inputBytes(c, p);
        }
    }

    /** The report entry of a candidate in a dry run, or null for plain copies. */
    static QuantizeReport.Layer plannedLayer(Checkpoint c, LayerPlan p, QuantizeOptions o, ErrorMetrics measured) {
        if (!p.candidate()) {
            return null;
        }
        return new QuantizeReport.Layer(p.name(), p.action().label(), p.spec() == null ? null : p.spec().describe(),
                p.reason(), p.tensor().shape(), dtypeName(p), inputBytes(c, p), plannedBytes(c, p, o), measured, null);
    }

    private QuantizeReport.Layer layer(LayerPlan p, LayerStats stats, long bytes) {
        ErrorMetrics m = stats != null ? stats.result() : measured.get(p.name());
        return new QuantizeReport.Layer(p.name(), p.action().label(), p.spec() == null ? null : p.spec().describe(),
                p.reason(), p.tensor().shape(), dtypeName(p), inputBytes(c, p), bytes, m, stats);
    }

    private static String dtypeName(LayerPlan p) {
        LogicalTensor t = p.tensor();
        return t.kind() == LogicalTensor.Kind.PLAIN ? t.storedDtype().name() : t.scheme();
    }
}
