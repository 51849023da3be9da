package dev.qlens.formats.comfy;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * FP8 with one float32 scale per tensor ({@code float8_e4m3fn}, {@code float8_e5m2}, and the legacy
 * {@code scaled_fp8} layout), as ComfyUI's FP8 layout quantizes a weight: {@code scale =
 * float32(amax) / fp8_max} (for float16 weights the reciprocal is first clamped to float16's range),
 * then comfy-kitchen's {@code x * (1 / scale).to(x.dtype)} in the weight's dtype, clamped to the FP8
 * range and cast with round-to-nearest-even. Stored: codes, and the float32 scale as a 0-d tensor.
 *
 * <p>One deviation: an all-zero bf16 or float32 weight gets scale 0 there, and 0 times the infinite
 * reciprocal makes every code NaN. qlens writes zero codes with scale 1.0 instead.
 */
final class Fp8TensorCodec extends LayerCodec {
    private final ComfyFormat format;
    private final DType codeType;
    private final float max;

    /** Layer state: the stored scale and the reciprocal used for the product. */
    static final class Layer extends QLayer {
        float scale;
        float reciprocal;
        float amax;

        Layer(String name, int rows, int cols, DType dtype, float[] x) {
            super(name, rows, cols, rows, cols, dtype, x);
        }

        Layer(String name, int rows, int cols, DType dtype) {
            super(name, rows, cols, dtype);
        }
    }

    Fp8TensorCodec(ComfyFormat format) {
        this.format = format;
        this.codeType = format == ComfyFormat.FLOAT8_E5M2 ? DType.F8_E5M2 : DType.F8_E4M3;
        this.max = (float) codeType.floatFormat().maxFinite();
    }

    @Override
    public ComfyFormat format() {
        return format;
    }

    @Override
    public List<TensorLayout> layout(long rows, long cols) {
        String scaleName = format == ComfyFormat.SCALED_FP8 ? "scale_weight" : "weight_scale";
        return List.of(new TensorLayout("weight", codeType, new long[] {rows, cols}),
                new TensorLayout(scaleName, DType.F32, new long[0]));
    }

    @Override
    public QLayer prepare(String name, float[] w, int rows, int cols, DType dtype) {
        checkFinite(name, w);
        return new Layer(name, rows, cols, dtype, w);
    }

    @Override
    public boolean streams() {
        return true;
    }

    @Override
    public QLayer streamLayer(String name, int rows, int cols, DType dtype) {
        return new Layer(name, rows, cols, dtype);
    }

    @Override
    public void observe(QLayer layer, long start, float[] v, int n) {
        Layer l = (Layer) layer;
        l.amax = Math.max(l.amax, KernelProvider.get().maxAbs(v, 0, n));
    }

    @Override
    public void finishScales(QLayer layer) {
        Layer l = (Layer) layer;
        l.scale = scaleOf(l.amax, max, l.dtype);
        l.reciprocal = TorchDtype.round(l.dtype, 1f / l.scale);
    }

    @Override
    public void encodeChunk(QLayer layer, long start, float[] v, int n, float[] dq) {
        Layer l = (Layer) layer;
        Kernels k = KernelProvider.get();
        k.scaleToDtype(v, 0, l.reciprocal, false, l.dtype, dq, 0, n);
        k.encode(codeType, dq, 0, l.codes, (int) start, n, EncodeMode.SATURATING, 0);
        k.decode(codeType, l.codes, (int) start, dq, 0, n);
        for (int i = 0; i < n; i++) {
            dq[i] *= l.scale;
        }
    }

    @Override
    public void chooseScales(QLayer layer, boolean search) {
        Layer l = (Layer) layer;
        l.scale = scaleOf(KernelProvider.get().maxAbs(l.x, 0, l.size()), max, l.dtype);
        l.reciprocal = TorchDtype.round(l.dtype, 1f / l.scale);
    }

    /** ComfyUI's per-tensor FP8 scale for a weight whose largest magnitude is amax. */
    static float scaleOf(float amax, float fp8Max, DType dtype) {
        float scale = amax / fp8Max;
        if (dtype == DType.F16) {
            // ComfyUI keeps the reciprocal within float16's range, so tiny weights do not overflow it.
            float inv = 1f / scale;
            inv = Math.max(-65504f, Math.min(65504f, inv));
            scale = 1f / inv;
        }
        if (scale == 0f) {
            scale = 1f;
        }
        return scale;
    }

    @Override
    public void encodeRange(QLayer layer, float[] values, int off, int start, int count) {
        Layer l = (Layer) layer;
        Kernels k = KernelProvider.get();
        float[] t = new float[Math.min(count, 1 << 16)];
        for (int done = 0; done < count; done += t.length) {
            int n = Math.min(t.length, count - done);
            k.scaleToDtype(values, off + done, l.reciprocal, false, l.dtype, t, 0, n);
            // Saturating round-to-nearest-even equals clamp to +-max, then the cast.
            k.encode(codeType, t, 0, l.codes, start + done, n, EncodeMode.SATURATING, 0);
        }
    }

    @Override
    public void dequantizeRange(QLayer layer, int start, int n, float[] out, int off) {
        Layer l = (Layer) layer;
        KernelProvider.get().decode(codeType, l.codes, start, out, off, n);
        for (int i = off; i < off + n; i++) {
            out[i] *= l.scale;
        }
    }

    @Override
    public List<StoredTensor> tensors(QLayer layer) {
        Layer l = (Layer) layer;
        List<StoredTensor> out = new ArrayList<>();
        out.add(new StoredTensor("weight", codeType, new long[] {l.rows, l.cols}, l.codes));
        String scaleName = format == ComfyFormat.SCALED_FP8 ? "scale_weight" : "weight_scale";
        out.add(new StoredTensor(scaleName, DType.F32, new long[0], f32(l.scale)));
        return out;
    }

    @Override
    public String granularity(QLayer layer) {
        return "per tensor";
    }

    /** One float32 as 4 little-endian bytes. */
    static byte[] f32(float v) {
        byte[] b = new byte[4];
        LittleEndian.putInt(b, 0, Float.floatToRawIntBits(v));
        return b;
    }
}
