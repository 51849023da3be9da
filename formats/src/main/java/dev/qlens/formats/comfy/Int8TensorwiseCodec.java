package dev.qlens.formats.comfy;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.tensor.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ComfyUI's {@code int8_tensorwise}: int8 codes with a float32 scale per tensor (a 0-d tensor) or per
 * row ({@code [out, 1]}), optionally on a ConvRot-rotated weight (per row only). comfy-kitchen's order
 * of operations: {@code scale = max(float32(amax) / 127, 1e-30)}; the quotient {@code x / scale} is taken
 * in the weight's dtype (the scale rounded to it first, 0 replaced by the dtype's smallest normal),
 * rounded half to even and clamped to [-128, 127].
 */
final class Int8TensorwiseCodec extends LayerCodec {
    private final boolean perRow;
    private final int convrot;

    /** Layer state: stored scales (one, or one per row) and the divisors in the compute dtype. */
    static final class Layer extends QLayer {
        float[] scale;
        float[] divisor;
        float[] amax;

        Layer(String name, int rows, int cols, DType dtype, float[] x) {
            super(name, rows, cols, rows, cols, dtype, x);
        }

        Layer(String name, int rows, int cols, DType dtype) {
            super(name, rows, cols, dtype);
        }
    }

    /**
     * @param perRow one scale per row
     * @param convrot ConvRot group size, or 0 for none (needs perRow)
     */
    Int8TensorwiseCodec(boolean perRow, int convrot) {
        if (convrot != 0) {
            ConvRot.checkGroup(convrot);
            if (!perRow) {
                throw new IllegalArgumentException("ConvRot needs per-row scales (--scaling-mode row), as ComfyUI requires");
            }
        }
        this.perRow = perRow;
        this.convrot = convrot;
    }

    @Override
    public ComfyFormat format() {
        return ComfyFormat.INT8_TENSORWISE;
    }

    @Override
    public String unsupported(long rows, long cols) {
        if (convrot != 0 && cols % convrot != 0) {
            return cols + " input columns are not a multiple of the ConvRot group size " + convrot;
        }
        return null;
    }

    @Override
    public List<TensorLayout> layout(long rows, long cols) {
        return List.of(new TensorLayout("weight", DType.I8, new long[] {rows, cols}),
                new TensorLayout("weight_scale", DType.F32, perRow ? new long[] {rows, 1} : new long[0]));
    }

    @Override
    public QLayer prepare(String name, float[] w, int rows, int cols, DType dtype) {
        checkFinite(name, w);
        float[] x = convrot == 0 ? w : ConvRot.rotate(w, rows, cols, convrot, dtype);
        return new Layer(name, rows, cols, dtype, x);
    }

    @Override
    public boolean streams() {
        return convrot == 0;
    }

    @Override
    public QLayer streamLayer(String name, int rows, int cols, DType dtype) {
        Layer l = new Layer(name, rows, cols, dtype);
        l.amax = new float[perRow ? rows : 1];
        return l;
    }

    @Override
    public void observe(QLayer layer, long start, float[] v, int n) {
        Layer l = (Layer) layer;
        Kernels k = KernelProvider.get();
        if (!perRow) {
            l.amax[0] = Math.max(l.amax[0], k.maxAbs(v, 0, n));
            return;
        }
        for (int done = 0; done < n; ) {
            int row = (int) ((start + done) / l.cols);
            int len = (int) Math.min(n - done, (long) (row + 1) * l.cols - (start + done));
            l.amax[row] = Math.max(l.amax[row], k.maxAbs(v, done, len));
            done += len;
        }
    }

    @Override
    public void finishScales(QLayer layer) {
        Layer l = (Layer) layer;
        l.scale = new float[l.amax.length];
        l.divisor = new float[l.amax.length];
        for (int g = 0; g < l.amax.length; g++) {
            l.scale[g] = scaleOf(l.amax[g]);
            l.divisor[g] = divisor(l.scale[g], l.dtype);
        }
    }

    @Override
    public void encodeChunk(QLayer layer, long start, float[] v, int n, float[] dq) {
        Layer l = (Layer) layer;
        Kernels k = KernelProvider.get();
        int len0 = perRow ? l.cols : l.size();
        for (int done = 0; done < n; ) {
            int g = (int) ((start + done) / len0);
            int len = (int) Math.min(n - done, (long) (g + 1) * len0 - (start + done));
            k.scaleToDtype(v, done, l.divisor[g], true, l.dtype, dq, done, len);
            k.roundToInt8(dq, done, -128f, 127f, l.codes, (int) (start + done), len);
            float s = l.scale[g];
            for (int i = done; i < done + len; i++) {
                dq[i] = l.codes[(int) start + i] * s;
            }
            done += len;
        }
    }

