package dev.qlens.core.numeric;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A binary floating-point element format (FP8, FP6, FP4, E3M0, E8M0, BF16, FP16) and its scalar
 * reference codec.
 *
 * <p>Values follow the usual rules: with exponent field E, mantissa field M (m bits) and bias b, a
 * normal code (E &gt; 0) is (-1)^S · 2^(E-b) · (1 + M/2^m) and a subnormal code (E = 0) is
 * (-1)^S · 2^(1-b) · M/2^m. E8M0 is the exception: it is unsigned and every code E &lt; 255 is
 * 2^(E-127), so code 0 is 2^-127, not zero. {@link SpecialValues} says which codes are Inf and NaN.
 *
 * <p>Encoding is exact integer arithmetic on the binary64 bits of the input (a float32 input is
 * widened first, which is exact), so every result is the correctly rounded value under the chosen
 * {@link Rounding}, followed by the overflow rule and the special-value conventions of the chosen
 * {@link Compat}. This is the oracle that every fast path in qlens is tested against.
 */
public final class FloatFormat {
    /** OCP FP8 E4M3FN: bias 7, no Inf, NaN = S.1111.111, max 448. */
    public static final FloatFormat FP8_E4M3FN = new FloatFormat("fp8_e4m3fn", 4, 3, 7, SpecialValues.FN,
            "fp8_e4m3", "e4m3fn", "e4m3", "float8_e4m3fn", "f8_e4m3");
    /** OCP FP8 E5M2: IEEE-like, bias 15, max 57344. */
    public static final FloatFormat FP8_E5M2 = new FloatFormat("fp8_e5m2", 5, 2, 15, SpecialValues.IEEE,
            "e5m2", "float8_e5m2", "f8_e5m2");
    /** FP8 E4M3FNUZ: bias 8, only NaN is 0x80, no negative zero, max 240. */
    public static final FloatFormat FP8_E4M3FNUZ = new FloatFormat("fp8_e4m3fnuz", 4, 3, 8, SpecialValues.FNUZ,
            "e4m3fnuz", "float8_e4m3fnuz", "f8_e4m3fnuz");
    /** FP8 E5M2FNUZ: bias 16, only NaN is 0x80, no negative zero, max 57344. */
    public static final FloatFormat FP8_E5M2FNUZ = new FloatFormat("fp8_e5m2fnuz", 5, 2, 16, SpecialValues.FNUZ,
            "e5m2fnuz", "float8_e5m2fnuz", "f8_e5m2fnuz");
    /** OCP MX FP6 E2M3: bias 1, no Inf/NaN, max 7.5. */
    public static final FloatFormat FP6_E2M3 = new FloatFormat("fp6_e2m3", 2, 3, 1, SpecialValues.NONE,
            "e2m3", "e2m3fn", "float6_e2m3fn", "f6_e2m3");
    /** OCP MX FP6 E3M2: bias 3, no Inf/NaN, max 28. */
    public static final FloatFormat FP6_E3M2 = new FloatFormat("fp6_e3m2", 3, 2, 3, SpecialValues.NONE,
            "e3m2", "e3m2fn", "float6_e3m2fn", "f6_e3m2");
    /** OCP MX FP4 E2M1: bias 1, no Inf/NaN, values ±{0, 0.5, 1, 1.5, 2, 3, 4, 6}. */
    public static final FloatFormat FP4_E2M1 = new FloatFormat("fp4_e2m1", 2, 1, 1, SpecialValues.NONE,
            "e2m1", "e2m1fn", "float4_e2m1fn", "fp4", "f4");
    /**
     * E3M0, a non-standard 4-bit format defined here: 1 sign bit, 3 exponent bits, no mantissa,
     * bias 3, no Inf/NaN. Exponent field 0 is ±0 and codes 1..7 are 2^-2..2^4, so the values are
     * ±{0, 0.25, 0.5, 1, 2, 4, 8, 16}. Rounding follows the generic rule, so with no mantissa bit a
     * tie between two powers of two goes up in magnitude (1.5 → 2) and the underflow midpoint 0.125
     * goes to 0. Overflow saturates at ±16 and NaN encodes as the zero of opposite sign, as for FP4.
     */
    public static final FloatFormat FP4_E3M0 = new FloatFormat("fp4_e3m0", 3, 0, 3, SpecialValues.NONE,
            "e3m0", "e3m0fn");
    /** OCP MX scale E8M0: unsigned power of two 2^(E-127), 0xFF = NaN, no zero. */
    public static final FloatFormat E8M0 = new FloatFormat("e8m0", 8, 0, 127, SpecialValues.E8M0,
            "fp8_e8m0", "e8m0fnu", "float8_e8m0fnu", "f8_e8m0");
    /** bfloat16: the upper half of IEEE binary32. */
    public static final FloatFormat BF16 = new FloatFormat("bf16", 8, 7, 127, SpecialValues.IEEE,
            "bfloat16");
    /** IEEE binary16. */
    public static final FloatFormat FP16 = new FloatFormat("fp16", 5, 10, 15, SpecialValues.IEEE,
            "float16", "half", "f16");

