package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.SpecialValues;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Vector decoders of the element formats, bit-identical to {@link FloatFormat#decode}: the magnitude
 * bits are placed in a float32 and multiplied by 2^(127 - bias), which is exact for normal and
 * subnormal codes; Inf and NaN codes are blended in. Packed FP4 and FP6 codes are spread to one per
 * lane with byte shuffles.
 */
final class VDecode {
    private VDecode() {
    }

    // ---------------------------------------------------------------------------------------
    // Decoding

    /** Per-format constants of the decoder. */
    static final class DecodeConsts {
        final boolean e8m0;
        final int m;
        final int magMask;
        final int signShift;
        final SpecialValues specials;
        final int infMag;
        final int signMask;
        final int liftBits;
        final float subnormalBase;
        final int firstNormal;

        DecodeConsts(FloatFormat f) {
            this.e8m0 = f.specials() == SpecialValues.E8M0;
            this.m = f.mantissaBits();
            this.signMask = f.signMask();
            this.magMask = f.isSigned() ? f.signMask() - 1 : 0xFF;
            this.signShift = 31 - (f.bits() - 1);
            this.specials = f.specials();
            this.infMag = f.positiveInfinityCode();
            this.liftBits = (128 - f.bias()) << 23;
            this.subnormalBase = Math.scalb(1f, 1 - f.bias());
            this.firstNormal = 1 << m;
        }
    }

    /** Decodes codes (one per int lane, already masked to the code's bits) to float32 lanes. */
    static FloatVector decodeLanes(IntVector c, DecodeConsts k) {
        if (k.e8m0) {
            IntVector bits = c.lanewise(LSHL, 23);
            bits = bits.blend(0x00400000, c.eq(0));
            bits = bits.blend(0x7FC00000, c.eq(0xFF));
            return bits.reinterpretAsFloats();
        }
        IntVector mag = c.and(k.magMask);
        IntVector sign = c.and(k.signMask).lanewise(LSHL, k.signShift);
        // The code's exponent and mantissa fields in place, the exponent lifted by 128 - bias: every
        // code becomes a normal float32 (a subnormal operand costs a microcode assist on x86, which
        // halved this decoder's speed on FP8 weights, half of them subnormal codes). Normal codes are
        // one exponent step lower; a subnormal code m is lifted to 2^(1-bias) + m * 2^(1-bias-M),
        // and subtracting 2^(1-bias) leaves its value exactly.
        IntVector lifted = mag.lanewise(LSHL, 23 - k.m).add(k.liftBits);
        IntVector subnormal = lifted.reinterpretAsFloats().sub(k.subnormalBase).reinterpretAsInts();
        IntVector bits = lifted.sub(1 << 23).blend(subnormal, mag.compare(VectorOperators.LT, k.firstNormal)).or(sign);
        switch (k.specials) {
            case IEEE: {
                VectorMask<Integer> special = mag.compare(VectorOperators.GE, k.infMag);
                IntVector inf = sign.or(0x7F800000);
                IntVector nan = sign.or(0x7FC00000);
                bits = bits.blend(inf, special);
                bits = bits.blend(nan, mag.compare(VectorOperators.GT, k.infMag));
                break;
            }
            case FN:
                bits = bits.blend(sign.or(0x7FC00000), mag.eq(k.magMask));
                break;
            case FNUZ:
                bits = bits.blend(0xFFC00000, c.eq(k.signMask));
                break;
            default:
                break;
        }
        return bits.reinterpretAsFloats();
    }

    /** Codes stored one per byte. */
    static void decodeCodes(FloatFormat f, byte[] codes, int off, float[] dst, int dOff, int n) {
        DecodeConsts k = new DecodeConsts(f);
        int i = VPasses.decodeBytes(codes, off, dst, dOff, n, f.codeMask(), k);
        for (; i < n; i++) {
            dst[dOff + i] = f.decode(codes[off + i] & 0xFF);
        }
    }

    /** Little-endian 16-bit codes (BF16 or FP16). */
    static void decode16(boolean bf16, byte[] src, int off, float[] dst, int dOff, int n) {
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            ShortVector s = ByteVector.fromArray(Lanes.B_TWO_PER_LANE, src, off + 2 * i).reinterpretAsShorts();
            IntVector h = (IntVector) s.convertShape(S2I, Lanes.I, 0);
            FloatVector v;
            if (bf16) {
                v = h.lanewise(LSHL, 16).reinterpretAsFloats();
            } else {
                v = halfToFloat(h.and(0xFFFF));
            }
            v.intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            int c = (src[off + 2 * i] & 0xFF) | (src[off + 2 * i + 1] & 0xFF) << 8;
            dst[dOff + i] = bf16 ? Float.intBitsToFloat(c << 16) : FloatFormat.FP16.decode(c);
        }
    }

    /** IEEE binary16 to float32 (NaN payload kept without the quiet bit, as numpy). */
    static FloatVector halfToFloat(IntVector h) {
        IntVector mag = h.and(0x7FFF);
        IntVector sign = h.and(0x8000).lanewise(LSHL, 16);
        IntVector bits = mag.lanewise(LSHL, 13).reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        IntVector special = mag.and(0x3FF).lanewise(LSHL, 13).or(0x7F800000);
        bits = bits.blend(special, mag.compare(VectorOperators.GE, 0x7C00));
        return bits.or(sign).reinterpretAsFloats();
    }

    /** Little-endian float32. */
    static void decode32(byte[] src, int off, float[] dst, int dOff, int n) {
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            ByteVector.fromArray(Lanes.B_FOUR_PER_LANE, src, off + 4 * i).reinterpretAsFloats().intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            int o = off + 4 * i;
            dst[dOff + i] = Float.intBitsToFloat((src[o] & 0xFF) | (src[o + 1] & 0xFF) << 8 | (src[o + 2] & 0xFF) << 16
                    | (src[o + 3] & 0xFF) << 24);
        }
    }

    private static final VectorShuffle<Byte> NIBBLE_SHUFFLE = nibbleShuffle();
    private static final IntVector NIBBLE_SHIFTS = IntVector.fromArray(Lanes.I, lanePattern(new int[] {0, 4}), 0);
    private static final VectorShuffle<Byte> SIX_LO = sixShuffle(0);
    private static final VectorShuffle<Byte> SIX_HI = sixShuffle(1);
    private static final IntVector SIX_SHIFTS = IntVector.fromArray(Lanes.I, lanePattern(new int[] {0, 6, 4, 2}), 0);

    private static int[] lanePattern(int[] pattern) {
        int[] out = new int[Lanes.N];
        for (int i = 0; i < out.length; i++) {
            out[i] = pattern[i % pattern.length];
        }
        return out;
    }

    private static VectorShuffle<Byte> nibbleShuffle() {
        int[] idx = new int[Lanes.B_PER_LANE.length()];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = Math.min(j / 2, idx.length - 1);
        }
        return VectorShuffle.fromArray(Lanes.B_PER_LANE, idx, 0);
    }

    private static VectorShuffle<Byte> sixShuffle(int plus) {
        int[] idx = new int[Lanes.B_PER_LANE.length()];
        for (int j = 0; j < idx.length; j++) {
            idx[j] = Math.min(6 * j / 8 + plus, idx.length - 1);
        }
        return VectorShuffle.fromArray(Lanes.B_PER_LANE, idx, 0);
    }

    /** Packed E2M1 pairs (element 2k in the low nibble). {@code n} must be even. */
    static void decodeF4(byte[] src, int off, float[] dst, int dOff, int n) {
        DecodeConsts k = new DecodeConsts(FloatFormat.FP4_E2M1);
        int bytesPerStep = Lanes.B_PER_LANE.length();
        int i = 0;
        for (; i + Lanes.N <= n && off + i / 2 + bytesPerStep <= src.length; i += Lanes.N) {
            ByteVector b = ByteVector.fromArray(Lanes.B_PER_LANE, src, off + i / 2).rearrange(NIBBLE_SHUFFLE);
            IntVector c = ((IntVector) b.convertShape(B2I, Lanes.I, 0)).and(0xFF).lanewise(LSHR, NIBBLE_SHIFTS).and(0xF);
            decodeLanes(c, k).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            int b = src[off + (i >> 1)] & 0xFF;
            dst[dOff + i] = FloatFormat.FP4_E2M1.decode((i & 1) == 0 ? b & 0xF : b >>> 4);
        }
    }

    /** Packed 6-bit codes (LSB-first bit stream). {@code n} must be a multiple of 4. */
    static void decodeF6(FloatFormat f, byte[] src, int off, float[] dst, int dOff, int n) {
        DecodeConsts k = new DecodeConsts(f);
        int bytesPerStep = Lanes.B_PER_LANE.length();
        int i = 0;
        for (; i + Lanes.N <= n && off + 3 * i / 4 + bytesPerStep <= src.length; i += Lanes.N) {
            ByteVector b = ByteVector.fromArray(Lanes.B_PER_LANE, src, off + 3 * i / 4);
            IntVector lo = ((IntVector) b.rearrange(SIX_LO).convertShape(B2I, Lanes.I, 0)).and(0xFF);
            IntVector hi = ((IntVector) b.rearrange(SIX_HI).convertShape(B2I, Lanes.I, 0)).and(0xFF);
            IntVector c = lo.or(hi.lanewise(LSHL, 8)).lanewise(LSHR, SIX_SHIFTS).and(0x3F);
            decodeLanes(c, k).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            dst[dOff + i] = f.decode(dev.qlens.core.kernel.SubByte.get6(src, off, i));
        }
    }
}
