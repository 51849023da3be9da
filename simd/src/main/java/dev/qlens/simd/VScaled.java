package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.B2I;

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
        VEncode.Consts k = new VEncode.Consts(f, r, true, Compat.ML_DTYPES);
        VDecode.DecodeConsts dk = new VDecode.DecodeConsts(f);
        long clip = 0;
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            FloatVector v = FloatVector.fromArray(Lanes.F, x, off + i).div(scale);
            IntVector mag = VEncode.magnitude(v, k);
            IntVector code = VEncode.finish(v, mag, k);
            clip += VEncode.clipped(v, mag, k).trueCount();
            if (codes != null) {
                VEncode.storeBytes(code, codes, codesOff + i);
            }
            if (out != null) {
                VDecode.decodeLanes(code, dk).mul(scale).intoArray(out, outOff + i);
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
                VInt.toFloat(q.sub(zeroPoint)).mul(scale).intoArray(out, outOff + i);
            }
        }
        clipped[0] += clip;
        return i;
    }

    // ---------------------------------------------------------------------------------------
    // OCP MX

    /** Largest |x| of a block, NaN when any element is NaN (blockSize is a multiple of N). */
    static float amax(float[] x, int off, int blockSize) {
        // Magnitudes order like their bit patterns, and every NaN pattern is above infinity's.
        IntVector m = IntVector.zero(Lanes.I);
        for (int j = 0; j < blockSize; j += Lanes.N) {
            m = m.max(FloatVector.fromArray(Lanes.F, x, off + j).reinterpretAsInts().and(0x7FFFFFFF));
        }
        int bits = m.reduceLanes(VectorOperators.MAX);
        return bits > 0x7F800000 ? Float.NaN : Float.intBitsToFloat(bits);
    }

    /** MX quantization of whole blocks (blockSize a multiple of N, deterministic rounding). */
    static void mxQuantize(float[] x, int off, int blocks, int blockSize, MxElement element, MxScaleMode scaleMode,
                           Rounding r, byte[] scales, int scalesOff, byte[] codes, int codesOff, float[] out,
                           int outOff) {
        FloatFormat f = element.format();
        VEncode.Consts k = f == null ? null : new VEncode.Consts(f, r, true, Compat.ML_DTYPES);
        VDecode.DecodeConsts dk = f == null ? null : new VDecode.DecodeConsts(f);
        int magnitudeBits = f == null ? 0xFF : ~f.signMask();
        for (int b = 0; b < blocks; b++) {
            int base = off + b * blockSize;
            int scaleCode = MxCodec.scaleCode(amax(x, base, blockSize), element, scaleMode);
            float scale = MxCodec.scaleValue(scaleCode);
            if (scales != null) {
                scales[scalesOff + b] = (byte) scaleCode;
            }
            boolean nanScale = scaleCode == MxCodec.NAN_SCALE;
            // Vector variables are never null or shared between the branches: C2 keeps a vector in
            // registers only when every path gives it a real vector of one type.
            for (int j = 0; j < blockSize; j += Lanes.N) {
                FloatVector v = FloatVector.fromArray(Lanes.F, x, base + j).div(scale);
                int at = b * blockSize + j;
                if (f == null) {
                    mxInt8(v, r, codes, codesOff + at, out, outOff + at, scale, nanScale);
                } else {
                    IntVector code = VEncode.encodeLanes(v, k);
                    code = code.blend(0, code.and(magnitudeBits).eq(0)); // microxcaling never writes -0
                    if (codes != null) {
                        VEncode.storeBytes(code, codes, codesOff + at);
                    }
                    if (out != null) {
                        storeValues(VDecode.decodeLanes(code, dk), scale, nanScale, out, outOff + at);
                    }
                }
            }
        }
    }

    /** MXINT8: round(x / X * 64) clamped to +-127 (the multiplication by 64 is exact). */
    private static void mxInt8(FloatVector v, Rounding r, byte[] codes, int codesAt, float[] out, int outAt,
                               float scale, boolean nanScale) {
        IntVector q = VInt.round(v.mul(64f), r).max(-127).min(127);
        if (codes != null) {
            VEncode.storeBytes(q.and(0xFF), codes, codesAt);
        }
        if (out != null) {
            storeValues(VInt.toFloat(q).div(64f), scale, nanScale, out, outAt);
        }
    }

    /** value * scale, or NaN everywhere for a NaN scale. */
    private static void storeValues(FloatVector value, float scale, boolean nanScale, float[] out, int at) {
        if (nanScale) {
            java.util.Arrays.fill(out, at, at + Lanes.N, Float.NaN);
        } else {
            value.mul(scale).intoArray(out, at);
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
        VDecode.DecodeConsts dk = f == null ? null : new VDecode.DecodeConsts(f);
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
                    value = VInt.toFloat(q).div(64f);
                } else {
                    value = VDecode.decodeLanes(loadCodes(codes, codesOff + base + j).and(f.codeMask()), dk);
                }
                value.mul(scale).intoArray(out, outOff + base + j);
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------
    // NVFP4

    /**
     * ModelOpt's E2M1 codes ({@link Nvfp4Codec#elementCode}). Its rule (count the rounding bounds
     * below |x|, plus one at the ties 0.75, 1.75 and 3.5, saturating at 6) is exactly round to
     * nearest even with saturation; it differs from the plain cast only in giving -0.0 the code 0
     * (its sign test is x &lt; 0) and NaN the code 7.
     */
    static IntVector modelOptCodes(FloatVector x, VEncode.Consts e2m1Even) {
        IntVector u = x.reinterpretAsInts();
        IntVector code = VEncode.encodeLanes(x, e2m1Even).blend(0, u.eq(0x80000000));
        return code.blend(7, u.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000));
    }

    /**
     * NVFP4 quantization of whole blocks (blockSize a multiple of N, deterministic rounding). The E4M3
     * block scales of N consecutive blocks are computed together in one vector (their amax values
     * gathered first), then each block's elements are encoded with its scale.
     */
    static void nvfp4Quantize(float[] x, int off, int blocks, int blockSize, float global, Rounding r, byte[] scales,
                              int scalesOff, byte[] codes, int codesOff, float[] out, int outOff,
                              boolean negativeZero) {
        VEncode.Consts k = new VEncode.Consts(FloatFormat.FP4_E2M1, r, true, Compat.ML_DTYPES);
        VEncode.Consts scaleEncoder = new VEncode.Consts(FloatFormat.FP8_E4M3FN, Rounding.NEAREST_EVEN, false,
                Compat.ML_DTYPES);
        float[] amax = new float[Lanes.N];
        byte[] groupScales = new byte[Lanes.N];
        float[] totals = new float[Lanes.N];
        int b = 0;
        for (; b + Lanes.N <= blocks; b += Lanes.N) {
            for (int g = 0; g < Lanes.N; g++) {
                amax[g] = amax(x, off + (b + g) * blockSize, blockSize);
            }
            blockScales(amax, global, scaleEncoder, groupScales, totals);
            if (scales != null) {
                System.arraycopy(groupScales, 0, scales, scalesOff + b, Lanes.N);
            }
            for (int g = 0; g < Lanes.N; g++) {
                nvfp4Block(x, off, b + g, blockSize, global, totals[g], r, k, codes, codesOff, out, outOff,
                        negativeZero);
            }
        }
        for (; b < blocks; b++) {
            int scaleCode = Nvfp4Codec.blockScaleCode(amax(x, off + b * blockSize, blockSize), global);
            if (scales != null) {
                scales[scalesOff + b] = (byte) scaleCode;
            }
            nvfp4Block(x, off, b, blockSize, global, FloatFormat.FP8_E4M3FN.decode(scaleCode) * global, r, k, codes,
                    codesOff, out, outOff, negativeZero);
        }
    }

    /**
     * N block scales at once, as {@link Nvfp4Codec#blockScaleCode}: E4M3(amax / (6 * global)) rounded
     * to nearest even without saturation, 0 replaced by 1 (and by the smallest code when it underflows),
     * and the combined scale E4M3 value * global of each block.
     */
    private static void blockScales(float[] amax, float global, VEncode.Consts scaleEncoder, byte[] codes,
                                    float[] totals) {
        IntVector code;
        if (global == 0f) {
            code = IntVector.broadcast(Lanes.I, Nvfp4Codec.SCALE_ONE);
        } else {
            FloatVector s = FloatVector.fromArray(Lanes.F, amax, 0).div(6.0f * global);
            s = s.blend(1.0f, s.eq(0f));
            code = VEncode.encodeLanes(s, scaleEncoder);
            code = code.blend(1, code.eq(0));
        }
        VEncode.storeBytes(code, codes, 0);
        VDecode.decodeLanes(code, E4M3).mul(global).intoArray(totals, 0);
    }

    private static final VDecode.DecodeConsts E4M3 = new VDecode.DecodeConsts(FloatFormat.FP8_E4M3FN);

    /** The elements of block b given its combined scale. */
    private static void nvfp4Block(float[] x, int off, int b, int blockSize, float global, float total, Rounding r,
                                   VEncode.Consts k, byte[] codes, int codesOff, float[] out, int outOff,
                                   boolean negativeZero) {
        int base = off + b * blockSize;
        if (total != total) {
            // A NaN scale: the scalar codec decides the NaN signs (a broadcast NaN may lose its sign).
            nanBlock(x, base, blockSize, global, r, codes, codes == null ? 0 : codesOff + b * blockSize, out,
                    out == null ? 0 : outOff + b * blockSize, negativeZero);
            return;
        }
        boolean modelOpt = r == Rounding.NEAREST_EVEN;
        for (int j = 0; j < blockSize; j += Lanes.N) {
            FloatVector v = global == 0f ? FloatVector.zero(Lanes.F)
                    : FloatVector.fromArray(Lanes.F, x, base + j).div(total);
            IntVector code = modelOpt ? modelOptCodes(v, k) : VEncode.encodeLanes(v, k);
            if (codes != null) {
                VEncode.storeBytes(code, codes, codesOff + b * blockSize + j);
            }
            if (out != null) {
                e2m1Values(code, negativeZero).mul(total).intoArray(out, outOff + b * blockSize + j);
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

    private static final VDecode.DecodeConsts E2M1 = new VDecode.DecodeConsts(FloatFormat.FP4_E2M1);

    /** E2M1 values of 4-bit codes; code 8 is -0.0 or +0.0. */
    static FloatVector e2m1Values(IntVector code, boolean negativeZero) {
        IntVector c = code.and(0xF);
        FloatVector v = VDecode.decodeLanes(c, E2M1);
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