    private static final List<FloatFormat> ALL = List.of(FP8_E4M3FN, FP8_E5M2, FP8_E4M3FNUZ, FP8_E5M2FNUZ,
            FP6_E2M3, FP6_E3M2, FP4_E2M1, FP4_E3M0, E8M0, BF16, FP16);
    private static final Map<String, FloatFormat> BY_NAME = new LinkedHashMap<>();

    static {
        for (FloatFormat f : ALL) {
            BY_NAME.put(f.name, f);
            for (String alias : f.aliases) {
                BY_NAME.put(alias, f);
            }
        }
    }

    private final String name;
    private final List<String> aliases;
    private final int exponentBits;
    private final int mantissaBits;
    private final int bias;
    private final SpecialValues specials;
    private final int bits;
    private final int codeMask;
    private final int signMask;
    private final int magnitudeMask;
    private final int maxFiniteMagnitude;
    private final int infMagnitude;
    private final boolean isBfloat16;
    private final boolean isHalf;
    private final float[] decodeTable;

    private FloatFormat(String name, int exponentBits, int mantissaBits, int bias, SpecialValues specials,
                        String... aliases) {
        this.name = name;
        this.aliases = List.of(aliases);
        this.exponentBits = exponentBits;
        this.mantissaBits = mantissaBits;
        this.bias = bias;
        this.specials = specials;
        boolean signed = specials != SpecialValues.E8M0;
        this.bits = (signed ? 1 : 0) + exponentBits + mantissaBits;
        this.codeMask = (1 << bits) - 1;
        this.signMask = signed ? 1 << (exponentBits + mantissaBits) : 0;
        this.magnitudeMask = (1 << (exponentBits + mantissaBits)) - 1;
        this.isBfloat16 = specials == SpecialValues.IEEE && exponentBits == 8 && mantissaBits == 7;
        this.isHalf = specials == SpecialValues.IEEE && exponentBits == 5 && mantissaBits == 10;
        int allOnesExponent = ((1 << exponentBits) - 1) << mantissaBits;
        switch (specials) {
            case IEEE:
                this.maxFiniteMagnitude = allOnesExponent - 1;
                this.infMagnitude = allOnesExponent;
                break;
            case FN:
            case E8M0:
                this.maxFiniteMagnitude = magnitudeMask - 1;
                this.infMagnitude = -1;
                break;
            default:
                this.maxFiniteMagnitude = magnitudeMask;
                this.infMagnitude = -1;
                break;
        }
        if (bits <= 8) {
            float[] table = new float[1 << bits];
            for (int c = 0; c < table.length; c++) {
                table[c] = decode(c, Compat.ML_DTYPES);
            }
            this.decodeTable = table;
        } else {
            this.decodeTable = null;
        }
    }

