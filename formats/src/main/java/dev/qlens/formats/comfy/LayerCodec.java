package dev.qlens.formats.comfy;

import dev.qlens.core.QlensException;
import dev.qlens.core.tensor.DType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ComfyUI weight format: how a 2-D weight becomes codes and scales (in comfy-kitchen's order of
 * operations), how the codes read back, and which tensors and {@code .comfy_quant} entries are
 * written. The steps are separate so that scale search and learned rounding can re-encode with fixed
 * scales: {@link #prepare}, {@link #chooseScales}, {@link #encode}, {@link #dequantize},
 * {@link #toOriginal}, {@link #tensors}.
 */
public abstract class LayerCodec {
    /** The format written. */
    public abstract ComfyFormat format();

    /** Why a {@code rows x cols} weight cannot be stored in this format, or null when it can. */
    public String unsupported(long rows, long cols) {
        return null;
    }

    /** The tensors written for a {@code rows x cols} weight, in file order (the JSON marker excluded). */
    public abstract List<TensorLayout> layout(long rows, long cols);

    /** Bytes of every tensor written for a {@code rows x cols} weight (codes and scales, JSON excluded). */
    public final long storedBytes(long rows, long cols) {
        long sum = 0;
        for (TensorLayout t : layout(rows, cols)) {
            sum += t.bytes();
        }
        return sum;
    }

    /**
     * Builds the target matrix from the original weight (row-major {@code rows x cols} float32 values,
     * exactly representable in {@code dtype}): padded, rotated and rounded to the compute dtype as the
     * format requires.
     *
     * @throws QlensException when a value is NaN or infinite (naming the layer and the index)
     */
    public QLayer prepare(String name, float[] w, int rows, int cols, DType dtype) {
        checkFinite(name, w);
        return new QLayer(name, rows, cols, rows, cols, dtype, w);
    }

    /** Computes the scales from the target values; with {@code search}, the error-minimizing ones the format allows. */
    public abstract void chooseScales(QLayer layer, boolean search);

    /** Encodes {@code values} (target domain, one per target element) with the layer's fixed scales into its codes. */
    public final void encode(QLayer layer, float[] values) {
        encodeRange(layer, values, 0, 0, layer.size());
    }

    /** The values the codes stand for, in the target domain (float32, code times scale). */
    public final void dequantize(QLayer layer, float[] out) {
        dequantizeRange(layer, 0, layer.size(), out, 0);
    }

    /**
     * Encodes target elements [start, start + n) (row-major) from {@code values[off .. off + n)} with the
     * layer's fixed scales, exactly as {@link #encode} computes them: every code depends only on its own
     * value and its scale, which lets GPTQ round one column at a time.
     */
    public abstract void encodeRange(QLayer layer, float[] values, int off, int start, int n);

    /** The values codes [start, start + n) stand for, into {@code out[off .. off + n)}. */
    public abstract void dequantizeRange(QLayer layer, int start, int n, float[] out, int off);

    /**
     * The input second moment {@code X^T X} of the target matrix, from the original layer's ({@code h},
     * origCols x origCols, row-major): padding columns, whose inputs are zero, get zero rows and columns;
     * rotated formats rotate it as they rotate the weight.
     */
    public double[] targetHessian(QLayer layer, double[] h) {
        int n = layer.origCols;
        int t = layer.cols;
        if (t == n) {
            return h.clone();
        }
        double[] out = new double[t * t];
        for (int i = 0; i < n; i++) {
            System.arraycopy(h, i * n, out, i * t, n);
        }
        return out;
    }

    /** Maps target-domain values back to the original weight (cropping padding, undoing rotation). */
    public float[] toOriginal(QLayer layer, float[] targetValues) {
        return targetValues;
    }

    /** The tensors written for the layer, in file order; suffixes follow the layer name and a dot. */
    public abstract List<StoredTensor> tensors(QLayer layer);

    /**
     * The {@code .comfy_quant} entries for a {@code rows x cols} weight, in the key order ComfyUI writes
     * (full_precision_matrix_mult excluded: the caller adds it).
     */
    public Map<String, Object> config(long rows, long cols) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format().cliName());
        return m;
    }

    /** The scale granularity, for reports (e.g. "per tensor", "per row, ConvRot 256"). */
    public abstract String granularity(QLayer layer);

    // ----------------------------------------------------------------------------------------
    // Streaming: formats whose target is the original layout and whose scales are per tensor or per
    // row can quantize chunk by chunk, without holding the layer as floats.

    /** Whether {@link #streamLayer}, {@link #observe}, {@link #finishScales} and {@link #encodeChunk} work. */
    public boolean streams() {
        return false;
    }

    /** A layer for streaming (codes only). */
    public QLayer streamLayer(String name, int rows, int cols, DType dtype) {
        throw new UnsupportedOperationException(format().cliName() + " does not stream");
    }

    /**
     * First pass: elements [start, start + n) of the original weight (row-major), in order; gathers
     * what the scales need. Values must be finite (checked by the caller).
     */
    public void observe(QLayer layer, long start, float[] v, int n) {
        throw new UnsupportedOperationException(format().cliName() + " does not stream");
    }

    /** After the first pass: computes the scales (round-to-nearest scales; no search). */
    public void finishScales(QLayer layer) {
        throw new UnsupportedOperationException(format().cliName() + " does not stream");
    }

    /**
     * Second pass: the codes of elements [start, start + n) (written into the layer) and their
     * dequantized values into dq[0 .. n), exactly as {@link #encode} and {@link #dequantize} compute them.
     */
    public void encodeChunk(QLayer layer, long start, float[] v, int n, float[] dq) {
        throw new UnsupportedOperationException(format().cliName() + " does not stream");
    }

    /** Quantizes with round-to-nearest at the format's scales (the plain path). */
    public final void quantize(QLayer layer, boolean scaleSearch) {
        chooseScales(layer, scaleSearch);
        encode(layer, layer.x);
    }

    /** Rejects NaN and infinities with the layer name and the first bad index. */
    static void checkFinite(String name, float[] w) {
        if (Float.isFinite(dev.qlens.core.kernel.KernelProvider.get().maxAbs(w, 0, w.length))) {
            return;
        }
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new QlensException(name + ": element " + i + " is " + w[i]
                        + "; a weight with NaN or infinite values cannot be quantized (exclude the layer or fix the source)");
            }
        }
    }

    /** Largest |x| over x[off .. off + n). */
    static float absMax(float[] x, int off, int n) {
        float m = 0;
        for (int i = off; i < off + n; i++) {
            m = Math.max(m, Math.abs(x[i]));
        }
        return m;
    }

    /** Copies the top-left rows x cols of a matrix with the given stride into a new dense array. */
    static float[] crop(float[] x, int stride, int rows, int cols) {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * stride, out, r * cols, cols);
        }
        return out;
    }

    /** Pads a rows x cols matrix with zeros to prows x pcols. */
    static float[] pad(float[] x, int rows, int cols, int prows, int pcols) {
        if (rows == prows && cols == pcols) {
            return x;
        }
        float[] out = new float[prows * pcols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * cols, out, r * pcols, cols);
        }
        return out;
    }

    /** Rounds n up to a multiple of m. */
    static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }
}
