package dev.qlens.core.block;

import dev.qlens.core.numeric.FloatFormat;

/**
 * The element types of OCP MX block formats, with emax, the exponent of the element's largest
 * power of two (OCP MX v1.0 section 5; microxcaling {@code _get_format_params}).
 */
public enum MxElement {
    /** MXFP8 with E4M3 elements (max 448, emax 8). */
    FP8_E4M3(FloatFormat.FP8_E4M3FN, 8, 8),
    /** MXFP8 with E5M2 elements (max 57344, emax 15). */
    FP8_E5M2(FloatFormat.FP8_E5M2, 15, 8),
    /** MXFP6 with E2M3 elements (max 7.5, emax 2). */
    FP6_E2M3(FloatFormat.FP6_E2M3, 2, 6),
    /** MXFP6 with E3M2 elements (max 28, emax 4). */
    FP6_E3M2(FloatFormat.FP6_E3M2, 4, 6),
    /** MXFP4 with E2M1 elements (max 6, emax 2). */
    FP4_E2M1(FloatFormat.FP4_E2M1, 2, 4),
    /** MXINT8: two's complement int8 with an implicit scale of 2^-6 (values in [-127/64, 127/64]), emax 0. */
    INT8(null, 0, 8);

    private final FloatFormat format;
    private final int emax;
    private final int bits;

    MxElement(FloatFormat format, int emax, int bits) {
        this.format = format;
        this.emax = emax;
        this.bits = bits;
    }

    /** The element's float format, or null for INT8. */
    public FloatFormat format() {
        return format;
    }

    /** Exponent of the largest power of two the element represents. */
    public int emax() {
        return emax;
    }

    /** Bits per element code. */
    public int bits() {
        return bits;
    }

    /** The largest element magnitude (448, 57344, 7.5, 28, 6, or 127/64). */
    public float maxValue() {
        return format == null ? 127f / 64f : (float) format.maxFinite();
    }
}
