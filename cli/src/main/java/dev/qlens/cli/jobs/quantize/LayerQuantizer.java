package dev.qlens.cli.jobs.quantize;

import dev.qlens.core.QlensException;
import dev.qlens.core.io.FloatView;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.metrics.ArrayComparison;
import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.comfy.CodecSpec;
import dev.qlens.formats.comfy.ComfyFormat;
import dev.qlens.formats.comfy.LayerCodec;
import dev.qlens.formats.comfy.LearnedRounding;
import dev.qlens.formats.comfy.PythonJson;
import dev.qlens.formats.comfy.QLayer;
import dev.qlens.formats.comfy.StoredTensor;
import dev.qlens.formats.comfy.TensorLayout;
import dev.qlens.formats.comfy.TorchDtype;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Quantizes one layer: reads its weight, runs the codec (round-to-nearest, then scale search and
 * learned rounding when asked), measures the error against the original exactly as {@code qlens
 * compare} will, and builds the tensors to write.
 */
public final class LayerQuantizer {
    private final QuantizeOptions o;
    private final Gemm gemm;
    private final CalibratedRounding calibrated;

    /**
     * @param gemm the matrix product learned rounding and GPTQ use
     * @param calibration the statistics of {@code o.calibration()}, or null
     */
    public LayerQuantizer(QuantizeOptions o, Gemm gemm, dev.qlens.formats.gptq.CalibrationFile calibration) {
        this.o = o;
        this.gemm = gemm;
        this.calibrated = calibration == null ? null : new CalibratedRounding(calibration, gemm);
    }

    /** The tensors a quantized layer writes, with full names, before any value is known. */
    public static List<TensorLayout> layout(LayerPlan p, QuantizeOptions o) {
        long[] s = p.tensor().shape();
        String layer = layerName(p.name());
        List<TensorLayout> out = new ArrayList<>();
        for (TensorLayout t : p.spec().codec().layout(s[0], s[1])) {
            out.add(new TensorLayout(layer + "." + t.suffix(), t.dtype(), t.shape()));
        }
        if (writesInputScale(p.spec(), o)) {
            String n = p.spec().format() == ComfyFormat.SCALED_FP8 ? "scale_input" : "input_scale";
            out.add(new TensorLayout(layer + "." + n, DType.F32, new long[0]));
        }
        if (p.spec().format() != ComfyFormat.SCALED_FP8) {
            out.add(new TensorLayout(layer + ".comfy_quant", DType.U8, new long[] {configBytes(p).length}));
        }
        return out;
    }

    /** The layer name: the weight name without {@code .weight}. */
    public static String layerName(String weightName) {
        return weightName.endsWith(".weight") ? weightName.substring(0, weightName.length() - 7) : weightName;
    }

    /** Whether the layer gets a static input scale (formats whose activations ComfyUI scales statically). */
    static boolean writesInputScale(CodecSpec spec, QuantizeOptions o) {
        if (o.inputScale() == null) {
            return false;
        }
        ComfyFormat f = spec.format();
        boolean fp8 = f == ComfyFormat.FLOAT8_E4M3FN || f == ComfyFormat.FLOAT8_E5M2 || f == ComfyFormat.SCALED_FP8;
        return fp8 || (f == ComfyFormat.NVFP4 && !o.inputScale().fromWeight());
    }

    /** The layer's {@code .comfy_quant} entries, in ComfyUI's key order. */
    public static Map<String, Object> config(LayerPlan p) {
        long[] s = p.tensor().shape();
        Map<String, Object> m = p.spec().codec().config(s[0], s[1]);
        if (p.fullPrecisionMm()) {
            m.put("full_precision_matrix_mult", true);
        }
        return m;
    }