    /** All floating-point element formats, in catalog order. */
    public static List<FloatFormat> all() {
        return ALL;
    }

    /**
     * Looks a format up by its name or an alias (case-insensitive; {@code -} and {@code _} are
     * interchangeable), e.g. {@code fp8_e4m3fn}, {@code e4m3}, {@code float8_e5m2}, {@code bf16}.
     *
     * @throws IllegalArgumentException listing the known names
     */
    public static FloatFormat byName(String text) {
        FloatFormat f = BY_NAME.get(text.trim().toLowerCase(Locale.ROOT).replace('-', '_'));
        if (f == null) {
            List<String> names = new ArrayList<>();
            for (FloatFormat g : ALL) {
                names.add(g.name);
            }
            throw new IllegalArgumentException("unknown float format '" + text + "'; known: " + String.join(", ", names));
        }
        return f;
    }

    /** Like {@link #byName} but returns null when the name is unknown. */
    public static FloatFormat find(String text) {
        return BY_NAME.get(text.trim().toLowerCase(Locale.ROOT).replace('-', '_'));
    }

    /** Canonical name, e.g. {@code fp8_e4m3fn}. */
    public String name() {
        return name;
    }

    /** Alternative names accepted by {@link #byName}. */
    public List<String> aliases() {
        return Collections.unmodifiableList(aliases);
    }

    /** Total bits per code (sign + exponent + mantissa). */
    public int bits() {
        return bits;
    }

    /** Exponent field width. */
    public int exponentBits() {
        return exponentBits;
    }

    /** Stored mantissa bits (the implicit leading bit not counted). */
    public int mantissaBits() {
        return mantissaBits;
    }

    /** Exponent bias. */
    public int bias() {
        return bias;
    }

    /** Inf/NaN convention. */
    public SpecialValues specials() {
        return specials;
    }

    /** Whether the format has a sign bit (all but E8M0). */
    public boolean isSigned() {
        return signMask != 0;
    }

    /** The sign bit of a code, or 0 for unsigned formats. */
    public int signMask() {
        return signMask;
    }

    /** Mask of all valid code bits. */
    public int codeMask() {
        return codeMask;
    }

    /** The code of the largest finite positive value. */
    public int maxFiniteCode() {
        return maxFiniteMagnitude;
    }

    /** The largest finite value. */
    public double maxFinite() {
        return decodeDouble(maxFiniteMagnitude);
    }

    /** The smallest positive normal value (for E8M0 the smallest value, 2^-127). */
    public double minNormal() {
        return specials == SpecialValues.E8M0 ? Math.scalb(1.0, -127) : Math.scalb(1.0, 1 - bias);
    }

    /** The smallest positive subnormal value, or 0 when the format has no subnormals (E3M0, E8M0). */
    public double minSubnormal() {
        if (mantissaBits == 0 || specials == SpecialValues.E8M0) {
            return 0;
        }
        return Math.scalb(1.0, 1 - bias - mantissaBits);
    }

    /** Whether the format can represent ±infinity. */
    public boolean hasInfinity() {
        return infMagnitude >= 0;
    }

    /** Whether some code decodes to NaN. */
    public boolean hasNaN() {
        return specials != SpecialValues.NONE;
    }

    /** Whether −0 has its own code. */
    public boolean hasNegativeZero() {
        return specials == SpecialValues.IEEE || specials == SpecialValues.FN || specials == SpecialValues.NONE;
    }

    /** The code of +infinity, or -1 when the format has none. */
    public int positiveInfinityCode() {
        return infMagnitude;
    }

    /** All codes that decode to NaN, in increasing order. */
    public int[] nanCodes() {
        int n = 0;
        int[] tmp = new int[1 << bits];
        for (int c = 0; c <= codeMask; c++) {
            if (isNaN(c)) {
                tmp[n++] = c;
            }
        }
        int[] out = new int[n];
        System.arraycopy(tmp, 0, out, 0, n);
        return out;
    }

