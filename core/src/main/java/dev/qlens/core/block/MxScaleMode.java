package dev.qlens.core.block;

import java.util.Locale;

/** How an MX block's E8M0 scale is derived from the block's largest magnitude amax. */
public enum MxScaleMode {
    /**
     * OCP v1.0: X = 2^(floor(log2(amax)) - emax), read from the exponent bits of amax (microxcaling's
     * C++ rule); elements above the element maximum are clamped.
     */
    FLOOR,
    /** X = 2^(ceil(log2(amax)) - emax): one more when amax has mantissa bits (torchao CEIL). */
    CEIL,
    /**
     * X = 2^ceil(log2(amax / max_element)) with the division in float32 (torchao RCEIL, NVIDIA's
     * round-up {@code cvt.rp.satfinite.ue8m0x2.f32}): the smallest scale at which nothing clamps.
     */
    RCEIL;

    /**
     * Parses floor, ceil or rceil.
     *
     * @throws IllegalArgumentException for other names
     */
    public static MxScaleMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown MX scale mode '" + s + "': expected floor, ceil or rceil");
        }
    }
}
