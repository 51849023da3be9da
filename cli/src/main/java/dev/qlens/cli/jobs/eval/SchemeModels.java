package dev.qlens.cli.jobs.eval;

import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.model.BertModel;
import dev.qlens.core.model.FloatLinear;
import dev.qlens.core.model.Linear;
import dev.qlens.core.model.Weights;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.CheckpointWeights;
import dev.qlens.formats.convention.Convention;
import dev.qlens.formats.w8a8.Calibrator;
import dev.qlens.formats.w8a8.OrtInt8Linears;
import dev.qlens.formats.w8a8.QuantizedLinears;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Builds the model a {@link Scheme} runs: the float32 model with its linear layers (or weights) replaced. */
final class SchemeModels {
    private SchemeModels() {
    }

    /**
     * A model ready to run.
     *
     * @param model the model
     * @param description what the scheme does, for the report
     * @param clipping clipped activations per layer (W8A8 schemes), else null
     * @param notes remarks for the report (e.g. tensors taken from the float32 model)
     */
    record Built(BertModel model, String description, QuantizedLinears.Clipping clipping, List<String> notes) {
    }

    static Built build(Scheme s, EvalModel m, ActivationOptions act, Supplier<Map<String, Calibrator>> calibration,
                       MavenFetcher fetcher, Workers workers) throws IOException, InterruptedException {
        Gemm gemm = Gemm.using(workers);
        Linear.Factory fp32 = (name, w, out, in, bias) -> new FloatLinear(gemm, w, out, in, bias);
        switch (s.kind()) {
            case FP32:
                return new Built(m.load(fp32, workers), "float32 weights and activations (the reference)", null, List.of());
            case W8:
                return new Built(m.load(QuantizedLinears.w8(gemm, workers), workers),
                        "weights int8 per output channel (symmetric, amax / 127), activations float32", null, List.of());
            case W8A8_DYNAMIC: {
                QuantizedLinears.Clipping clip = new QuantizedLinears.Clipping();
                return new Built(m.load(QuantizedLinears.w8a8(layer -> act.dynamic(), workers, clip), workers),
                        "weights int8 per output channel; activations int8 " + act.describeDynamic()
                                + ", quantized per input; exact int32 GEMM", clip, List.of());
            }
            case W8A8_STATIC: {
                QuantizedLinears.Clipping clip = new QuantizedLinears.Clipping();
                return new Built(m.load(QuantizedLinears.w8a8(act.fixed(calibration.get()), workers, clip), workers),
                        "weights int8 per output channel; activations int8 " + act.describeStatic()
                                + " on the calibration texts; exact int32 GEMM", clip, List.of());
            }
            case WEIGHT_ONLY:
                return new Built(m.load(QuantizedLinears.weightOnly(s.format(), gemm), workers),
                        "weights fake-quantized in " + s.format().name() + " (" + s.format().description()
                                + "), activations float32", null, List.of());
            case ORT_INT8: {
                if (m.int8() == null) {
                    throw new QlensException("ort-int8 needs a built-in model; for " + m.name()
                            + " give ONNX Runtime's int8 model as a scheme path instead");
                }
                return checkpoint(fetcher.fetch(m.int8()), m, fp32, workers);
            }
            case CHECKPOINT:
                return checkpoint(s.checkpoint(), m, fp32, workers);
            default:
                throw new IllegalStateException(s.kind().toString());
        }
    }

    /**
     * A quantized checkpoint: ONNX Runtime int8 models run as ONNX Runtime runs them (uint8 dynamic
     * activations, exact integer product); any other checkpoint's weights are dequantized through its
     * convention and multiplied in float32. Tensors it lacks besides the linear weights come from the
     * float32 model (and are listed in the notes).
     */
    private static Built checkpoint(Path file, EvalModel m, Linear.Factory fp32, Workers workers) throws IOException {
        try (Checkpoint q = Checkpoints.open(file)) {
            CheckpointView view = CheckpointView.of(q);
            Weights own = new CheckpointWeights(view);
            Weights base = m.weights();
            for (String layer : m.linearNames()) {
                if (own.shape(layer + ".weight") == null) {
                    throw new QlensException(file + ": no tensor " + layer + ".weight; not a checkpoint of " + m.name());
                }
            }
            List<String> borrowed = new ArrayList<>();
            Weights merged = new Weights() {
                @Override
                public String displayName() {
                    return q.displayName();
                }

                @Override
                public long[] shape(String name) {
                    long[] s = own.shape(name);
                    return s != null ? s : base.shape(name);
                }

                @Override
                public float[] read(String name) throws IOException {
                    long[] s = own.shape(name);
                    long[] expected = base.shape(name);
                    if (s == null) {
                        borrowed.add(name);
                        return base.read(name);
                    }
                    if (expected != null && !Arrays.equals(s, expected)) {
                        throw new QlensException(file + ": " + name + " has shape " + Arrays.toString(s) + ", the model's is "
                                + Arrays.toString(expected));
                    }
                    return own.read(name);
                }
            };
            boolean ort = view.detected().contains(Convention.ONNXRUNTIME)
                    && q.tensor(m.linearNames().get(0) + ".weight_quantized") != null;
            QuantizedLinears.Clipping clip = ort ? new QuantizedLinears.Clipping() : null;
            Linear.Factory linears = ort ? OrtInt8Linears.of(q, workers, clip) : fp32;
            BertModel model;
            try {
                model = m.load(merged, linears, workers);
            } catch (IllegalArgumentException e) {
                throw new QlensException(file + ": " + e.getMessage());
            }
            List<String> notes = new ArrayList<>();
            if (!borrowed.isEmpty()) {
                notes.add(borrowed.size() + " tensors missing from " + file.getFileName() + " taken from the float32 model: "
                        + String.join(", ", borrowed));
            }
            notes.addAll(view.warnings());
            String what = ort ? "ONNX Runtime int8 model " + file.getFileName() + " run as ONNX Runtime runs it: stored"
                    + " int8 weight codes, activations uint8 per tensor quantized per input (DynamicQuantizeLinear),"
                    + " exact int32 GEMM; embeddings dequantized"
                    : "weights of " + file.getFileName() + " dequantized (" + describe(view.detected())
                    + "), activations float32";
            return new Built(model, what, clip, notes);
        }
    }

    private static String describe(java.util.Set<Convention> detected) {
        return detected.isEmpty() ? "stored as is" : "conventions " + detected.toString().toLowerCase(java.util.Locale.ROOT);
    }
}
