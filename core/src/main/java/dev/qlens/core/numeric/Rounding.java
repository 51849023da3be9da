package dev.qlens.core.numeric;

import java.util.Locale;

/**
 * How a value that falls between two representable numbers is rounded.
 *
 * <p>Every mode acts on the magnitude, so results are symmetric in sign.
 */
public enum Rounding {
    /** Round to nearest, ties to the neighbour whose last stored bit is 0 (IEEE default). */
    NEAREST_EVEN("even"),
    /** Round to nearest, ties away from zero (microxcaling's default "nearest"). */
    NEAREST_AWAY("away"),
    /** Truncate the magnitude. */
    TOWARD_ZERO("zero"),
    /**
     * Round up in magnitude with probability equal to the distance from the lower neighbour,
     * measured in units of the last place. The random bits come from {@link StochasticBits}.
     */
    STOCHASTIC("stochastic");

    private final String cliName;

    Rounding(String cliName) {
        this.cliName = cliName;
    }

    /** The short name used on the command line and in reports. */
    public String cliName() {
        return cliName;
    }

    /**
     * Parses a rounding mode from its short name ({@code even}, {@code away}, {@code zero},
     * {@code stochastic}) or its enum name.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Rounding parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Rounding r : values()) {
            if (r.cliName.equals(t) || r.name().toLowerCase(Locale.ROOT).equals(t)) {
                return r;
            }
        }
        if (t.equals("rne") || t.equals("nearest")) {
            return NEAREST_EVEN;
        }
        if (t.equals("truncate") || t.equals("trunc")) {
            return TOWARD_ZERO;
        }
        throw new IllegalArgumentException(
                "unknown rounding mode '" + text + "': expected even, away, zero or stochastic");
    }

    /**
     * Rounds {@code sig >> shift} to an integer under this mode.
     *
     * @param sig a non-negative integer significand (at most 62 bits)
     * @param shift how many low bits to drop, at least 1
     * @param randomBits 64 uniformly random bits, used only by {@link #STOCHASTIC}
     * @return the rounded quotient
     */
    public long roundShift(long sig, int shift, long randomBits) {
        if (shift >= 63) {
            // The quotient is 0 and the dropped part (sig < 2^62) is below one half of the unit.
            if (this != STOCHASTIC) {
                return 0;
            }
            // Round up with probability sig / 2^shift: compare all 64 random bits with sig * 2^(64 - shift).
            long threshold = shift == 63 ? sig << 1 : (shift - 64 >= 63 ? 0 : sig >>> (shift - 64));
            return Long.compareUnsigned(randomBits, threshold) < 0 ? 1 : 0;
        }
        long quotient = sig >>> shift;
        long remainder = sig & ((1L << shift) - 1);
        long half = 1L << (shift - 1);
        switch (this) {
            case NEAREST_EVEN:
                return quotient + ((remainder > half || (remainder == half && (quotient & 1) != 0)) ? 1 : 0);
            case NEAREST_AWAY:
                return quotient + (remainder >= half ? 1 : 0);
            case TOWARD_ZERO:
                return quotient;
            case STOCHASTIC:
                // Uniform r in [0, 2^shift): round up iff r < remainder, i.e. with probability remainder / 2^shift.
                long r = randomBits >>> (64 - shift);
                return quotient + (r < remainder ? 1 : 0);
            default:
                throw new AssertionError(this);
        }
    }
}
