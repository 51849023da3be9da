package dev.qlens.formats.catalog;

import dev.qlens.core.block.Nvfp4Codec;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.convention.BlockedScaleLayout;

/**
 * NVIDIA NVFP4 with ModelOpt's semantics ({@link Nvfp4Codec}): a float32 per-tensor scale, E4M3
 * scales for each 16 elements along the last axis, E2M1 codes. Layouts: {@code modelopt} (default:
 * element 2k in the low nibble, block scales row-major [rows, ceil(cols/16)], code 8 decodes as +0)
 * and {@code comfy} (ComfyUI / comfy-kitchen: element 2k in the high nibble, block scales in the cuBLAS
 * blocked layout, code 8 decodes as -0.0).
 */
public final class Nvfp4Format extends QuantFormat {
    static final int BLOCK = Nvfp4Codec.BLOCK;

    private final String name;
    private final boolean comfy;
    private final Rounding rounding;

    Nvfp4Format(String name, boolean comfy, Rounding rounding) {
        this.name = name;
        this.comfy = comfy;
        this.rounding = rounding;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int codeBits() {
        return 4;
    }

    @Override
    public String family() {
        return "nvfp4";
    }

    @Override
    public String description() {
        return "NVIDIA NVFP4 (ModelOpt rules): E2M1, E4M3 scale per 16 elements, float32 per-tensor scale"
                + (comfy ? "; ComfyUI layout (high nibble first, blocked scales)" : "; ModelOpt layout");
    }

    private long scaleCount(Geometry g) {
        long bpr = g.blocksPerRow(BLOCK);
        return comfy ? BlockedScaleLayout.paddedRows(g.rows()) * BlockedScaleLayout.paddedCols(bpr) : g.rows() * bpr;
    }

    @Override
    public long packedBytes(long[] shape) {
        Geometry g = Geometry.of(shape);
        return CodePacking.bytes(g.numel(), 4) + scaleCount(g) + 4;
    }

    private EncodeMode effective(EncodeMode mode) {
        return rounding == null ? mode.withRounding(Rounding.NEAREST_EVEN) : mode.withRounding(rounding);
    }

    @Override
    public Encoded encode(float[] x, long[] shape, EncodeMode mode) {
        return encode(x, shape, mode, Nvfp4Codec.globalScale(KernelProvider.get().maxAbs(x, 0, x.length)));
    }

    /**
     * Quantizes with a given per-tensor scale (for example one calibrated over many tensors, as
     * ModelOpt's {@code weights_scaling_factor_2} can be) instead of amax / 2688.
     */
    public Encoded encode(float[] x, long[] shape, EncodeMode mode, float global) {
        EncodeMode m = effective(mode);
        Kernels k = KernelProvider.get();
        Geometry g = Geometry.of(shape);
        long bpr = g.blocksPerRow(BLOCK);
        byte[] plainScales = new byte[(int) (g.rows() * bpr)];
        byte[] one = new byte[x.length];
        int[] scaleIndex = {0};
        BlockRuns.forEach(0, g.numel(), Math.max(1, g.cols()), BLOCK, (first, blocks, len) -> {
            k.nvfp4Quantize(x, (int) first, blocks, len, global, m, first, plainScales, scaleIndex[0], one, (int) first,
                    null, 0, comfy);
            scaleIndex[0] += blocks;
        });
        byte[] codes = new byte[(int) CodePacking.bytes(g.numel(), 4)];
        for (int i = 0; i < one.length; i++) {
            putNibble(codes, i, one[i]);
        }
        byte[] scales = comfy ? BlockedScaleLayout.swizzle(plainScales, (int) g.rows(), (int) bpr) : plainScales;
        long[] scaleShape = comfy ? new long[] {BlockedScaleLayout.paddedRows(g.rows()), BlockedScaleLayout.paddedCols(bpr)}
                : new long[] {g.rows(), bpr};
        return new Encoded(name, shape.clone(), codes, scales, DType.F8_E4M3, scaleShape, global, new byte[0], -1);
    }

    private void putNibble(byte[] codes, long i, int code) {
        // ModelOpt: element 2k in the low nibble; ComfyUI: in the high nibble.
        boolean high = comfy ? (i & 1) == 0 : (i & 1) == 1;
        int idx = (int) (i >> 1);
        int v = code & 0xF;
        codes[idx] = (byte) (high ? (codes[idx] & 0x0F) | (v << 4) : (codes[idx] & 0xF0) | v);
    }

    private int getNibble(byte[] codes, long i) {
        boolean high = comfy ? (i & 1) == 0 : (i & 1) == 1;
        int b = codes[(int) (i >> 1)] & 0xFF;
        return high ? b >>> 4 : b & 0xF;
    }

    @Override
    public int[] unpackCodes(Encoded e) {
        int n = (int) Geometry.of(e.shape()).numel();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = getNibble(e.codes(), i);
        }
        return out;
    }

