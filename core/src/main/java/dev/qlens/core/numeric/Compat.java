package dev.qlens.core.numeric;

import java.util.Locale;

/**
 * Which reference implementation's special-value conventions an encoder follows.
 *
 * <p>The references agree on every finite, in-range input; they differ only in the codes they
 * produce for NaN, zero and negative inputs of unsigned formats (see {@code docs/formats.md}).
 */
public enum Compat {
    /**
     * jax-ml/ml_dtypes (Eigen for BF16, numpy for FP16): NaN keeps its sign, E5M2 NaN is 0x7E,
     * E8M0 of zero or a negative number is NaN, FP6/FP4 NaN becomes the zero of opposite sign.
     */
    ML_DTYPES("ml_dtypes"),
    /**
     * PyTorch c10 eager casts: E5M2 NaN is 0x7F|sign, BF16 NaN is always 0x7FC0, FP16 NaN is
     * 0x7E00|sign, E8M0 ignores the sign and maps zero to 0x00; float64 inputs go through float32.
     */
    TORCH("torch");

    private final String cliName;

    Compat(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line. */
    public String cliName() {
        return cliName;
    }

    /**
     * Parses {@code ml_dtypes} or {@code torch}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Compat parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Compat c : values()) {
            if (c.cliName.equals(t) || c.name().toLowerCase(Locale.ROOT).equals(t)) {
                return c;
            }
        }
        if (t.equals("mldtypes") || t.equals("numpy")) {
            return ML_DTYPES;
        }
        throw new IllegalArgumentException("unknown compatibility mode '" + text + "': expected ml_dtypes or torch");
    }
}
