package dev.qlens.core.numeric;

/** How a floating-point format spends its top codes on infinities and NaN. */
public enum SpecialValues {
    /** IEEE 754 style: exponent field all ones is infinity (mantissa 0) or NaN (mantissa non-zero). */
    IEEE,
    /** OCP "FN" style (E4M3FN): no infinity; only exponent and mantissa all ones is NaN. */
    FN,
    /** "FNUZ" style: no infinity, no negative zero; the code with only the sign bit set is the single NaN. */
    FNUZ,
    /** No infinity and no NaN (FP6, FP4, E3M0): every code is a finite number. */
    NONE,
    /** E8M0: unsigned powers of two with no zero; all ones is NaN. */
    E8M0
}
