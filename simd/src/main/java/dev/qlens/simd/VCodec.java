package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2B;
import static jdk.incubator.vector.VectorOperators.I2S;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.S2I;

import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.numeric.SpecialValues;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * Vector encoders and decoders of the element formats, bit-identical to
 * {@link FloatFormat#encode(float, Rounding, boolean, Compat, long)} and {@link FloatFormat#decode}.
 *
 * <p>Decoding is arithmetic: the magnitude bits are placed in a float32 and multiplied by
 * 2^(127 - bias), which is exact for normal and subnormal codes; Inf and NaN codes are blended in.
 * Encoding rounds to nearest even with two exact tricks (a rounding bias added to the float32 bits
 * for results in the normal range, a float addition of 2^(24 - bias - m) for the subnormal range),
 * and the other deterministic modes with an integer significand and per-lane shifts. Stochastic
 * rounding is left to the scalar reference.
 */
final class VCodec {
    private VCodec() {
    }

    // ---------------------------------------------------------------------------------------
    // Decoding

    /** Per-format constants of the decoder. */
    static final class DecodeConsts {
        final boolean e8m0;
        final int m;
        final int magMask;
        final int signShift;
        final float scaleUp;
        final SpecialValues specials;
        final int infMag;
        final int signMask;

        DecodeConsts(FloatFormat f) {
            this.e8m0 = f.specials() == SpecialValues.E8M0;
            this.m = f.mantissaBits();
            this.signMask = f.signMask();
            this.magMask = f.isSigned() ? f.signMask() - 1 : 0xFF;
            this.signShift = 31 - (f.bits() - 1);
            this.scaleUp = Math.scalb(1f, 127 - f.bias());
            this.specials = f.specials();
            this.infMag = f.positiveInfinityCode();
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
        FloatVector v = mag.lanewise(LSHL, 23 - k.m).reinterpretAsFloats().mul(k.scaleUp);
        IntVector bits = v.reinterpretAsInts().or(sign);
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
        int loaded = Lanes.B_PER_LANE.length();
        int mask = f.codeMask();
        int i = 0;
        for (; i + Lanes.N <= n && off + i + loaded <= codes.length; i += Lanes.N) {
            IntVector c = ((IntVector) ByteVector.fromArray(Lanes.B_PER_LANE, codes, off + i).convertShape(B2I, Lanes.I, 0))
                    .and(mask);
            decodeLanes(c, k).intoArray(dst, dOff + i);
        }
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

    /** Float32 to little-endian bytes (a plain copy of the bits). */
    static void encode32(float[] src, int off, byte[] dst, int dOff, int n) {
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            FloatVector.fromArray(Lanes.F, src, off + i).reinterpretAsBytes().intoArray(dst, dOff + 4 * i);
        }
        for (; i < n; i++) {
            int b = Float.floatToRawIntBits(src[off + i]);
            int o = dOff + 4 * i;
            dst[o] = (byte) b;
            dst[o + 1] = (byte) (b >>> 8);
            dst[o + 2] = (byte) (b >>> 16);
            dst[o + 3] = (byte) (b >>> 24);
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

    // ---------------------------------------------------------------------------------------
    // Encoding

    /** Per-format, per-mode constants of the encoder. */
    static final class EncodeConsts {
        final FloatFormat format;
        final Rounding rounding;
        final int m;
        final int bias;
        final int sh;
        final int halfMinusOne;
        final boolean lsbIsImplicit;
        final int rebias;
        final int normalMinE;
        final float magic;
        final int maxMag;
        final int overflowMag;
        final boolean saturate;
        final SpecialValues specials;
        final int signMask;
        final int infPos;
        final int infNeg;
        final int nanPos;
        final int nanNeg;
        final boolean halfPayloadNaN;
        final Compat compat;

        EncodeConsts(FloatFormat f, Rounding rounding, boolean saturate, Compat compat) {
            this.format = f;
            this.rounding = rounding;
            this.m = f.mantissaBits();
            this.bias = f.bias();
            this.sh = 23 - m;
            this.halfMinusOne = (1 << (sh - 1)) - 1;
            this.lsbIsImplicit = m == 0;
            this.rebias = (127 - bias) << m;
            this.normalMinE = 128 - bias;
            this.magic = Math.scalb(1f, 24 - bias - m);
            this.maxMag = f.maxFiniteCode();
            this.specials = f.specials();
            this.saturate = saturate;
            this.signMask = f.signMask();
            this.compat = compat;
            switch (specials) {
                case IEEE:
                    overflowMag = f.positiveInfinityCode();
                    break;
                case FN:
                    overflowMag = f.signMask() - 1;
                    break;
                default:
                    overflowMag = maxMag;
                    break;
            }
            this.infPos = f.encode(Float.POSITIVE_INFINITY, Rounding.NEAREST_EVEN, saturate, compat, 0L);
            this.infNeg = f.encode(Float.NEGATIVE_INFINITY, Rounding.NEAREST_EVEN, saturate, compat, 0L);
            this.nanPos = f.encode(Float.intBitsToFloat(0x7FC00000), Rounding.NEAREST_EVEN, saturate, compat, 0L);
            this.nanNeg = f.encode(Float.intBitsToFloat(0xFFC00000), Rounding.NEAREST_EVEN, saturate, compat, 0L);
            this.halfPayloadNaN = f == FloatFormat.FP16 && compat == Compat.ML_DTYPES;
        }
    }

    /** The codes of one vector of float32 lanes (never called for stochastic rounding). */
    static IntVector encodeLanes(FloatVector x, EncodeConsts k) {
        return finish(x, magnitude(x, k), k);
    }

    /**
     * The rounded magnitude code of each lane before any overflow handling (it may exceed the
     * largest finite code). Meaningless for NaN, infinite and zero lanes, which {@link #finish} fixes.
     */
    static IntVector magnitude(FloatVector x, EncodeConsts k) {
        IntVector abs = x.reinterpretAsInts().and(0x7FFFFFFF);
        IntVector e = abs.lanewise(LSHR, 23);
        if (k.rounding == Rounding.NEAREST_EVEN) {
            // Normal results: add the rounding bias to the float32 bits and drop the extra mantissa
            // bits; a carry moves into the exponent as it should. Subnormal results: the float
            // addition of 2^(24 - bias - m) rounds to the target's unit in the last place.
            IntVector lsb = k.lsbIsImplicit ? IntVector.broadcast(Lanes.I, 1) : abs.lanewise(LSHR, k.sh).and(1);
            IntVector normal = abs.add(lsb).add(k.halfMinusOne).lanewise(LSHR, k.sh).sub(k.rebias);
            IntVector sub = x.abs().add(k.magic).reinterpretAsInts().sub(Float.floatToRawIntBits(k.magic));
            return sub.blend(normal, e.compare(VectorOperators.GE, k.normalMinE));
        }
        return roundGeneric(abs, e, k);
    }

    /** The codes given the rounded magnitudes: overflow, sign, zero and special-value rules. */
    static IntVector finish(FloatVector x, IntVector mag, EncodeConsts k) {
        IntVector u = x.reinterpretAsInts();
        IntVector abs = u.and(0x7FFFFFFF);
        VectorMask<Integer> neg = u.lt(0);
        VectorMask<Integer> over = mag.compare(VectorOperators.GT, k.maxMag);
        mag = mag.blend(k.saturate ? k.maxMag : k.overflowMag, over);
        IntVector zero = IntVector.zero(Lanes.I);
        IntVector code;
        switch (k.specials) {
            case FNUZ: {
                code = mag.or(zero.blend(k.signMask, neg.and(mag.compare(VectorOperators.NE, 0))));
                if (!k.saturate) {
                    code = code.blend(k.signMask, over);
                }
                break;
            }
            case E8M0: {
                code = mag;
                if (!k.saturate) {
                    code = code.blend(0xFF, over);
                }
                VectorMask<Integer> isZero = abs.eq(0);
                if (k.compat == Compat.TORCH) {
                    code = code.blend(0, isZero);
                } else {
                    code = code.blend(k.saturate ? 0 : 0xFF, isZero.or(neg));
                }
                break;
            }
            default:
                code = mag.or(zero.blend(k.signMask, neg));
                break;
        }
        VectorMask<Integer> special = abs.compare(VectorOperators.GE, 0x7F800000);
        if (special.anyTrue()) {
            VectorMask<Integer> isNaN = abs.compare(VectorOperators.GT, 0x7F800000);
            VectorMask<Integer> isInf = abs.eq(0x7F800000);
            code = code.blend(IntVector.broadcast(Lanes.I, k.infPos).blend(k.infNeg, neg), isInf);
            IntVector nan;
            if (k.halfPayloadNaN) {
                IntVector payload = abs.and(0x7FFFFF).lanewise(LSHR, 13);
                payload = payload.blend(1, payload.eq(0));
                nan = payload.or(0x7C00).or(zero.blend(0x8000, neg));
            } else {
                nan = IntVector.broadcast(Lanes.I, k.nanPos).blend(k.nanNeg, neg);
            }
            code = code.blend(nan, isNaN);
        }
        return code;
    }

    /** Lanes whose finite, non-zero value rounds above the largest finite magnitude (clipped when saturating). */
    static VectorMask<Integer> clipped(FloatVector x, IntVector mag, EncodeConsts k) {
        IntVector abs = x.reinterpretAsInts().and(0x7FFFFFFF);
        return mag.compare(VectorOperators.GT, k.maxMag).and(abs.compare(VectorOperators.LT, 0x7F800000))
                .and(abs.compare(VectorOperators.NE, 0));
    }

    /** Nearest-away and toward-zero rounding through the integer significand (see FloatFormat). */
    private static IntVector roundGeneric(IntVector abs, IntVector e, EncodeConsts k) {
        IntVector eEff = e.max(1);
        IntVector t = eEff.sub(127 - k.bias);
        IntVector sig = abs.and(0x7FFFFF).or(IntVector.zero(Lanes.I).blend(0x800000, e.compare(
                VectorOperators.GT, 0)));
        IntVector under = IntVector.broadcast(Lanes.I, 1).sub(t).max(0);
        IntVector shift = under.add(23 - k.m).min(25);
        boolean e8m0 = k.specials == SpecialValues.E8M0;
        VectorMask<Integer> tiny = null;
        if (e8m0) {
            // E8M0 has no zero. Float32 subnormals in [2^-127, 2^-126) round between codes 0 and 1,
            // i.e. the fraction's top bit is the unit; anything smaller becomes code 0.
            tiny = e.eq(0);
            shift = shift.blend(22, tiny);
        }
        IntVector q = sig.lanewise(LSHR, shift);
        if (k.rounding == Rounding.NEAREST_AWAY) {
            IntVector one = IntVector.broadcast(Lanes.I, 1);
            IntVector rem = sig.and(one.lanewise(LSHL, shift).sub(1));
            IntVector half = one.lanewise(LSHL, shift.sub(1));
            q = q.add(IntVector.zero(Lanes.I).blend(1, rem.compare(VectorOperators.GE, half)));
        }
        IntVector mag = q.add(t.max(1).sub(1).lanewise(LSHL, k.m));
        if (e8m0) {
            mag = mag.blend(q.sub(1).max(0), tiny);
        }
        return mag;
    }

    /** Encodes to one code per byte. */
    static void encodeCodes(FloatFormat f, float[] src, int off, byte[] dst, int dOff, int n, Rounding r, boolean sat,
                            Compat compat) {
        EncodeConsts k = new EncodeConsts(f, r, sat, compat);
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            IntVector c = encodeLanes(FloatVector.fromArray(Lanes.F, src, off + i), k);
            storeBytes(c, dst, dOff + i);
        }
        for (; i < n; i++) {
            dst[dOff + i] = (byte) f.encode(src[off + i], r, sat, compat, 0L);
        }
    }

    /** Stores the low byte of each int lane. */
    static void storeBytes(IntVector c, byte[] dst, int off) {
        ByteVector b = (ByteVector) c.convertShape(I2B, Lanes.B_PER_LANE, 0);
        if (Lanes.BITS == 128) {
            b.intoArray(dst, off, Lanes.BYTE_LANES);
        } else {
            b.intoArray(dst, off);
        }
    }

    /** Encodes to little-endian 16-bit codes (BF16, FP16). */
    static void encode16(FloatFormat f, float[] src, int off, byte[] dst, int dOff, int n, Rounding r, boolean sat,
                         Compat compat) {
        EncodeConsts k = new EncodeConsts(f, r, sat, compat);
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            IntVector c = encodeLanes(FloatVector.fromArray(Lanes.F, src, off + i), k);
            ShortVector s = (ShortVector) c.convertShape(I2S, Lanes.S_PER_LANE, 0);
            s.reinterpretAsBytes().intoArray(dst, dOff + 2 * i);
        }
        for (; i < n; i++) {
            int c = f.encode(src[off + i], r, sat, compat, 0L);
            dst[dOff + 2 * i] = (byte) c;
            dst[dOff + 2 * i + 1] = (byte) (c >>> 8);
        }
    }
}
