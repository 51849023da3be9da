package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.I2B;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.numeric.SpecialValues;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector encoders of the element formats, bit-identical to
 * {@link FloatFormat#encode(float, Rounding, boolean, Compat, long)} for the deterministic rounding
 * modes (stochastic rounding is left to the scalar reference).
 *
 * <p>Round to nearest even lets float32 addition do the rounding: adding a power of two whose unit
 * in the last place is the target's spacing rounds to nearest even on the target's grid, exactly.
 * For the formats whose range sits well inside float32's (FP8, FP6, FP4, FP16) that power is chosen
 * per lane from the lane's clamped exponent, one path for normal and subnormal results alike
 * ({@link #uniformMagnitude}). For BF16 a rounding bias is added to the float32 bits before the extra
 * mantissa bits are dropped (a carry moves into the exponent as it should), and results in the
 * subnormal range add the fixed 2^(24 - bias - m). The other modes shift an integer significand
 * per lane.
 *
 * <p>Each per-vector step is a separate small method: C2 inlines methods below 325 bytecodes into
 * the loop, and a step it did not inline would receive its vectors boxed, many times slower.
 */
final class VEncode {
    private VEncode() {
    }

    /** Per-format, per-mode constants of the encoder. */
    static final class Consts {
        final Rounding rounding;
        final int m;
        final int sh;
        final int halfMinusOne;
        final boolean lsbIsImplicit;
        /** float32 bits of the target's smallest normal value (results below it are subnormal). */
        final int normalMinBits;
        final float magic;
        final int magicBits;
        final int biasShift;
        final int maxMag;
        /** The magnitude an overflowing lane gets: max when saturating, else the Inf or NaN magnitude. */
        final int overflowCode;
        final boolean saturate;
        final boolean fnuz;
        final boolean e8m0;
        final boolean torch;
        final int signMask;
        /** Right shift that moves the float32 sign bit onto the code's sign bit. */
        final int signShift;
        final int infPos;
        final int infNeg;
        final int nanPos;
        final int nanNeg;
        final boolean halfPayloadNaN;
        /**
         * Whether {@link #normalCodes} applies: nearest-even rounding of a format with mantissa
         * bits, the IEEE-like sign rule (not FNUZ, not E8M0).
         */
        final boolean normalFast;
        /** {@link #halfMinusOne} minus the exponent rebias in float32 bit position (see normalCodes). */
        final int normalBias;
        /** Added to |x| bits so one signed comparison with {@link #rangeLimit} finds lanes outside [normal min, Inf). */
        final int rangeShift;
        final int rangeLimit;
        /**
         * Whether nearest-even magnitudes come from {@link #uniformMagnitude}: one float addition for
         * normal and subnormal results alike. It needs the exponent of 2^(emax + 1 + 23 - m) to stay
         * finite in float32, so not for BF16 or E8M0, whose range is float32's own.
         */
        final boolean uniform;
        /** float32 bits of 2^(emax + 1), emax the exponent of the largest finite value. */
        final int clampBits;
        /** (23 - m) in float32's exponent field: adding it multiplies by 2^(23 - m). */
        final int unitShift;
        /**
         * Whether the short path is {@link #uniformCodes}: {@link #uniform} magnitudes with the
         * IEEE-like sign rule (not FNUZ). Otherwise it is {@link #normalCodes} when
         * {@link #normalFast} holds.
         */
        final boolean uniformFast;
        /**
         * float32 bits of the largest magnitude that rounds to at most the largest finite code; lanes
         * above it (overflow, Inf, NaN) leave {@link #uniformCodes}' short path.
         */
        final int fastLimitBits;

        /** One encoder configuration (formats are a fixed set of constants, so the cache stays small). */
        private record Key(FloatFormat format, Rounding rounding, boolean saturate, Compat compat) {
        }

        private static final ConcurrentHashMap<Key, Consts> CACHE = new ConcurrentHashMap<>();

        /**
         * The constants of one configuration, built once: building them takes the reference's
         * encodings of the specials and a bisection, about as long as encoding a thousand values.
         */
        static Consts of(FloatFormat f, Rounding rounding, boolean saturate, Compat compat) {
            return CACHE.computeIfAbsent(new Key(f, rounding, saturate, compat),
                    key -> new Consts(key.format(), key.rounding(), key.saturate(), key.compat()));
        }

        Consts(FloatFormat f, Rounding rounding, boolean saturate, Compat compat) {
            if (rounding == Rounding.STOCHASTIC) {
                throw new IllegalArgumentException("the vector encoder is deterministic; stochastic rounding is scalar");
            }
            this.rounding = rounding;
            this.m = f.mantissaBits();
            this.sh = 23 - m;
            this.halfMinusOne = (1 << (sh - 1)) - 1;
            // With no mantissa bits the kept quotient of the significand is its leading 1, which is odd,
            // so ties round up (the reference rounds the significand 1.f the same way).
            this.lsbIsImplicit = m == 0;
            this.normalMinBits = (128 - f.bias()) << 23;
            this.magic = Math.scalb(1f, 24 - f.bias() - m);
            this.magicBits = Float.floatToRawIntBits(magic);
            this.biasShift = 127 - f.bias();
            this.maxMag = f.maxFiniteCode();
            SpecialValues specials = f.specials();
            int overflowMag;
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
            this.overflowCode = saturate ? maxMag : overflowMag;
            if (overflowCode != maxMag && overflowCode != maxMag + 1) {
                throw new AssertionError(f + ": the overflow code must follow the largest finite one");
            }
            this.saturate = saturate;
            this.fnuz = specials == SpecialValues.FNUZ;
            this.e8m0 = specials == SpecialValues.E8M0;
            this.torch = compat == Compat.TORCH;
            this.signMask = f.signMask();
            this.signShift = 32 - f.bits();
            this.infPos = f.encode(Float.POSITIVE_INFINITY, Rounding.NEAREST_EVEN, saturate, compat, 0L);
            this.infNeg = f.encode(Float.NEGATIVE_INFINITY, Rounding.NEAREST_EVEN, saturate, compat, 0L);
            this.nanPos = f.encode(Float.intBitsToFloat(0x7FC00000), Rounding.NEAREST_EVEN, saturate, compat, 0L);
            this.nanNeg = f.encode(Float.intBitsToFloat(0xFFC00000), Rounding.NEAREST_EVEN, saturate, compat, 0L);
            this.halfPayloadNaN = f == FloatFormat.FP16 && compat == Compat.ML_DTYPES;
            this.normalFast = rounding == Rounding.NEAREST_EVEN && !lsbIsImplicit && !fnuz && !e8m0;
            this.normalBias = halfMinusOne - ((127 - f.bias()) << 23);
            this.rangeShift = Integer.MIN_VALUE - normalMinBits;
            this.rangeLimit = (0x7F800000 - normalMinBits) + Integer.MIN_VALUE;
            int clampExponent = Math.getExponent(f.maxFinite()) + 1 + 127;
            this.clampBits = clampExponent << 23;
            this.unitShift = sh << 23;
            this.uniform = rounding == Rounding.NEAREST_EVEN && !e8m0 && clampExponent + sh < 255;
            this.uniformFast = uniform && !fnuz;
            this.fastLimitBits = uniformFast ? largestInRange(f, clampBits) : 0;
        }

        /**
         * float32 bits of the largest magnitude below 2^(emax + 1) that the reference does not round
         * above the largest finite value (found by bisection: rounding is monotone).
         */
        private static int largestInRange(FloatFormat f, int clampBits) {
            int lo = Float.floatToRawIntBits((float) f.maxFinite());
            int hi = clampBits;
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (f.roundsAboveMax(Float.intBitsToFloat(mid), Rounding.NEAREST_EVEN, 0L)) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return lo;
        }
    }

    /** The codes of one vector of float32 lanes. */
    static IntVector encodeLanes(FloatVector x, Consts k) {
        return finish(x, magnitude(x, k), k);
    }

    /**
     * Whether every lane is finite and at least the target's smallest normal (the usual case for
     * scaled weights), so that {@link #normalCodes} applies.
     */
    static boolean allNormal(FloatVector x, Consts k) {
        // Unsigned (|x| - normalMin) < (Inf - normalMin), written as a signed comparison (Java 17 has no unsigned one).
        IntVector abs = x.reinterpretAsInts().and(0x7FFFFFFF);
        return !abs.add(k.rangeShift).compare(VectorOperators.GE, k.rangeLimit).anyTrue();
    }

    /**
     * The codes of a vector that passed {@link #allNormal}, when {@link Consts#normalFast} holds:
     * identical to {@link #encodeLanes} for such lanes, in fewer steps. The rebias is folded into the
     * rounding constant, exact because |x| is at least the smallest normal, so the subtraction cannot
     * go below zero.
     */
    static IntVector normalCodes(FloatVector x, Consts k) {
        IntVector u = x.reinterpretAsInts();
        IntVector abs = u.and(0x7FFFFFFF);
        IntVector rounded = abs.add(abs.lanewise(LSHR, k.sh).and(1)).add(k.normalBias).lanewise(LSHR, k.sh);
        return rounded.min(k.overflowCode).or(u.lanewise(LSHR, k.signShift).and(k.signMask));
    }

    /**
     * Whether every lane is at most {@link Consts#fastLimitBits} in magnitude (no overflow, Inf or
     * NaN), so that {@link #uniformCodes} applies.
     */
    static boolean inUniformRange(FloatVector x, Consts k) {
        return !x.reinterpretAsInts().and(0x7FFFFFFF).compare(VectorOperators.GT, k.fastLimitBits).anyTrue();
    }

    /**
     * The codes of a vector that passed {@link #inUniformRange}, when {@link Consts#uniformFast}
     * holds, in their low bits only: the bits above the code are not zero. It is
     * {@link #uniformMagnitude} without the clamp at 2^(emax + 1) and the overflow minimum (no lane
     * needs them) and without subtracting B: B's low 23 bits are zero, so the code's low bits are
     * those of bits(|x| + B) plus the exponent offset. Every caller keeps only the code's width.
     */
    static IntVector uniformCodes(FloatVector x, Consts k) {
        IntVector u = x.reinterpretAsInts();
        IntVector abs = u.and(0x7FFFFFFF);
        IntVector e = abs.and(0x7F800000).max(k.normalMinBits);
        IntVector sum = abs.reinterpretAsFloats().add(e.add(k.unitShift).reinterpretAsFloats()).reinterpretAsInts();
        IntVector codeLow = sum.add(e.sub(k.normalMinBits).lanewise(LSHR, k.sh));
        return codeLow.or(u.lanewise(LSHR, k.signShift).and(k.signMask));
    }

    /** The codes given the rounded magnitudes of {@link #magnitude}. */
    static IntVector finish(FloatVector x, IntVector mag, Consts k) {
        IntVector code = applyRange(x, mag, k);
        if (x.reinterpretAsInts().and(0x7FFFFFFF).compare(VectorOperators.GE, 0x7F800000).anyTrue()) {
            code = specials(x, code, k); // rare: Inf and NaN lanes
        }
        return code;
    }

    /**
     * The rounded magnitude code of each lane before any overflow handling (it may exceed the
     * largest finite code). Meaningless for NaN and infinite lanes.
     */
    static IntVector magnitude(FloatVector x, Consts k) {
        IntVector abs = x.reinterpretAsInts().and(0x7FFFFFFF);
        if (k.rounding != Rounding.NEAREST_EVEN) {
            return roundGeneric(abs, abs.lanewise(LSHR, 23), k);
        }
        if (k.uniform) {
            return uniformMagnitude(abs, k);
        }
        IntVector lsb = k.lsbIsImplicit ? IntVector.broadcast(Lanes.I, 1) : abs.lanewise(LSHR, k.sh).and(1);
        // The rebias folded into the rounding constant (see normalCodes); lanes below the smallest
        // normal may go negative here, but they take the subnormal result.
        IntVector normal = abs.add(lsb).add(k.normalBias).lanewise(LSHR, k.sh);
        IntVector sub = abs.reinterpretAsFloats().add(k.magic).reinterpretAsInts().sub(k.magicBits);
        return sub.blend(normal, abs.compare(VectorOperators.GE, k.normalMinBits));
    }

    /**
     * Nearest-even magnitudes when {@link Consts#uniform} holds. With e the lane's exponent clamped
     * to [emin, emax + 1], B = 2^(e + 23 - m) has a float32 unit in the last place equal to the
     * target's spacing at e (its subnormal spacing when e = emin), and |x| + B stays in B's binade,
     * so the float addition rounds |x| to nearest even on the target's grid: bits(|x| + B) - bits(B)
     * is the rounded significand, to which the exponent's offset (e - emin) << m is added. Lanes at or
     * above 2^(emax + 1) come out above the largest finite magnitude, as the overflow rules need.
     */
    static IntVector uniformMagnitude(IntVector abs, Consts k) {
        IntVector e = abs.and(0x7F800000).max(k.normalMinBits).min(k.clampBits);
        IntVector unit = e.add(k.unitShift);
        IntVector q = abs.reinterpretAsFloats().add(unit.reinterpretAsFloats()).reinterpretAsInts().sub(unit);
        return q.add(e.sub(k.normalMinBits).lanewise(LSHR, k.sh));
    }

    /** Overflow, sign and zero rules for finite lanes (Inf and NaN lanes are fixed afterwards). */
    static IntVector applyRange(FloatVector x, IntVector mag, Consts k) {
        // The overflow code is the largest finite magnitude or the one just above it (Inf, or FN's
        // NaN), so a minimum maps every overflowing magnitude to it.
        IntVector code = mag.min(k.overflowCode);
        IntVector u = x.reinterpretAsInts();
        if (k.e8m0) {
            return e8m0Rules(u, code, mag.compare(VectorOperators.GT, k.maxMag), k);
        }
        if (k.fnuz) {
            return fnuzRules(code, u.lt(0), mag.compare(VectorOperators.GT, k.maxMag), k);
        }
        // The float32 sign bit moved down to the code's sign bit.
        return code.or(u.lanewise(LSHR, k.signShift).and(k.signMask));
    }

    /** FNUZ: no negative zero; a non-saturated overflow is the single NaN code. */
    private static IntVector fnuzRules(IntVector code, VectorMask<Integer> neg, VectorMask<Integer> over, Consts k) {
        code = code.or(IntVector.zero(Lanes.I).blend(k.signMask, neg.andNot(code.eq(0))));
        return k.saturate ? code : code.blend(k.signMask, over);
    }

    /** E8M0: no sign and no zero; ml_dtypes maps zero and negatives to NaN, torch ignores the sign. */
    private static IntVector e8m0Rules(IntVector u, IntVector code, VectorMask<Integer> over, Consts k) {
        if (!k.saturate) {
            code = code.blend(0xFF, over);
        }
        VectorMask<Integer> isZero = u.and(0x7FFFFFFF).eq(0);
        if (k.torch) {
            return code.blend(0, isZero);
        }
        return code.blend(k.saturate ? 0 : 0xFF, isZero.or(u.lt(0)));
    }

    /** Infinity and NaN lanes (called only when a vector holds one). */
    static IntVector specials(FloatVector x, IntVector code, Consts k) {
        IntVector u = x.reinterpretAsInts();
        IntVector abs = u.and(0x7FFFFFFF);
        VectorMask<Integer> neg = u.lt(0);
        VectorMask<Integer> isNaN = abs.compare(VectorOperators.GT, 0x7F800000);
        code = code.blend(IntVector.broadcast(Lanes.I, k.infPos).blend(k.infNeg, neg), abs.eq(0x7F800000));
        IntVector nan;
        if (k.halfPayloadNaN) {
            // numpy keeps the top 10 payload bits (at least 1 so the result stays a NaN).
            IntVector payload = abs.and(0x7FFFFF).lanewise(LSHR, 13);
            payload = payload.blend(1, payload.eq(0));
            nan = payload.or(0x7C00).or(IntVector.zero(Lanes.I).blend(0x8000, neg));
        } else {
            nan = IntVector.broadcast(Lanes.I, k.nanPos).blend(k.nanNeg, neg);
        }
        return code.blend(nan, isNaN);
    }

    /** Lanes whose finite, non-zero value rounds above the largest finite magnitude (clipped when saturating). */
    static VectorMask<Integer> clipped(FloatVector x, IntVector mag, Consts k) {
        IntVector abs = x.reinterpretAsInts().and(0x7FFFFFFF);
        return mag.compare(VectorOperators.GT, k.maxMag).and(abs.compare(VectorOperators.LT, 0x7F800000))
                .and(abs.compare(VectorOperators.NE, 0));
    }

    /** Nearest-away and toward-zero rounding of an integer significand (see FloatFormat). */
    private static IntVector roundGeneric(IntVector abs, IntVector e, Consts k) {
        IntVector t = e.max(1).sub(k.biasShift);
        IntVector sig = abs.and(0x7FFFFF).or(IntVector.zero(Lanes.I).blend(0x800000, e.compare(
                VectorOperators.GT, 0)));
        // Vector shift counts are taken modulo 32: 25 already drops every bit of a 24-bit significand.
        IntVector shift = IntVector.broadcast(Lanes.I, 1).sub(t).max(0).add(k.sh).min(25);
        VectorMask<Integer> tiny = null;
        if (k.e8m0) {
            // E8M0 has no zero. Float32 subnormals in [2^-127, 2^-126) round between codes 0 and 1,
            // i.e. the fraction's top bit is the unit; anything smaller becomes code 0.
            tiny = e.eq(0);
            shift = shift.blend(22, tiny);
        }
        IntVector q = sig.lanewise(LSHR, shift);
        if (k.rounding == Rounding.NEAREST_AWAY) {
            IntVector half = IntVector.broadcast(Lanes.I, 1).lanewise(LSHL, shift.sub(1));
            IntVector rem = sig.and(half.add(half).sub(1));
            q = q.add(IntVector.zero(Lanes.I).blend(1, rem.compare(VectorOperators.GE, half)));
        }
        IntVector mag = q.add(t.max(1).sub(1).lanewise(LSHL, k.m));
        return k.e8m0 ? mag.blend(q.sub(1).max(0), tiny) : mag;
    }

    /**
     * Vectors handed to the general encoder when the short path meets one that is not all normal:
     * enough to amortize the call, few enough to return to the short path soon. The stretch doubles
     * (up to {@link #GENERAL_RUN_MAX}) while the short path keeps failing at once, as it does for
     * weights that are mostly subnormal in the target, so that those pay for the two calls once per
     * long stretch rather than once per 16 vectors.
     */
    static final int GENERAL_RUN = 16 * Lanes.N;
    static final int GENERAL_RUN_MAX = 1024 * Lanes.N;

    /**
     * Encodes the first {@code whole} elements (a multiple of N): runs of the short path, each
     * followed by a stretch of the general one, or the general path alone when the short one does
     * not apply. Codes are one byte each, or two (little-endian) when {@code sixteenBit}.
     */
    private static void encodeWhole(Consts k, float[] src, int off, byte[] dst, int dOff, int whole,
                                    boolean sixteenBit) {
        int i = 0;
        int run = GENERAL_RUN;
        boolean shortPath = k.uniformFast || k.normalFast;
        if (!k.uniformFast && k.normalFast && !sixteenBit) {
            throw new AssertionError("a one-byte format with only the normal-range short path");
        }
        while (i < whole) {
            if (shortPath) {
                int start = i;
                if (k.uniformFast) {
                    i = sixteenBit ? VPasses.encodeUniform16(src, off, dst, dOff, i, whole, k)
                            : VPasses.encodeUniform8(src, off, dst, dOff, i, whole, k);
                } else {
                    // Only BF16 has the normal-range short path without the uniform one.
                    i = VPasses.encodeNormal16(src, off, dst, dOff, i, whole, k);
                }
                run = i == start ? Math.min(2 * run, GENERAL_RUN_MAX) : GENERAL_RUN;
            }
            int end = shortPath ? i + Math.min(whole - i, run) : whole;
            if (sixteenBit) {
                VPasses.encodeGeneral16(src, off + i, dst, dOff + 2 * i, end - i, k);
            } else {
                VPasses.encodeGeneral8(src, off + i, dst, dOff + i, end - i, k);
            }
            i = end;
        }
    }

    /** Encodes to one code per byte. */
    static void encodeCodes(FloatFormat f, float[] src, int off, byte[] dst, int dOff, int n, Rounding r, boolean sat,
                            Compat compat) {
        int whole = n - n % Lanes.N;
        encodeWhole(Consts.of(f, r, sat, compat), src, off, dst, dOff, whole, false);
        for (int i = whole; i < n; i++) {
            dst[dOff + i] = (byte) f.encode(src[off + i], r, sat, compat, 0L);
        }
    }

    /** Stores the low byte of each int lane (exactly N bytes). */
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
        int whole = n - n % Lanes.N;
        encodeWhole(Consts.of(f, r, sat, compat), src, off, dst, dOff, whole, true);
        for (int i = whole; i < n; i++) {
            int c = f.encode(src[off + i], r, sat, compat, 0L);
            dst[dOff + 2 * i] = (byte) c;
            dst[dOff + 2 * i + 1] = (byte) (c >>> 8);
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

}
