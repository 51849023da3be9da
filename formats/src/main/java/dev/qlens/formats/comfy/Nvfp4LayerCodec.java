package dev.qlens.formats.comfy;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.convention.BlockedScaleLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's {@code nvfp4} (comfy-kitchen's {@code quantize_nvfp4}): the weight is padded with zeros to
 * multiples of 16; the per-tensor scale is {@code amax / (448 * 6)} computed in the weight's dtype; each
 * block of 16 gets the E4M3 scale {@code min(float32(block_amax) / 6 / global, 448)} (round-to-nearest-even),
 * the elements are divided by {@code global * scale} in float32, clamped to +-6 and rounded to E2M1 (an
 * all-zero block gives codes 0). Stored: E2M1 pairs with the even element in the high nibble, the block
 * scales in the cuBLAS blocked layout, and the float32 per-tensor scale {@code weight_scale_2}.
 *
 * <p>Deviations, where kitchen's arithmetic breaks down: an all-zero weight (global scale 0, every code
 * NaN there) is written with zero codes and {@code weight_scale_2} = 1; a float16 weight so small that its
 * global scale underflows float16 gets the global scale computed in float32.
 *
 * <p>Scale search picks, per block, the E4M3 scale of {@code amax / 6} or {@code amax / 4} ("four over
 * six"), whichever reconstructs the block with the smaller squared error.
 */
final class Nvfp4LayerCodec extends LayerCodec {
    static final int BLOCK = 16;
    private static final FloatFormat E4M3 = FloatFormat.FP8_E4M3FN;
    private static final FloatFormat E2M1 = FloatFormat.FP4_E2M1;

    /** Layer state: global scale, E4M3 block-scale codes and the float32 totals global * scale. */
    static final class Layer extends QLayer {
        float global;
        byte[] blockCodes;
        float[] total;

        Layer(String name, int rows, int cols, int origRows, int origCols, DType dtype, float[] x) {
            super(name, rows, cols, origRows, origCols, dtype, x);
        }

        int blocksPerRow() {
            return cols / BLOCK;
        }
    }

    @Override
    public ComfyFormat format() {
        return ComfyFormat.NVFP4;
    }

    @Override
    public List<TensorLayout> layout(long rows, long cols) {
        long r = roundUp(rows, BLOCK);
        long c = roundUp(cols, BLOCK);
        return List.of(new TensorLayout("weight", DType.U8, new long[] {r, c / 2}),
                new TensorLayout("weight_scale", DType.F8_E4M3,
                        new long[] {BlockedScaleLayout.paddedRows(r), BlockedScaleLayout.paddedCols(c / BLOCK)}),
                new TensorLayout("weight_scale_2", DType.F32, new long[0]));
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
        float amax = absMax(l.x, 0, l.size());
        l.global = globalScale(amax, l.dtype);
        int blocks = l.size() / BLOCK;
        l.blockCodes = new byte[blocks];
        l.total = new float[blocks];
        float[] dq = new float[BLOCK];
        for (int b = 0; b < blocks; b++) {
            float bmax = absMax(l.x, b * BLOCK, BLOCK);
            int code = blockScaleCode(bmax / 6f, l.global);
            if (search && bmax > 0) {
                int alt = blockScaleCode(bmax / 4f, l.global);
                if (alt != code && blockError(l.x, b * BLOCK, l.global, alt, dq) < blockError(l.x, b * BLOCK, l.global, code, dq)) {
                    code = alt;
                }
            }
            l.blockCodes[b] = (byte) code;
            l.total[b] = l.global * E4M3.decode(code);
        }
    }

    /** kitchen's per-tensor scale amax / 2688 in the weight's dtype (float32 when that underflows). */
    static float globalScale(float amax, DType dtype) {
        if (amax == 0f) {
            return 1f;
        }
        float g = TorchDtype.round(dtype, amax / 2688f);
        return g == 0f ? amax / 2688f : g;
    }

    /** E4M3 code of min(blockScale / global, 448), round-to-nearest-even. */
    static int blockScaleCode(float blockScale, float global) {
        float s = Math.min(blockScale / global, 448f);
        return E4M3.encode(s, Rounding.NEAREST_EVEN, true, Compat.ML_DTYPES, 0);
    }

    private static double blockError(float[] x, int off, float global, int scaleCode, float[] dq) {
        float total = global * E4M3.decode(scaleCode);
        double err = 0;
        for (int i = 0; i < BLOCK; i++) {
            float v = total == 0f ? 0f : E2M1.decode(E2M1.encode(x[off + i] / total, Rounding.NEAREST_EVEN,
                    true, Compat.ML_DTYPES, 0)) * total;
            double d = (double) v - x[off + i];
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
                float total = l.total[(start + done + i) / BLOCK];
                // A zero total (all-zero block, or a scale below E4M3's range) gives +0 codes.
                t[i] = total == 0f ? 0f : values[off + done + i] / total;
            }
            // Saturating round-to-nearest-even is the clamp to +-6 followed by the E2M1 conversion.
            k.encodeCodes(E2M1, t, 0, l.codes, start + done, n, EncodeMode.SATURATING, 0);
        }
    }

    @Override
    public void dequantizeRange(QLayer layer, int start, int n, float[] out, int off) {
        Layer l = (Layer) layer;
        KernelProvider.get().decodeCodes(E2M1, l.codes, start, out, off, n);
        for (int i = 0; i < n; i++) {
            out[off + i] *= l.total[(start + i) / BLOCK];
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
        byte[] packed = new byte[l.size() / 2];
        for (int i = 0; i < packed.length; i++) {
            packed[i] = (byte) ((l.codes[2 * i] & 0xF) << 4 | (l.codes[2 * i + 1] & 0xF));
        }
        int bpr = l.blocksPerRow();
        byte[] blocked = BlockedScaleLayout.swizzle(l.blockCodes, l.rows, bpr);
        List<StoredTensor> out = new ArrayList<>();
        out.add(new StoredTensor("weight", DType.U8, new long[] {l.rows, l.cols / 2}, packed));
        out.add(new StoredTensor("weight_scale", DType.F8_E4M3,
                new long[] {BlockedScaleLayout.paddedRows(l.rows), BlockedScaleLayout.paddedCols(bpr)}, blocked));
        out.add(new StoredTensor("weight_scale_2", DType.F32, new long[0], Fp8TensorCodec.f32(l.global)));
        return out;
    }

    @Override
    public String granularity(QLayer layer) {
        return "block 1x16, E4M3 scales, per-tensor global";
    }
}
