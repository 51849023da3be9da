package dev.qlens.core.numeric;

/**
 * How values are encoded: the rounding mode, whether finite overflow saturates, which reference's
 * special-value conventions apply, and the seed for stochastic rounding.
 *
 * @param rounding rounding mode
 * @param saturate finite values beyond max become ±max instead of Inf/NaN
 * @param compat special-value conventions
 * @param seed seed of {@link StochasticBits} (used only by {@link Rounding#STOCHASTIC})
 */
public record EncodeMode(Rounding rounding, boolean saturate, Compat compat, long seed) {
    /** Round to nearest even, no saturation, ml_dtypes conventions: the default. */
    public static final EncodeMode DEFAULT = new EncodeMode(Rounding.NEAREST_EVEN, false, Compat.ML_DTYPES, 0L);
    /** Round to nearest even with saturation (what quantizers use after scaling). */
    public static final EncodeMode SATURATING = new EncodeMode(Rounding.NEAREST_EVEN, true, Compat.ML_DTYPES, 0L);

    /** Validates the components. */
    public EncodeMode {
        if (rounding == null || compat == null) {
            throw new IllegalArgumentException("rounding and compat are required");
        }
    }

    /** The random bits for the element with the given index in its tensor. */
    public long randomBits(long elementIndex) {
        return rounding == Rounding.STOCHASTIC ? StochasticBits.bits(seed, elementIndex) : 0L;
    }

    /** Encodes one float32 value of {@code format} for element {@code elementIndex}. */
    public int encode(FloatFormat format, float x, long elementIndex) {
        return format.encode(x, rounding, saturate, compat, randomBits(elementIndex));
    }

    /** This mode with another rounding. */
    public EncodeMode withRounding(Rounding r) {
        return new EncodeMode(r, saturate, compat, seed);
    }

    /** This mode with saturation switched on or off. */
    public EncodeMode withSaturate(boolean s) {
        return new EncodeMode(rounding, s, compat, seed);
    }
}
