package dev.qlens.formats.catalog;

import dev.qlens.core.block.Nvfp4Codec;
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

    static float amax(float[] x, int off, int n) {
        float m = 0f;
        for (int i = off; i < off + n; i++) {
            float a = Math.abs(x[i]);
            if (a != a) {
                return Float.NaN;
            }
            m = Math.max(m, a);
        }
        return m;
    }

    @Override
    public Encoded encode(float[] x, long[] shape, EncodeMode mode) {
        return encode(x, shape, mode, Nvfp4Codec.globalScale(amax(x, 0, x.length)));
    }

    /**
     * Quantizes with a given per-tensor scale (for example one calibrated over many tensors, as
     * ModelOpt's {@code weights_scaling_factor_2} can be) instead of amax / 2688.
     */
    public Encoded encode(float[] x, long[] shape, EncodeMode mode, float global) {
        EncodeMode m = effective(mode);
        Geometry g = Geometry.of(shape);
        long bpr = g.blocksPerRow(BLOCK);
        byte[] plainScales = new byte[(int) (g.rows() * bpr)];
        byte[] codes = new byte[(int) CodePacking.bytes(g.numel(), 4)];
        byte[] tmp = new byte[BLOCK];
        for (long r = 0; r < g.rows(); r++) {
            for (long b = 0; b < bpr; b++) {
                long start = r * g.cols() + b * BLOCK;
                int n = (int) Math.min(BLOCK, g.cols() - b * BLOCK);
                plainScales[(int) (r * bpr + b)] = (byte) Nvfp4Codec.quantize(x, (int) start, n, global, m, start, tmp, 0);
                for (int i = 0; i < n; i++) {
                    putNibble(codes, start + i, tmp[i]);
                }
            }
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
        Geometry g = Geometry.of(e.shape());
        long bpr = g.blocksPerRow(BLOCK);
        byte[] plain = comfy ? BlockedScaleLayout.unswizzle(e.scales(), (int) g.rows(), (int) bpr) : e.scales();
        float[] out = new float[(int) g.numel()];
        byte[] tmp = new byte[BLOCK];
        for (long r = 0; r < g.rows(); r++) {
            for (long b = 0; b < bpr; b++) {
                long start = r * g.cols() + b * BLOCK;
                int n = (int) Math.min(BLOCK, g.cols() - b * BLOCK);
                for (int i = 0; i < n; i++) {
                    tmp[i] = (byte) getNibble(e.codes(), start + i);
                }
                Nvfp4Codec.dequantize(tmp, 0, n, plain[(int) (r * bpr + b)] & 0xFF, e.globalScale(), comfy, out, (int) start);
            }
        }
        return out;
    }

    @Override
    public FakeQuantizer fakeQuantizer(long[] shape, EncodeMode mode) {
        EncodeMode m = effective(mode);
        Geometry g = Geometry.of(shape);
        return new FakeQuantizer() {
            private final byte[] tmp = new byte[BLOCK];
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
                float a = amax(x, off, n);
                amax = a != a || amax != amax ? Float.NaN : Math.max(amax, a);
            }

            @Override
            public void apply(long start, float[] x, int off, int n, float[] out, int outOff) {
                float global = Nvfp4Codec.globalScale(amax);
                long e = start;
                long end = start + n;
                while (e < end) {
                    long col = e % g.cols();
                    int len = (int) Math.min(BLOCK - col % BLOCK, Math.min(g.cols() - col, end - e));
                    int i = (int) (e - start);
                    int s = Nvfp4Codec.quantize(x, off + i, len, global, m, e, tmp, 0);
                    Nvfp4Codec.dequantize(tmp, 0, len, s, global, comfy, out, outOff + i);
                    e += len;
                }
            }
        };
    }
}
