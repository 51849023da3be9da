package dev.qlens.formats.comfy;

import dev.qlens.core.tensor.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ComfyUI's {@code convrot_w4a4} (comfy-kitchen's {@code quantize_convrot_w4a4_weight}): the weight is
 * ConvRot-rotated in its dtype, then quantized per row to signed int4 in [-7, 7]:
 * {@code scale = max(amax, 1e-10) / 7} and {@code q = round(x / scale)}, all in the weight's dtype.
 * Stored: int4 pairs with the even column in the low nibble (int8 tensor {@code [out, in / 2]}) and the
 * float32 scales {@code [out]}. Needs {@code in % 64 == 0} and {@code in % g == 0}.
 */
final class ConvRotW4A4Codec extends LayerCodec {
    /** kitchen's int4 MMA group: the input width must be a multiple of it. */
    static final int QUANT_GROUP = 64;
    private final int convrot;

    /** Layer state: per-row scales (values of the compute dtype). */
    static final class Layer extends QLayer {
        float[] scale;

        Layer(String name, int rows, int cols, DType dtype, float[] x) {
            super(name, rows, cols, rows, cols, dtype, x);
        }
    }

    ConvRotW4A4Codec(int convrot) {
        ConvRot.checkGroup(convrot);
        this.convrot = convrot;
    }

    @Override
    public ComfyFormat format() {
        return ComfyFormat.CONVROT_W4A4;
    }

    @Override
    public String unsupported(long rows, long cols) {
        if (cols % QUANT_GROUP != 0) {
            return cols + " input columns are not a multiple of 64 (convrot_w4a4's int4 kernel needs it)";
        }
        if (cols % convrot != 0) {
            return cols + " input columns are not a multiple of the ConvRot group size " + convrot;
        }
        return null;
    }

    @Override
    public List<TensorLayout> layout(long rows, long cols) {
        return List.of(new TensorLayout("weight", DType.I8, new long[] {rows, cols / 2}),
                new TensorLayout("weight_scale", DType.F32, new long[] {rows}));
    }

    @Override
    public QLayer prepare(String name, float[] w, int rows, int cols, DType dtype) {
        checkFinite(name, w);
        return new Layer(name, rows, cols, dtype, ConvRot.rotate(w, rows, cols, convrot, dtype));
    }

    @Override
    public void chooseScales(QLayer layer, boolean search) {
        Layer l = (Layer) layer;
        l.scale = new float[l.rows];
        DType dt = l.dtype;
        IntClipSearch.ScaleRule rule = amax -> scaleOf(amax, dt);
        for (int r = 0; r < l.rows; r++) {
            float amax = absMax(l.x, r * l.cols, l.cols);
            l.scale[r] = search && amax > 0
                    ? IntClipSearch.best(l.x, r * l.cols, l.cols, amax, -7f, 7f, dt, rule) : rule.scale(amax);
        }
    }

    /** kitchen's row scale: max(amax, 1e-10) / 7, both steps rounded to the dtype. */
    static float scaleOf(float amax, DType dtype) {
        // clamp(min=1e-10) compares in float32 and stores the result in the dtype.
        float a = amax >= 1e-10f ? amax : TorchDtype.round(dtype, 1e-10f);
        return TorchDtype.round(dtype, a / 7f);
    }

    @Override
    public void encodeRange(QLayer layer, float[] values, int off, int start, int n) {
        Layer l = (Layer) layer;
        Int8TensorwiseCodec.quantizeRuns(values, off, start, n, l.cols, l.scale, l.dtype, -7f, 7f, l.codes);
    }

    @Override
    public void dequantizeRange(QLayer layer, int start, int n, float[] out, int off) {
        Layer l = (Layer) layer;
        for (int i = 0; i < n; i++) {
            out[off + i] = l.codes[start + i] * l.scale[(start + i) / l.cols];
        }
    }

    @Override
    public double[] targetHessian(QLayer layer, double[] h) {
        return convrot == 0 ? super.targetHessian(layer, h) : ConvRot.rotateSecondMoment(h, layer.cols, convrot);
    }

    @Override
    public float[] toOriginal(QLayer layer, float[] targetValues) {
        return ConvRot.rotate(targetValues, layer.rows, layer.cols, convrot, DType.F32);
    }

    @Override
    public List<StoredTensor> tensors(QLayer layer) {
        Layer l = (Layer) layer;
        byte[] packed = new byte[l.size() / 2];
        for (int i = 0; i < packed.length; i++) {
            packed[i] = (byte) ((l.codes[2 * i] & 0xF) | (l.codes[2 * i + 1] & 0xF) << 4);
        }
        List<StoredTensor> out = new ArrayList<>();
        out.add(new StoredTensor("weight", DType.I8, new long[] {l.rows, l.cols / 2}, packed));
        out.add(new StoredTensor("weight_scale", DType.F32, new long[] {l.rows}, Floats.toBytes(l.scale)));
        return out;
    }

    @Override
    public Map<String, Object> config(long rows, long cols) {
        Map<String, Object> m = new LinkedHashMap<>(super.config(rows, cols));
        m.put("convrot_groupsize", convrot);
        return m;
    }

    @Override
    public String granularity(QLayer layer) {
        return "per row, int4, ConvRot " + convrot;
    }
}
