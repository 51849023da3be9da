package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.B2I;

import dev.qlens.core.block.Nvfp4Codec;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;
import dev.qlens.core.numeric.Rounding;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Per-vector steps of the scaled and block formats (code loads, block amax, NVFP4 block scales and
 * element codes) and the integer scaled run; the float and block loops are in {@link VPasses}.
 * Deterministic rounding modes only (stochastic rounding stays scalar).
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
     * N block scales at once, as {@link Nvfp4Codec#blockScaleCode}: E4M3(amax / (6 * global)) rounded
     * to nearest even without saturation, 0 replaced by 1 (and by the smallest code when it underflows),
     * and the combined scale E4M3 value * global of each block.
     */
    static void blockScales(float[] amax, float global, byte[] scales, int scalesOff, float[] totals) {
        IntVector code;
        if (global == 0f) {
            code = IntVector.broadcast(Lanes.I, Nvfp4Codec.SCALE_ONE);
        } else {
            FloatVector s = FloatVector.fromArray(Lanes.F, amax, 0).div(6.0f * global);
            s = s.blend(1.0f, s.eq(0f));
            code = VEncode.encodeLanes(s, SCALE_ENCODER);
            code = code.blend(1, code.eq(0));
        }
        VEncode.storeBytes(code, scales, scalesOff);
        VDecode.decodeLanes(code, E4M3).mul(global).intoArray(totals, 0);
    }

    private static final VEncode.Consts SCALE_ENCODER = new VEncode.Consts(FloatFormat.FP8_E4M3FN,
            Rounding.NEAREST_EVEN, false, Compat.ML_DTYPES);
    private static final VDecode.DecodeConsts E4M3 = new VDecode.DecodeConsts(FloatFormat.FP8_E4M3FN);

    /** The element codes of NVFP4 block b given its combined scale. */
    static void nvfp4BlockCodes(float[] x, int off, int b, int blockSize, float global, float total, Rounding r,
                                VEncode.Consts k, byte[] codes, int codesOff) {
        int base = off + b * blockSize;
        int at = codesOff + b * blockSize;
        if (total != total) {
            // A NaN scale: the scalar codec decides the NaN signs (a broadcast NaN may lose its sign).
            EncodeMode mode = new EncodeMode(r, true, Compat.ML_DTYPES, 0L);
            Nvfp4Codec.quantize(x, base, blockSize, global, mode, 0L, codes, at);
            return;
        }
        boolean modelOpt = r == Rounding.NEAREST_EVEN;
        for (int j = 0; j < blockSize; j += Lanes.N) {
            FloatVector v = global == 0f ? FloatVector.zero(Lanes.F)
                    : FloatVector.fromArray(Lanes.F, x, base + j).div(total);
            IntVector code = modelOpt ? modelOptCodes(v, k) : VEncode.encodeLanes(v, k);
            VEncode.storeBytes(code, codes, at + j);
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
}
