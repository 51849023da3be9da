package dev.qlens.core.numeric;

/**
 * The random bits behind {@link Rounding#STOCHASTIC}: a counter-based generator, so the bits for an
 * element depend only on the seed and the element's index in its tensor. Results are therefore the
 * same for any chunking, thread count or vector width.
 *
 * <p>Definition: {@code bits(seed, i) = mix(seed + (i + 1) * 0x9E3779B97F4A7C15)} where {@code mix}
 * is the SplitMix64 finaliser ({@code z ^= z >>> 30; z *= 0xBF58476D1CE4E5B9; z ^= z >>> 27;
 * z *= 0x94D049BB133111EB; z ^= z >>> 31}), all arithmetic modulo 2^64.
 */
public final class StochasticBits {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private StochasticBits() {
    }

    /** The 64 random bits for element {@code index} under {@code seed}. */
    public static long bits(long seed, long index) {
        long z = seed + (index + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