    static byte[] configBytes(LayerPlan p) {
        return PythonJson.dumps(config(p)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Quantizes the layer.
     *
     * @param bias the layer's bias values when bias correction is on, else null
     */
    public LayerOutcome quantize(LayerPlan p, float[] bias) throws IOException {
        long t0 = System.nanoTime();
        LogicalTensor t = p.tensor();
        int rows = (int) t.shape()[0];
        int cols = (int) t.shape()[1];
        DType dtype = t.kind() == LogicalTensor.Kind.PLAIN ? TorchDtype.computeDtype(t.storedDtype()) : DType.F32;
        LayerCodec codec = p.spec().codec();
        String layer = layerName(p.name());
        if (codec.streams() && !o.scaleSearch() && o.learned() == null && bias == null && calibrated == null) {
            QLayer q = codec.streamLayer(p.name(), rows, cols, dtype);
            ErrorMetrics m = stream(t, codec, q);
            return outcome(p, codec, q, layer, m, m, null, false, null, t0, null, Double.NaN, Double.NaN);
        }
        float[] w = readAll(t);
        QLayer q;
        try {
            q = codec.prepare(p.name(), w, rows, cols, dtype);
        } catch (IllegalArgumentException e) {
            throw new QlensException(o.input() + ": layer " + layer + ": " + e.getMessage());
        }
        codec.quantize(q, false);
        float[] dq = new float[q.size()];
        ErrorMetrics rtn = measure(codec, q, w, dq);
        double outRtn = calibrated == null ? Double.NaN : calibrated.outputError(layer, q, w, codec.toOriginal(q, dq));
        ErrorMetrics result = rtn;
        if (o.scaleSearch()) {
            codec.quantize(q, true);
            result = measure(codec, q, w, dq);
        }
        dev.qlens.formats.gptq.Gptq.Outcome gptq = null;
        if (o.gptq() != null) {
            gptq = calibrated.gptq(layer, codec, q, o.gptq());
            result = measure(codec, q, w, dq);
        }
        LearnedRounding.Outcome learned = null;
        boolean reverted = false;
        if (o.learned() != null) {
            byte[] start = q.codes.clone();
            ErrorMetrics startMetrics = result;
            learned = new LearnedRounding(gemm).apply(codec, q, o.learned());
            result = measure(codec, q, w, dq);
            if (result.errorNorm() > startMetrics.errorNorm() && !o.allowWorse()) {
                System.arraycopy(start, 0, q.codes, 0, start.length);
                result = startMetrics;
                reverted = true;
            }
        }
        float[] corrected = null;
        if (bias != null && o.biasCorrection() != null) {
            codec.dequantize(q, dq);
            corrected = BiasCorrection.correct(w, codec.toOriginal(q, dq), bias, rows, cols, o.biasCorrection());
        }
        double out = Double.NaN;
        if (calibrated != null) {
            codec.dequantize(q, dq);
            out = calibrated.outputError(layer, q, w, codec.toOriginal(q, dq));
        }
        return outcome(p, codec, q, layer, rtn, result, learned, reverted, corrected, t0, gptq, outRtn, out);
    }

    private LayerOutcome outcome(LayerPlan p, LayerCodec codec, QLayer q, String layer, ErrorMetrics rtn,
                                 ErrorMetrics result, LearnedRounding.Outcome learned, boolean reverted, float[] corrected,
                                 long t0, dev.qlens.formats.gptq.Gptq.Outcome gptq, double outRtn, double out) {
        List<StoredTensor> tensors = new ArrayList<>();
        for (StoredTensor s : codec.tensors(q)) {
            tensors.add(new StoredTensor(layer + "." + s.suffix(), s.dtype(), s.shape(), s.data()));
        }
        if (writesInputScale(p.spec(), o)) {
            float v = o.inputScale().fromWeight() ? weightScale(tensors) : (float) o.inputScale().value();
            String n = p.spec().format() == ComfyFormat.SCALED_FP8 ? "scale_input" : "input_scale";
            byte[] b = new byte[4];
            dev.qlens.core.kernel.LittleEndian.putInt(b, 0, Float.floatToRawIntBits(v));
            tensors.add(new StoredTensor(layer + "." + n, DType.F32, new long[0], b));
        }
        if (p.spec().format() != ComfyFormat.SCALED_FP8) {
            byte[] json = configBytes(p);
            tensors.add(new StoredTensor(layer + ".comfy_quant", DType.U8, new long[] {json.length}, json));
        }
        long bytes = 0;
        for (StoredTensor s : tensors) {
            bytes += s.data().length;
        }
        LayerStats stats = new LayerStats(rtn, result, codec.granularity(q), learned, reverted, corrected != null, bytes,
                (System.nanoTime() - t0) / 1e9, gptq, outRtn, out);
        return new LayerOutcome(tensors, corrected, stats);
    }

    /** Elements per streamed chunk: whole units of compare's summation order. */
    private static final int STREAM_CHUNK = 4 * ErrorMetrics.SUM_CHUNK;

    /**
     * Round-to-nearest in two streamed passes over the weight (scales, then codes and error), holding
     * only the codes: the fast path of formats with per-tensor or per-row scales.
     */
    private static ErrorMetrics stream(LogicalTensor t, LayerCodec codec, QLayer q) throws IOException {
        FloatView v = t.open();
        long n = t.numel();
        float[] buf = new float[(int) Math.min(STREAM_CHUNK, n)];
        float[] dq = new float[buf.length];
        dev.qlens.core.kernel.Kernels k = KernelProvider.get();
        for (long start = 0; start < n; start += buf.length) {
            int len = (int) Math.min(buf.length, n - start);
            read(t, v, start, buf, len);
            if (!Float.isFinite(k.maxAbs(buf, 0, len))) {
                for (int i = 0; i < len; i++) {
                    if (!Float.isFinite(buf[i])) {
                        throw new QlensException(t.name() + ": element " + (start + i) + " is " + buf[i] + "; a weight"
                                + " with NaN or infinite values cannot be quantized (exclude the layer or fix the source)");
                    }
                }
            }
            codec.observe(q, start, buf, len);
        }
        codec.finishScales(q);
        dev.qlens.core.kernel.ErrorSums total = new dev.qlens.core.kernel.ErrorSums();
        for (long start = 0; start < n; start += buf.length) {
            int len = (int) Math.min(buf.length, n - start);
            read(t, v, start, buf, len);
            codec.encodeChunk(q, start, buf, len, dq);
            for (int s = 0; s < len; s += ErrorMetrics.SUM_CHUNK) {
                dev.qlens.core.kernel.ErrorSums part = new dev.qlens.core.kernel.ErrorSums();
                k.errorSums(buf, s, dq, s, Math.min(ErrorMetrics.SUM_CHUNK, len - s), part);
                total.add(part);
            }
        }
        return ErrorMetrics.of(total);
    }

    private static void read(LogicalTensor t, FloatView v, long start, float[] dst, int n) throws IOException {
        try {
            v.read(start, dst, 0, n);
        } catch (IOException | RuntimeException e) {
            throw new IOException(t.origin() + ": cannot read tensor '" + t.name() + "': " + e.getMessage(), e);
        }
    }

    /** The per-tensor weight scale among the layer's tensors (FP8 formats). */
    private static float weightScale(List<StoredTensor> tensors) {
        for (StoredTensor s : tensors) {
            if (s.suffix().endsWith(".weight_scale") || s.suffix().endsWith(".scale_weight")) {
                return Float.intBitsToFloat(dev.qlens.core.kernel.LittleEndian.getInt(s.data(), 0));
            }
        }
        throw new IllegalStateException("no per-tensor weight scale to copy into input_scale");
    }

    /**
     * Error of the codes now in the layer against the original weight, as compare measures it (the
     * fields from the error sums; the relative-error percentiles are left to compare).
     */
    private static ErrorMetrics measure(LayerCodec codec, QLayer q, float[] w, float[] dq) {
        codec.dequantize(q, dq);
        return ArrayComparison.errorSumsOnly(KernelProvider.get(), w, codec.toOriginal(q, dq));
    }

    /** Reads a whole tensor (up to 2^31 - 1 elements) in chunks. */
    static float[] readAll(LogicalTensor t) throws IOException {
        long n = t.numel();
        float[] out = new float[Math.toIntExact(n)];
        FloatView v = t.open();
        int chunk = 1 << 20;
        for (int i = 0; i < out.length; i += chunk) {
            int len = Math.min(chunk, out.length - i);
            try {
                v.read(i, out, i, len);
            } catch (IOException | RuntimeException e) {
                throw new IOException(t.origin() + ": cannot read tensor '" + t.name() + "': " + e.getMessage(), e);
            }
        }
        return out;
    }
}