    /** Whether {@code code} decodes to NaN. */
    public boolean isNaN(int code) {
        code &= codeMask;
        switch (specials) {
            case IEEE: {
                int mag = code & magnitudeMask;
                return mag > infMagnitude;
            }
            case FN:
                return (code & magnitudeMask) == magnitudeMask;
            case FNUZ:
                return code == signMask;
            case E8M0:
                return code == 0xFF;
            default:
                return false;
        }
    }

    /** Whether {@code code} decodes to ±infinity. */
    public boolean isInfinite(int code) {
        return infMagnitude >= 0 && (code & magnitudeMask) == infMagnitude;
    }

    // ------------------------------------------------------------------------------------------
    // Decode

    /** The exact value of {@code code} as a double (NaN for NaN codes). */
    public double decodeDouble(int code) {
        code &= codeMask;
        if (isNaN(code)) {
            return Double.NaN;
        }
        if (specials == SpecialValues.E8M0) {
            return Math.scalb(1.0, code - 127);
        }
        boolean negative = (code & signMask) != 0;
        int mag = code & magnitudeMask;
        double value;
        if (mag == infMagnitude) {
            value = Double.POSITIVE_INFINITY;
        } else {
            int e = mag >>> mantissaBits;
            int mant = mag & ((1 << mantissaBits) - 1);
            if (e == 0) {
                value = Math.scalb((double) mant, 1 - bias - mantissaBits);
            } else {
                value = Math.scalb((double) ((1 << mantissaBits) + mant), e - bias - mantissaBits);
            }
        }
        return negative ? -value : value;
    }

    /** Decodes to float32 with ml_dtypes' NaN bits. Every finite value is exact in float32. */
    public float decode(int code) {
        if (decodeTable != null) {
            return decodeTable[code & codeMask];
        }
        return decode(code, Compat.ML_DTYPES);
    }

    /**
     * Decodes to float32. Finite values and infinities are the same under every {@link Compat}; NaN
     * bits follow the chosen reference: ml_dtypes gives the canonical quiet NaN with the code's sign
     * (FP16 keeps its payload, as numpy does), torch keeps the payload with the quiet bit set and
     * gives 0x7F800001 for FNUZ and E8M0 NaN. BF16 always decodes as {@code code << 16}.
     */
    public float decode(int code, Compat compat) {
        code &= codeMask;
        if (isBfloat16) {
            return Float.intBitsToFloat(code << 16);
        }
        if (!isNaN(code)) {
            return (float) decodeDouble(code);
        }
        return Float.intBitsToFloat(nanFloatBits(code, compat));
    }

    private int nanFloatBits(int code, Compat compat) {
        int sign = (code & signMask) != 0 ? 0x80000000 : 0;
        int payload = (code & ((1 << mantissaBits) - 1)) << (23 - mantissaBits);
        if (isHalf) {
            int quiet = compat == Compat.TORCH ? 0x00400000 : 0;
            return sign | 0x7F800000 | quiet | payload;
        }
        if (compat == Compat.TORCH) {
            if (specials == SpecialValues.FNUZ || specials == SpecialValues.E8M0) {
                return 0x7F800001;
            }
            return sign | 0x7FC00000 | payload;
        }
        return sign | 0x7FC00000;
    }

    // ------------------------------------------------------------------------------------------
    // Encode

    /** Encodes with round-to-nearest-even and ml_dtypes conventions (no saturation). */
    public int encode(float x) {
        return encode(x, Rounding.NEAREST_EVEN, false, Compat.ML_DTYPES, 0L);
    }

