package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2F;

import dev.qlens.core.block.MxCodec;
import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.block.Nvfp4Codec;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;
import dev.qlens.core.numeric.Rounding;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector kernels of the scaled and block formats: a run of elements sharing one scale (per-tensor,
 * per-channel and block scaling), OCP MX blocks and NVFP4 blocks. Every method handles whole
 * vectors only and returns how many elements it processed; the caller finishes the rest with the
 * scalar reference, so deterministic rounding modes only (stochastic rounding stays scalar).
 */
final class VScaled {
    private VScaled() {
    }

    /** Loads N codes stored one per byte as int lanes (zero-extended). */
    static IntVector loadCodes(byte[] codes, int off) {
        return ((IntVector) ByteVector.fromArray(Lanes.B_PER_LANE, codes, off).convertShape(B2I, Lanes.I, 0)).and(0xFF);
    }

    /** Whether N codes can be loaded at {@code off} (the byte species may be wider than N). */
    static boolean canLoad(byte[] codes, int off) {
        return off + Lanes.B_PER_LANE.length() <= codes.length;
    }

    /**
     * Float-element scaled run; see {@link dev.qlens.core.kernel.Kernels#scaledFloat}.
     *
     * @param clipped receives the number of clipped elements in slot 0
     * @return the number of elements processed (a multiple of N)
     */
    static int scaledFloat(float[] x, int off, int n, float scale, FloatFormat f, Rounding r, byte[] codes,
                           int codesOff, float[] out, int outOff, long[] clipped) {
        VCodec.EncodeConsts k = new VCodec.EncodeConsts(f, r, true, Compat.ML_DTYPES);
        VCodec.DecodeConsts dk = new VCodec.DecodeConsts(f);
        long clip = 0;
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            FloatVector v = FloatVector.fromArray(Lanes.F, x, off + i).div(scale);
            IntVector mag = VCodec.magnitude(v, k);
            IntVector code = VCodec.finish(v, mag, k);
            clip += VCodec.clipped(v, mag, k).trueCount();
            if (codes != null) {
                VCodec.storeBytes(code, codes, codesOff + i);
            }
            if (out != null) {
                VCodec.decodeLanes(code, dk).mul(scale).intoArray(out, outOff + i);
            }
        }
        clipped[0] += clip;
        return i;
    }

    /**
     * Integer-element scaled run; see {@link dev.qlens.core.kernel.Kernels#scaledInt}. The caller
     * guarantees |zeroPoint| &lt; 2^19.
     *
     * @return the number of elements processed
     */
    static int scaledInt(float[] x, int off, int n, float scale, int zeroPoint, IntFormat f, Rounding r, int[] codes,
                         int codesOff, float[] out, int outOff, long[] clipped) {
        long clip = 0;
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            FloatVector v = FloatVector.fromArray(Lanes.F, x, off + i).div(scale);
            IntVector q = VInt.round(v, r).add(zeroPoint);
            VectorMask<Integer> outside = q.lt(f.min()).or(q.compare(VectorOperators.GT, f.max()))
                    .andNot(VInt.nan(v));
            clip += outside.trueCount();
            q = q.max(f.min()).min(f.max());
            if (codes != null) {
                q.intoArray(codes, codesOff + i);
            }
            if (out != null) {
                ((FloatVector) q.sub(zeroPoint).convert(I2F, 0)).mul(scale).intoArray(out, outOff + i);
            }
        }
        clipped[0] += clip;
        return i;
    }

    // ---------------------------------------------------------------------------------------
    // OCP MX

    /** Largest |x| of a block, NaN when any element is NaN (blockSize is a multiple of N). */
    static float amax(float[] x, int off, int blockSize) {
        FloatVector m = FloatVector.zero(Lanes.F);
        for (int j = 0; j < blockSize; j += Lanes.N) {
            m = m.max(FloatVector.fromArray(Lanes.F, x, off + j).abs());
        }
        return m.reduceLanes(VectorOperators.MAX);
    }

    /** MX quantization of whole blocks (blockSize a multiple of N, deterministic rounding). */
    static void mxQuantize(float[] x, int off, int blocks, int blockSize, MxElement element, MxScaleMode scaleMode,
                           Rounding r, byte[] scales, int scalesOff, byte[] codes, int codesOff, float[] out,
                           int outOff) {
        FloatFormat f = element.format();
        VCodec.EncodeConsts k = f == null ? null : new VCodec.EncodeConsts(f, r, true, Compat.ML_DTYPES);
        VCodec.DecodeConsts dk = f == null ? null : new VCodec.DecodeConsts(f);
        int magnitudeBits = f == null ? 0xFF : ~f.signMask();
        for (int b = 0; b < blocks; b++) {
            int base = off + b * blockSize;
            int scaleCode = MxCodec.scaleCode(amax(x, base, blockSize), element, scaleMode);
            float scale = MxCodec.scaleValue(scaleCode);
            if (scales != null) {
                scales[scalesOff + b] = (byte) scaleCode;
            }
            boolean nanScale = scaleCode == MxCodec.NAN_SCALE;
            for (int j = 0; j < blockSize; j += Lanes.N) {
                FloatVector v = FloatVector.fromArray(Lanes.F, x, base + j).div(scale);
                IntVector code;
                FloatVector value;
                if (f == null) {
                    // MXINT8: round(x / X * 64) clamped to +-127; the multiplication by 64 is exact.
                    IntVector q = VInt.round(v.mul(64f), r).max(-127).min(127);
                    code = q.and(0xFF);
                    value = ((FloatVector) q.convert(I2F, 0)).div(64f);
                } else {
                    code = VCodec.encodeLanes(v, k);
                    code = code.blend(0, code.and(magnitudeBits).eq(0)); // microxcaling never writes -0
                    value = out == null ? null : VCodec.decodeLanes(code, dk);
                }
                if (codes != null) {
                    VCodec.storeBytes(code, codes, codesOff + b * blockSize + j);
                }
                if (out != null) {
                    value = nanScale ? FloatVector.broadcast(Lanes.F, Float.NaN) : value.mul(scale);
                    value.intoArray(out, outOff + b * blockSize + j);
                }
            }
        }
    }

    /**
     * MX dequantization of whole blocks (blockSize a multiple of N).
     *
     * @return false when a code load would run past the array (the caller then uses the scalar path)
     */
    static boolean mxDequantize(byte[] scales, int scalesOff, byte[] codes, int codesOff, int blocks, int blockSize,
                                MxElement element, float[] out, int outOff) {
        if (!canLoad(codes, codesOff + blocks * blockSize - Lanes.N)) {
            return false;
        }
        FloatFormat f = element.format();
        VCodec.DecodeConsts dk = f == null ? null : new VCodec.DecodeConsts(f);
        for (int b = 0; b < blocks; b++) {
            int scaleCode = scales[scalesOff + b] & 0xFF;
            int base = b * blockSize;
            if (scaleCode == MxCodec.NAN_SCALE) {
                java.util.Arrays.fill(out, outOff + base, outOff + base + blockSize, Float.NaN);
                continue;
            }
            float scale = MxCodec.scaleValue(scaleCode);
            for (int j = 0; j < blockSize; j += Lanes.N) {
                FloatVector value;
                if (f == null) {
                    IntVector q = (IntVector) ByteVector.fromArray(Lanes.B_PER_LANE, codes, codesOff + base + j)
                            .convertShape(B2I, Lanes.I, 0);
                    value = ((FloatVector) q.convert(I2F, 0)).div(64f);
                } else {
                    value = VCodec.decodeLanes(loadCodes(codes, codesOff + base + j).and(f.codeMask()), dk);
                }
                value.mul(scale).intoArray(out, outOff + base + j);
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------
    // NVFP4

    private static final int[] E2M1_BOUNDS = bits(0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5f);
    private static final int[] E2M1_TIES_UP = bits(0.75f, 1.75f, 3.5f);

    private static int[] bits(float... v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    /**
     * ModelOpt's E2M1 codes ({@link Nvfp4Codec#elementCode}): the number of rounding bounds below
     * |x|, one more at the ties that round up to an even code, code 7 for NaN, the sign only for
     * x &lt; 0. Non-negative float32 values compare like their bit patterns, so this works on ints.
     */
    static IntVector modelOptCodes(FloatVector x) {
        IntVector u = x.reinterpretAsInts();
        IntVector a = u.and(0x7FFFFFFF);
        IntVector zero = IntVector.zero(Lanes.I);
        IntVector ord = zero;
        for (int bound : E2M1_BOUNDS) {
            ord = ord.add(zero.blend(1, a.compare(VectorOperators.GT, bound)));
        }
        for (int tie : E2M1_TIES_UP) {
            ord = ord.add(zero.blend(1, a.eq(tie)));
        }
        VectorMask<Integer> nan = a.compare(VectorOperators.GT, 0x7F800000);
        VectorMask<Integer> negative = u.lt(0).and(a.compare(VectorOperators.NE, 0)).andNot(nan);
        return ord.blend(7, nan).or(zero.blend(8, negative));
    }

    /** NVFP4 quantization of whole blocks (blockSize a multiple of N, deterministic rounding). */
    static void nvfp4Quantize(float[] x, int off, int blocks, int blockSize, float global, Rounding r, byte[] scales,
                              int scalesOff, byte[] codes, int codesOff, float[] out, int outOff,
                              boolean negativeZero) {
        boolean modelOpt = r == Rounding.NEAREST_EVEN;
        VCodec.EncodeConsts k = modelOpt ? null : new VCodec.EncodeConsts(FloatFormat.FP4_E2M1, r, true,
                Compat.ML_DTYPES);
        for (int b = 0; b < blocks; b++) {
            int base = off + b * blockSize;
            int scaleCode = Nvfp4Codec.blockScaleCode(amax(x, base, blockSize), global);
            float total = FloatFormat.FP8_E4M3FN.decode(scaleCode) * global;
            if (scales != null) {
                scales[scalesOff + b] = (byte) scaleCode;
            }
            if (total != total) {
                // A NaN scale: the scalar codec decides the NaN signs (a broadcast NaN may lose its sign).
                nanBlock(x, base, blockSize, global, r, codes, codes == null ? 0 : codesOff + b * blockSize, out,
                        out == null ? 0 : outOff + b * blockSize, negativeZero);
                continue;
            }
            for (int j = 0; j < blockSize; j += Lanes.N) {
                FloatVector v = global == 0f ? FloatVector.zero(Lanes.F)
                        : FloatVector.fromArray(Lanes.F, x, base + j).div(total);
                IntVector code = modelOpt ? modelOptCodes(v) : VCodec.encodeLanes(v, k);
                if (codes != null) {
                    VCodec.storeBytes(code, codes, codesOff + b * blockSize + j);
                }
                if (out != null) {
                    e2m1Values(code, negativeZero).mul(total).intoArray(out, outOff + b * blockSize + j);
                }
            }
        }
    }

    private static void nanBlock(float[] x, int base, int blockSize, float global, Rounding r, byte[] codes,
                                 int codesOff, float[] out, int outOff, boolean negativeZero) {
        byte[] tmp = new byte[blockSize];
        dev.qlens.core.numeric.EncodeMode mode = new dev.qlens.core.numeric.EncodeMode(r, true, Compat.ML_DTYPES, 0L);
        int scaleCode = Nvfp4Codec.quantize(x, base, blockSize, global, mode, 0L, tmp, 0);
        if (codes != null) {
            System.arraycopy(tmp, 0, codes, codesOff, blockSize);
        }
        if (out != null) {
            Nvfp4Codec.dequantize(tmp, 0, blockSize, scaleCode, global, negativeZero, out, outOff);
        }
    }

    private static final VCodec.DecodeConsts E2M1 = new VCodec.DecodeConsts(FloatFormat.FP4_E2M1);

    /** E2M1 values of 4-bit codes; code 8 is -0.0 or +0.0. */
    static FloatVector e2m1Values(IntVector code, boolean negativeZero) {
        IntVector c = code.and(0xF);
        FloatVector v = VCodec.decodeLanes(c, E2M1);
        return negativeZero ? v : v.abs().reinterpretAsInts().blend(v.reinterpretAsInts(), c.compare(
                VectorOperators.NE, 8)).reinterpretAsFloats();
    }

    /**
     * NVFP4 dequantization of whole blocks (blockSize a multiple of N).
     *
     * @return false when a code load would run past the array
     */
    static boolean nvfp4Dequantize(byte[] scales, int scalesOff, byte[] codes, int codesOff, int blocks, int blockSize,
                                   float global, boolean negativeZero, float[] out, int outOff) {
        if (!canLoad(codes, codesOff + blocks * blockSize - Lanes.N)) {
            return false;
        }
        for (int b = 0; b < blocks; b++) {
            float total = FloatFormat.FP8_E4M3FN.decode(scales[scalesOff + b] & 0xFF) * global;
            int base = b * blockSize;
            if (total != total) {
                java.util.Arrays.fill(out, outOff + base, outOff + base + blockSize, Float.NaN);
                continue;
            }
            for (int j = 0; j < blockSize; j += Lanes.N) {
                e2m1Values(loadCodes(codes, codesOff + base + j), negativeZero).mul(total)
                        .intoArray(out, outOff + base + j);
            }
        }
        return true;
    }
}
