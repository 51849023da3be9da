package dev.qlens.formats.comfy;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed tool's own layouts, which only its ComfyUI-QuantOps custom node loads (mainline ComfyUI
 * raises KeyError): {@code float8_e4m3fn_rowwise} (scale per row, {@code [out]}),
 * {@code float8_e4m3fn_blockwise} and {@code int8_blockwise} (scale per {@code group_size x group_size}
 * tile, {@code [out / g, in / g]}). The seed's float32 arithmetic: FP8 uses {@code q = e4m3(clamp(w *
 * 448 / max(amax, 1e-12)))} and stores the reciprocal of that factor; INT8 uses {@code scale =
 * max(amax / 127, 1e-8)} and {@code q = round_half_even(clamp(w / scale, -127, 127))}. Like the seed,
 * a block FP8 layer whose dimensions are not multiples of the group size falls back to rowwise.
 */
final class CtqBlockCodec extends LayerCodec {
    private final ComfyFormat format;
    private final int group;

    /** Layer state: the row or tile geometry and one stored scale per group. */
    static final class Layer extends QLayer {
        boolean rowwise;
        float[] scale;
        float[] factor;

        Layer(String name, int rows, int cols, float[] x) {
            super(name, rows, cols, rows, cols, DType.F32, x);
        }
    }

    CtqBlockCodec(ComfyFormat format, int group) {
        if (group < 1) {
            throw new IllegalArgumentException("group size must be positive, not " + group);
        }
        this.format = format;
        this.group = group;
    }

    @Override
    public ComfyFormat format() {
        return format;
    }

    private boolean tiled(long rows, long cols) {
        return format != ComfyFormat.FLOAT8_E4M3FN_ROWWISE && rows % group == 0 && cols % group == 0;
    }

    @Override
    public String unsupported(long rows, long cols) {
        if (format == ComfyFormat.INT8_BLOCKWISE && !tiled(rows, cols)) {
            return "shape " + rows + " x " + cols + " is not a multiple of the group size " + group;
        }
        return null;
    }

    @Override
    public List<TensorLayout> layout(long rows, long cols) {
        DType codes = format == ComfyFormat.INT8_BLOCKWISE ? DType.I8 : DType.F8_E4M3;
        long[] scaleShape = tiled(rows, cols) ? new long[] {rows / group, cols / group} : new long[] {rows};
        return List.of(new TensorLayout("weight", codes, new long[] {rows, cols}),
                new TensorLayout("weight_scale", DType.F32, scaleShape));
    }

    @Override
    public QLayer prepare(String name, float[] w, int rows, int cols, DType dtype) {
        checkFinite(name, w);
        Layer l = new Layer(name, rows, cols, w);
        l.rowwise = !tiled(rows, cols);
        return l;
    }

    private int groupOf(Layer l, int i) {
        int r = i / l.cols;
        if (l.rowwise) {
            return r;
        }
        return (r / group) * (l.cols / group) + (i % l.cols) / group;
    }

    @Override
    public void chooseScales(QLayer layer, boolean search) {
        Layer l = (Layer) layer;
        int groups = l.rowwise ? l.rows : (l.rows / group) * (l.cols / group);
        float[] amax = new float[groups];
        for (int i = 0; i < l.size(); i++) {
            int g = groupOf(l, i);
            amax[g] = Math.max(amax[g], Math.abs(l.x[i]));
        }
        l.scale = new float[groups];
        l.factor = new float[groups];
        for (int g = 0; g < groups; g++) {
            if (format == ComfyFormat.INT8_BLOCKWISE) {
                l.scale[g] = Math.max(amax[g] / 127f, 1e-8f);
                l.factor[g] = l.scale[g];
            } else {
                l.factor[g] = 448f / Math.max(amax[g], 1e-12f);
                l.scale[g] = 1f / l.factor[g];
            }
        }
    }

    @Override
    public void encodeRange(QLayer layer, float[] values, int off, int start, int n) {
        Layer l = (Layer) layer;
        if (format == ComfyFormat.INT8_BLOCKWISE) {
            for (int i = 0; i < n; i++) {
                float q = Math.max(-127f, Math.min(127f, values[off + i] / l.factor[groupOf(l, start + i)]));
                l.codes[start + i] = (byte) (int) Math.rint(q);
            }
            return;
        }
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = values[off + i] * l.factor[groupOf(l, start + i)];
        }
        KernelProvider.get().encode(DType.F8_E4M3, t, 0, l.codes, start, n, EncodeMode.SATURATING, 0);
    }

    @Override
    public void dequantizeRange(QLayer layer, int start, int n, float[] out, int off) {
        Layer l = (Layer) layer;
        if (format == ComfyFormat.INT8_BLOCKWISE) {
            for (int i = 0; i < n; i++) {
                out[off + i] = l.codes[start + i] * l.scale[groupOf(l, start + i)];
            }
            return;
        }
        KernelProvider.get().decode(DType.F8_E4M3, l.codes, start, out, off, n);
        for (int i = 0; i < n; i++) {
            out[off + i] *= l.scale[groupOf(l, start + i)];
        }
    }

    @Override
    public List<StoredTensor> tensors(QLayer layer) {
        Layer l = (Layer) layer;
        DType codes = format == ComfyFormat.INT8_BLOCKWISE ? DType.I8 : DType.F8_E4M3;
        long[] scaleShape = l.rowwise ? new long[] {l.rows} : new long[] {l.rows / group, l.cols / group};
        List<StoredTensor> out = new ArrayList<>();
        out.add(new StoredTensor("weight", codes, new long[] {l.rows, l.cols}, l.codes));
        out.add(new StoredTensor("weight_scale", DType.F32, scaleShape, Floats.toBytes(l.scale)));
        return out;
    }

    @Override
    public Map<String, Object> config(long rows, long cols) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!tiled(rows, cols)) {
            m.put("format", ComfyFormat.FLOAT8_E4M3FN_ROWWISE.cliName());
        } else {
            m.put("format", format.cliName());
            m.put("group_size", group);
        }
        return m;
    }

    @Override
    public String granularity(QLayer layer) {
        Layer l = (Layer) layer;
        return l.rowwise ? "per row" : "block " + group + "x" + group;
    }
}