    /**
     * Encodes a float32.
     *
     * @param x the input
     * @param rounding the rounding mode
     * @param saturate when true, finite values beyond the largest finite value become ±max instead of
     *                 Inf/NaN; infinities and NaN keep their usual codes
     * @param compat special-value conventions
     * @param randomBits 64 random bits for {@link Rounding#STOCHASTIC} (see {@link StochasticBits})
     * @return the code, in the low {@link #bits()} bits
     */
    public int encode(float x, Rounding rounding, boolean saturate, Compat compat, long randomBits) {
        int b = Float.floatToRawIntBits(x);
        if ((b & 0x7FFFFFFF) > 0x7F800000) {
            // NaN: decided on the float bits, because widening to double may quiet the payload.
            return nanCode(b < 0, (b & 0x007FFFFF) >>> 13, compat);
        }
        return encodeNonNaN((double) x, rounding, saturate, compat, randomBits);
    }

    /**
     * Encodes a float64 with a single rounding (as {@code ml_dtypes.<format>(python_float)} does).
     * Under {@link Compat#TORCH} the input goes through float32 first, as PyTorch's casts do.
     *
     * @see #encode(float, Rounding, boolean, Compat, long)
     */
    public int encode(double x, Rounding rounding, boolean saturate, Compat compat, long randomBits) {
        if (compat == Compat.TORCH) {
            return encode((float) x, rounding, saturate, compat, randomBits);
        }
        long b = Double.doubleToRawLongBits(x);
        if ((b & 0x7FFFFFFFFFFFFFFFL) > 0x7FF0000000000000L) {
            return nanCode(b < 0, (int) ((b & 0x000FFFFFFFFFFFFFL) >>> 42), compat);
        }
        return encodeNonNaN(x, rounding, saturate, compat, randomBits);
    }

    /**
     * Encodes a float64 by first rounding it to float32 (round to nearest even), then to this
     * format: the double rounding that {@code numpy.astype} performs.
     */
    public int encodeViaFloat32(double x, Rounding rounding, boolean saturate, Compat compat, long randomBits) {
        return encode((float) x, rounding, saturate, compat, randomBits);
    }

    /**
     * Whether a finite, non-zero x rounds (under {@code rounding}) to a magnitude above the largest
     * finite one, i.e. whether a saturating encoder clips it. The sign is ignored, so for E8M0 a
     * large negative input counts as clipped too. NaN, infinities and zeros never count.
     */
    public boolean roundsAboveMax(float x, Rounding rounding, long randomBits) {
        float a = Math.abs(x);
        if (!(a < Float.POSITIVE_INFINITY) || a == 0f) {
            return false;
        }
        long abs = Double.doubleToRawLongBits(a);
        return roundMagnitude(abs, rounding, randomBits) > maxFiniteMagnitude;
    }

    /**
     * The code for a NaN input.
     *
     * @param negative the NaN's sign bit
     * @param payload10 the top 10 bits of the NaN's fraction (used by numpy's FP16 conversion)
     */
    private int nanCode(boolean negative, int payload10, Compat compat) {
        int sign = negative ? signMask : 0;
        switch (specials) {
            case IEEE:
                if (isHalf) {
                    if (compat == Compat.TORCH) {
                        return sign | 0x7E00;
                    }
                    int mant = payload10 == 0 ? 1 : payload10;
                    return sign | 0x7C00 | mant;
                }
                if (compat == Compat.TORCH) {
                    if (isBfloat16) {
                        return 0x7FC0;
                    }
                    return sign | magnitudeMask;
                }
                return sign | infMagnitude | (1 << (mantissaBits - 1));
            case FN:
                return sign | magnitudeMask;
            case FNUZ:
                return signMask;
            case NONE:
                // ml_dtypes' quiet_NaN() for these types is the bit pattern of -0, and the input's
                // sign is applied by negation, so +NaN becomes -0 and -NaN becomes +0.
                return negative ? 0 : signMask;
            case E8M0:
                return 0xFF;
            default:
                throw new AssertionError(specials);
        }
    }