    @Override
    public void chooseScales(QLayer layer, boolean search) {
        Layer l = (Layer) layer;
        int groups = perRow ? l.rows : 1;
        int len = perRow ? l.cols : l.size();
        l.scale = new float[groups];
        l.divisor = new float[groups];
        for (int g = 0; g < groups; g++) {
            float amax = KernelProvider.get().maxAbs(l.x, g * len, len);
            float best = scaleOf(amax);
            if (search && amax > 0) {
                best = IntClipSearch.best(l.x, g * len, len, amax, -128f, 127f, l.dtype, Int8TensorwiseCodec::scaleOf);
            }
            l.scale[g] = best;
            l.divisor[g] = divisor(best, l.dtype);
        }
    }

    /** kitchen's scale for a group whose largest magnitude is amax. */
    static float scaleOf(float amax) {
        return Math.max(amax / 127f, 1e-30f);
    }

    /** The scale as kitchen divides by it: rounded to the dtype, 0 replaced by the smallest normal. */
    static float divisor(float scale, DType dtype) {
        float d = TorchDtype.round(dtype, scale);
        return d == 0f ? TorchDtype.tiny(dtype) : d;
    }

    @Override
    public void encodeRange(QLayer layer, float[] values, int off, int start, int n) {
        Layer l = (Layer) layer;
        quantizeRuns(values, off, start, n, perRow ? l.cols : l.size(), l.divisor, l.dtype, -128f, 127f, l.codes);
    }

    /**
     * Elements [start, start + n) from values[off ..], each divided by the divisor of its group of
     * {@code groupLength} consecutive elements.
     */
    static void quantizeRuns(float[] v, int off, int start, int n, int groupLength, float[] divisor, DType dtype,
                             float lo, float hi, byte[] codes) {
        int done = 0;
        while (done < n) {
            int g = (start + done) / groupLength;
            int len = Math.min(n - done, (g + 1) * groupLength - (start + done));
            quantizeRun(v, off + done, start + done, len, divisor[g], dtype, lo, hi, codes);
            done += len;
        }
    }

    /** q = clamp(rint(round_dtype(v / divisor)), lo, hi) for a run of values, in pieces through the kernels. */
    static void quantizeRun(float[] v, int off, int start, int n, float divisor, DType dtype, float lo, float hi,
                            byte[] codes) {
        Kernels k = KernelProvider.get();
        float[] t = new float[Math.min(n, 1 << 14)];
        for (int done = 0; done < n; done += t.length) {
            int len = Math.min(t.length, n - done);
            k.scaleToDtype(v, off + done, divisor, true, dtype, t, 0, len);
            k.roundToInt8(t, 0, lo, hi, codes, start + done, len);
        }
    }

    @Override
    public void dequantizeRange(QLayer layer, int start, int n, float[] out, int off) {
        Layer l = (Layer) layer;
        int len = perRow ? l.cols : l.size();
        for (int i = 0; i < n; i++) {
            out[off + i] = l.codes[start + i] * l.scale[(start + i) / len];
        }
    }

    @Override
    public double[] targetHessian(QLayer layer, double[] h) {
        return convrot == 0 ? super.targetHessian(layer, h) : ConvRot.rotateSecondMoment(h, layer.cols, convrot);
    }

    @Override
    public float[] toOriginal(QLayer layer, float[] targetValues) {
        return convrot == 0 ? targetValues : ConvRot.rotate(targetValues, layer.rows, layer.cols, convrot, DType.F32);
    }

    @Override
    public List<StoredTensor> tensors(QLayer layer) {
        Layer l = (Layer) layer;
        List<StoredTensor> out = new ArrayList<>();
        out.add(new StoredTensor("weight", DType.I8, new long[] {l.rows, l.cols}, l.codes));
        long[] shape = perRow ? new long[] {l.rows, 1} : new long[0];
        out.add(new StoredTensor("weight_scale", DType.F32, shape, Floats.toBytes(l.scale)));
        return out;
    }

    @Override
    public Map<String, Object> config(long rows, long cols) {
        Map<String, Object> m = new LinkedHashMap<>(super.config(rows, cols));
        if (convrot != 0) {
            m.put("convrot", true);
            m.put("convrot_groupsize", convrot);
        }
        return m;
    }

    @Override
    public String granularity(QLayer layer) {
        return (perRow ? "per row" : "per tensor") + (convrot != 0 ? ", ConvRot " + convrot : "");
    }
}
