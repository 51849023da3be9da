package dev.qlens.formats.comfy;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.convention.BlockedScaleLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's {@code mxfp8} (comfy-kitchen's {@code quantize_mxfp8}): the weight is padded with zeros to
 * multiples of 32; each block of 32 along a row gets the E8M0 exponent {@code ceil(log2(max(amax / 448,
 * 2^-127))) + 127} clamped to [0, 254] (code 0 for an all-zero block), the elements are divided by
 * {@code 2^(e - 127)}, clamped to +-448 and rounded to E4M3. Because the exponent is a ceiling, no element
 * is clipped. Stored: E4M3 codes and the E8M0 exponents in the cuBLAS blocked layout.
 *
 * <p>kitchen's CUDA kernel takes the exact ceiling; its CPU path goes through a float32 {@code log2},
 * which can be one lower when amax / 448 lies a few ulps above a power of two. qlens takes the exact
 * ceiling (the CUDA path). A non-zero block so small that its exponent code is 0 (amax below
 * 448 * 2^-127) is scaled by 2^-127, the value E8M0 code 0 stands for.
 *
 * <p>Scale search tries the floor exponent (one lower, clipping the largest elements) next to the
 * ceiling and keeps the one with the smaller squared error over the block.
 */
final class Mxfp8LayerCodec extends LayerCodec {
    static final int BLOCK = 32;
    private static final FloatFormat E4M3 = FloatFormat.FP8_E4M3FN;
    private static final float MIN_SCALE = Float.intBitsToFloat(0x00400000); // 2^-127

    /** Layer state: one E8M0 code per block. */
    static final class Layer extends QLayer {
        byte[] exponents;
        boolean[] zero;

        Layer(String name, int rows, int cols, int origRows, int origCols, DType dtype, float[] x) {
            super(name, rows, cols, origRows, origCols, dtype, x);
        }
    }

    @Override
    public ComfyFormat format() {
        return ComfyFormat.MXFP8;
    }

    @Override
    public List<TensorLayout> layout(long rows, long cols) {
        long r = roundUp(rows, BLOCK);
        long c = roundUp(cols, BLOCK);
        return List.of(new TensorLayout("weight", DType.F8_E4M3, new long[] {r, c}),
                new TensorLayout("weight_scale", DType.F8_E8M0,
                        new long[] {BlockedScaleLayout.paddedRows(r), BlockedScaleLayout.paddedCols(c / BLOCK)}));
    }

    @Override
    public QLayer prepare(String name, float[] w, int rows, int cols, DType dtype) {
        checkFinite(name, w);
        int pr = (int) roundUp(rows, BLOCK);
        int pc = (int) roundUp(cols, BLOCK);
        return new Layer(name, pr, pc, rows, cols, dtype, pad(w, rows, cols, pr, pc));
    }

    @Override
    public void chooseScales(QLayer layer, boolean search) {
        Layer l = (Layer) layer;
        int blocks = l.size() / BLOCK;
        l.exponents = new byte[blocks];
        l.zero = new boolean[blocks];
        for (int b = 0; b < blocks; b++) {
            float bmax = absMax(l.x, b * BLOCK, BLOCK);
            l.zero[b] = bmax == 0f;
            int e = bmax == 0f ? 0 : ceilExponent(bmax);
            if (search && e > 1 && blockError(l.x, b * BLOCK, e - 1) < blockError(l.x, b * BLOCK, e)) {
                e--;
            }
            l.exponents[b] = (byte) e;
        }
    }

    /** The biased E8M0 exponent: ceil(log2(max(amax / 448, 2^-127))) + 127, clamped to [0, 254]. */
    static int ceilExponent(float amax) {
        float s = Math.max(amax / 448f, MIN_SCALE);
        int bits = Float.floatToRawIntBits(s);
        int biased = bits >>> 23;
        int mantissa = bits & 0x7FFFFF;
        int e;
        if (biased == 0) {
            // Subnormal: s = mantissa * 2^-149.
            int floor = 31 - Integer.numberOfLeadingZeros(mantissa) - 149;
            e = Integer.bitCount(mantissa) == 1 ? floor : floor + 1;
        } else {
            e = biased - 127 + (mantissa == 0 ? 0 : 1);
        }
        return Math.max(0, Math.min(254, e + 127));
    }

    /** The float32 the elements of a block with exponent code e are divided by. */
    static float scale(int e) {
        return e == 0 ? MIN_SCALE : Float.intBitsToFloat(e << 23);
    }

    private static double blockError(float[] x, int off, int e) {
        float s = scale(e);
        double err = 0;
        for (int i = 0; i < BLOCK; i++) {
            float q = E4M3.decode(E4M3.encode(x[off + i] / s, Rounding.NEAREST_EVEN, true, Compat.ML_DTYPES, 0));
            double d = (double) (q * s) - x[off + i];
            err += d * d;
        }
        return err;
    }

    @Override
    public void encodeRange(QLayer layer, float[] values, int off, int start, int count) {
        Layer l = (Layer) layer;
        Kernels k = KernelProvider.get();
        float[] t = new float[Math.min(count, 1 << 16)];
        for (int done = 0; done < count; done += t.length) {
            int n = Math.min(t.length, count - done);
            for (int i = 0; i < n; i++) {
                int b = (start + done + i) / BLOCK;
                // kitchen writes +0 for every element of an all-zero block.
                t[i] = l.zero[b] ? 0f : values[off + done + i] / scale(l.exponents[b] & 0xFF);
            }
            k.encode(DType.F8_E4M3, t, 0, l.codes, start + done, n, EncodeMode.SATURATING, 0);
        }
    }

    @Override
    public void dequantizeRange(QLayer layer, int start, int n, float[] out, int off) {
        Layer l = (Layer) layer;
        KernelProvider.get().decode(DType.F8_E4M3, l.codes, start, out, off, n);
        for (int i = 0; i < n; i++) {
            out[off + i] *= scale(l.exponents[(start + i) / BLOCK] & 0xFF);
        }
    }

    @Override
    public float[] toOriginal(QLayer layer, float[] targetValues) {
        return layer.rows == layer.origRows && layer.cols == layer.origCols ? targetValues
                : crop(targetValues, layer.cols, layer.origRows, layer.origCols);
    }

    @Override
    public List<StoredTensor> tensors(QLayer layer) {
        Layer l = (Layer) layer;
        int bpr = l.cols / BLOCK;
        List<StoredTensor> out = new ArrayList<>();
        out.add(new StoredTensor("weight", DType.F8_E4M3, new long[] {l.rows, l.cols}, l.codes));
        out.add(new StoredTensor("weight_scale", DType.F8_E8M0,
                new long[] {BlockedScaleLayout.paddedRows(l.rows), BlockedScaleLayout.paddedCols(bpr)},
                BlockedScaleLayout.swizzle(l.exponents, l.rows, bpr)));
        return out;
    }

    @Override
    public String granularity(QLayer layer) {
        return "block 1x32, E8M0 scales";
    }
}
