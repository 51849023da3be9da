package dev.qlens.core.numeric;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An integer element format of 2 to 16 bits.
 *
 * <p>Three ranges are offered: {@link Kind#SYMMETRIC} [-(2^(n-1)-1), 2^(n-1)-1] (e.g. ±127, the usual
 * weight range, zero point 0), {@link Kind#SIGNED} [-2^(n-1), 2^(n-1)-1] and {@link Kind#UNSIGNED}
 * [0, 2^n-1] for affine quantization with a zero point. A real value x is encoded as
 * clamp(round(x) + zeroPoint, qmin, qmax) and decoded as q - zeroPoint; scaling is applied by the
 * caller. ±Inf saturates to the range ends and NaN, which has no integer code, maps to the zero point.
 */
public final class IntFormat {
    /** Which integer range the format uses. */
    public enum Kind {
        /** [-(2^(n-1)-1), 2^(n-1)-1]: symmetric around zero, the most negative code unused. */
        SYMMETRIC,
        /** [-2^(n-1), 2^(n-1)-1]: full two's complement range. */
        SIGNED,
        /** [0, 2^n-1]. */
        UNSIGNED
    }

    private final int bits;
    private final Kind kind;
    private final int min;
    private final int max;

    private IntFormat(int bits, Kind kind) {
        this.bits = bits;
        this.kind = kind;
        switch (kind) {
            case SYMMETRIC:
                this.min = -((1 << (bits - 1)) - 1);
                this.max = (1 << (bits - 1)) - 1;
                break;
            case SIGNED:
                this.min = -(1 << (bits - 1));
                this.max = (1 << (bits - 1)) - 1;
                break;
            default:
                this.min = 0;
                this.max = (1 << bits) - 1;
                break;
        }
    }

    /**
     * The n-bit integer format of the given kind.
     *
     * @throws IllegalArgumentException if bits is outside 2..16
     */
    public static IntFormat of(int bits, Kind kind) {
        if (bits < 2 || bits > 16) {
            throw new IllegalArgumentException("integer formats have 2 to 16 bits, not " + bits);
        }
        return new IntFormat(bits, kind);
    }

    /** Symmetric n-bit integers, e.g. {@code symmetric(8)} is [-127, 127]. */
    public static IntFormat symmetric(int bits) {
        return of(bits, Kind.SYMMETRIC);
    }

    /**
     * Parses {@code intN} (symmetric), {@code sintN} (full signed range) or {@code uintN}, N in 2..16.
     *
     * @throws IllegalArgumentException when the text is not such a name
     */
    public static IntFormat byName(String text) {
        IntFormat f = find(text);
        if (f == null) {
            throw new IllegalArgumentException("unknown integer format '" + text
                    + "': expected intN (symmetric), sintN (full signed range) or uintN with N in 2..16");
        }
        return f;
    }

    /** Like {@link #byName} but returns null for names that are not integer formats. */
    public static IntFormat find(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Kind kind;
        String digits;
        if (t.startsWith("uint")) {
            kind = Kind.UNSIGNED;
            digits = t.substring(4);
        } else if (t.startsWith("sint")) {
            kind = Kind.SIGNED;
            digits = t.substring(4);
        } else if (t.startsWith("int")) {
            kind = Kind.SYMMETRIC;
            digits = t.substring(3);
        } else {
            return null;
        }
        if (digits.isEmpty() || digits.length() > 2 || !digits.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int n = Integer.parseInt(digits);
        return n >= 2 && n <= 16 ? new IntFormat(n, kind) : null;
    }

    /** Every symmetric format int2..int16, in order. */
    public static List<IntFormat> allSymmetric() {
        List<IntFormat> out = new ArrayList<>();
        for (int n = 2; n <= 16; n++) {
            out.add(symmetric(n));
        }
        return out;
    }

    /** Canonical name: {@code intN}, {@code sintN} or {@code uintN}. */
    public String name() {
        switch (kind) {
            case SYMMETRIC:
                return "int" + bits;
            case SIGNED:
                return "sint" + bits;
            default:
                return "uint" + bits;
        }
    }

    /** Bits per code. */
    public int bits() {
        return bits;
    }

    /** The range kind. */
    public Kind kind() {
        return kind;
    }

    /** Smallest code value. */
    public int min() {
        return min;
    }

    /** Largest code value. */
    public int max() {
        return max;
    }

    /**
     * Encodes x as clamp(round(x) + zeroPoint, min, max).
     *
     * @param randomBits random bits for {@link Rounding#STOCHASTIC}
     */
    public int encode(double x, Rounding rounding, int zeroPoint, long randomBits) {
        if (Double.isNaN(x)) {
            return clamp(zeroPoint);
        }
        long rounded = roundToInteger(x, rounding, randomBits);
        return clamp(rounded + zeroPoint);
    }

    /** Encodes with round-to-nearest-even and zero point 0. */
    public int encode(double x) {
        return encode(x, Rounding.NEAREST_EVEN, 0, 0L);
    }

    /** Whether round(x) + zeroPoint lies outside [min, max] (the value would be clipped). */
    public boolean clips(double x, Rounding rounding, int zeroPoint, long randomBits) {
        if (Double.isNaN(x)) {
            return false;
        }
        long q = roundToInteger(x, rounding, randomBits) + zeroPoint;
        return q < min || q > max;
    }

    /** The value of a code: q - zeroPoint. */
    public int decode(int q, int zeroPoint) {
        return q - zeroPoint;
    }

    private int clamp(long v) {
        return (int) Math.max(min, Math.min(max, v));
    }

    /**
     * Rounds x to an integer under the given mode, saturating beyond ±2^40 (far outside every range).
     */
    static long roundToInteger(double x, Rounding rounding, long randomBits) {
        long b = Double.doubleToRawLongBits(x);
        boolean negative = b < 0;
        long abs = b & 0x7FFFFFFFFFFFFFFFL;
        if (abs >= Double.doubleToRawLongBits(0x1p40)) {
            return negative ? -(1L << 40) : (1L << 40);
        }
        if (abs == 0) {
            return 0;
        }
        int expField = (int) (abs >>> 52);
        long significand = expField == 0 ? (abs & 0x000FFFFFFFFFFFFFL) : ((abs & 0x000FFFFFFFFFFFFFL) | (1L << 52));
        int exponent = expField == 0 ? -1022 : expField - 1023;
        // value = significand * 2^(exponent - 52); the integer part needs a right shift of 52 - exponent.
        int shift = 52 - exponent;
        long magnitude = shift <= 0 ? significand << -shift : rounding.roundShift(significand, shift, randomBits);
        return negative ? -magnitude : magnitude;
    }

    @Override
    public String toString() {
        return name();
    }
}