    @Override
    public byte[] packCodes(int[] codes) {
        byte[] out = new byte[(int) CodePacking.bytes(codes.length, 4)];
        for (int i = 0; i < codes.length; i++) {
            putNibble(out, i, codes[i]);
        }
        return out;
    }

    @Override
    public float[] decode(Encoded e) {
        Kernels k = KernelProvider.get();
        Geometry g = Geometry.of(e.shape());
        long bpr = g.blocksPerRow(BLOCK);
        byte[] plain = comfy ? BlockedScaleLayout.unswizzle(e.scales(), (int) g.rows(), (int) bpr) : e.scales();
        float[] out = new float[(int) g.numel()];
        byte[] one = new byte[out.length];
        for (int i = 0; i < one.length; i++) {
            one[i] = (byte) getNibble(e.codes(), i);
        }
        int[] scaleIndex = {0};
        BlockRuns.forEach(0, g.numel(), Math.max(1, g.cols()), BLOCK, (first, blocks, len) -> {
            k.nvfp4Dequantize(plain, scaleIndex[0], one, (int) first, blocks, len, e.globalScale(), comfy, out, (int) first);
            scaleIndex[0] += blocks;
        });
        return out;
    }

    /**
     * Streaming fake quantization with a given per-tensor scale (no calibration pass): what
     * {@link #fakeQuantizer} computes once it has derived amax / 2688.
     */
    public FakeQuantizer fakeQuantizer(long[] shape, EncodeMode mode, float global) {
        EncodeMode m = effective(mode);
        Geometry g = Geometry.of(shape);
        Kernels k = KernelProvider.get();
        return new FakeQuantizer() {
            @Override
            public long unit() {
                return g.unitFor(BLOCK);
            }

            @Override
            public boolean needsCalibration() {
                return false;
            }

            @Override
            public void calibrate(long start, float[] x, int off, int n) {
            }

            @Override
            public void apply(long start, float[] x, int off, int n, float[] out, int outOff) {
                BlockRuns.forEach(start, n, Math.max(1, g.cols()), BLOCK, (first, blocks, len) -> {
                    int i = (int) (first - start);
                    k.nvfp4Quantize(x, off + i, blocks, len, global, m, first, null, 0, null, 0, out, outOff + i, comfy);
                });
            }
        };
    }

    @Override
    public FakeQuantizer fakeQuantizer(long[] shape, EncodeMode mode) {
        EncodeMode m = effective(mode);
        Geometry g = Geometry.of(shape);
        Kernels k = KernelProvider.get();
        return new FakeQuantizer() {
            private float amax;

            @Override
            public long unit() {
                return g.unitFor(BLOCK);
            }

            @Override
            public boolean needsCalibration() {
                return true;
            }

            @Override
            public void calibrate(long start, float[] x, int off, int n) {
                float a = k.maxAbs(x, off, n);
                amax = a != a || amax != amax ? Float.NaN : Math.max(amax, a);
            }

            @Override
            public void apply(long start, float[] x, int off, int n, float[] out, int outOff) {
                float global = Nvfp4Codec.globalScale(amax);
                BlockRuns.forEach(start, n, Math.max(1, g.cols()), BLOCK, (first, blocks, len) -> {
                    int i = (int) (first - start);
                    k.nvfp4Quantize(x, off + i, blocks, len, global, m, first, null, 0, null, 0, out, outOff + i, comfy);
                });
            }
        };
    }
}