    private int encodeNonNaN(double x, Rounding rounding, boolean saturate, Compat compat, long randomBits) {
        long b = Double.doubleToRawLongBits(x);
        boolean negative = b < 0;
        long abs = b & 0x7FFFFFFFFFFFFFFFL;
        if (specials == SpecialValues.E8M0) {
            if (abs == 0x7FF0000000000000L) {
                return 0xFF;
            }
            if (abs == 0 || negative) {
                if (compat == Compat.TORCH && abs != 0) {
                    negative = false; // torch looks at the exponent and mantissa only
                } else {
                    return (saturate || compat == Compat.TORCH) ? 0x00 : 0xFF;
                }
            }
        }
        int sign = negative ? signMask : 0;
        if (abs == 0x7FF0000000000000L) {
            switch (specials) {
                case IEEE:
                    return sign | infMagnitude;
                case FN:
                    return sign | magnitudeMask;
                case FNUZ:
                    return signMask;
                default:
                    return sign | maxFiniteMagnitude;
            }
        }
        if (abs == 0) {
            return specials == SpecialValues.FNUZ ? 0 : sign;
        }
        long magnitude = roundMagnitude(abs, rounding, randomBits);
        if (magnitude > maxFiniteMagnitude) {
            if (saturate) {
                magnitude = maxFiniteMagnitude;
            } else {
                switch (specials) {
                    case IEEE:
                        magnitude = infMagnitude;
                        break;
                    case FN:
                        magnitude = magnitudeMask;
                        break;
                    case FNUZ:
                    case E8M0:
                        return specials == SpecialValues.FNUZ ? signMask : 0xFF;
                    default:
                        magnitude = maxFiniteMagnitude;
                        break;
                }
            }
        }
        if (specials == SpecialValues.FNUZ && magnitude == 0) {
            return 0; // no negative zero
        }
        return sign | (int) magnitude;
    }

    /**
     * Rounds a finite, non-zero binary64 magnitude to this format's magnitude code, which may exceed
     * the largest finite code on overflow.
     */
    private long roundMagnitude(long abs, Rounding rounding, long randomBits) {
        int expField = (int) (abs >>> 52);
        long fraction = abs & 0x000FFFFFFFFFFFFFL;
        long significand;
        int exponent;
        if (expField == 0) {
            int normalize = Long.numberOfLeadingZeros(fraction) - 11;
            significand = fraction << normalize;
            exponent = -1022 - normalize;
        } else {
            significand = fraction | (1L << 52);
            exponent = expField - 1023;
        }
        int target = exponent + bias; // biased exponent the result would have if it were normal
        if (specials == SpecialValues.E8M0 && target < 1 && rounding != Rounding.NEAREST_EVEN) {
            // E8M0 has no zero: code 0 is 2^-127, the smallest value. Round-to-nearest-even keeps
            // ml_dtypes' verified behaviour below (it rounds as if code 0 were zero, so values in
            // (2^-127, 2^-126) go to 2^-126); the other modes round between the true neighbours.
            if (target < 0) {
                return 0;
            }
            return rounding.roundShift(significand, 52, randomBits) - 1;
        }
        if (target < 1) {
            // Subnormal range: the unit in the last place is 2^(1 - bias - m) and the rounded
            // quotient is the code itself (a carry to 2^m lands exactly on the smallest normal).
            int shift = 52 - mantissaBits + (1 - target);
            return rounding.roundShift(significand, shift, randomBits);
        }
        if (target > 4096) {
            return Long.MAX_VALUE; // far beyond every format's range
        }
        long rounded = rounding.roundShift(significand, 52 - mantissaBits, randomBits);
        // rounded is in [2^m, 2^(m+1)]; a carry to 2^(m+1) moves into the exponent field.
        return ((long) (target - 1) << mantissaBits) + rounded;
    }

    @Override
    public String toString() {
        return name;
    }
}
