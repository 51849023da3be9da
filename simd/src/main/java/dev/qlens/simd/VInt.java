package dev.qlens.simd;

import dev.qlens.core.numeric.Rounding;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Rounding float32 lanes to integers, bit-identical to {@link dev.qlens.core.numeric.IntFormat}'s
 * deterministic modes for every integer format (at most 16 bits, so any |x| of 2^20 or more is far
 * outside the range and may be saturated there).
 */
final class VInt {
    /** Magnitudes are limited to this before conversion; every result beyond it clamps the same way. */
    static final float LIMIT = 0x1p20f;

    private VInt() {
    }

    /**
     * Rounds each lane to an integer, with the sign restored; NaN lanes give 0. The magnitude (at most
     * 2^20 here) is rounded to nearest even by the float addition of 2^23, whose result's low
     * mantissa bits are then the integer; the exact remainder |x| - rint(|x|) steers the other modes.
     * No float-to-int conversion is used: JDK 17 does not compile it to a vector instruction.
     */
    static IntVector round(FloatVector x, Rounding rounding) {
        IntVector bits = x.reinterpretAsInts();
        FloatVector a = x.abs().min(LIMIT);
        FloatVector shifted = a.add(0x1p23f);
        IntVector m = shifted.reinterpretAsInts().sub(0x4B000000);
        // a - rint(a) is exact and lies in [-0.5, 0.5]; as bits, negative means rint rounded up.
        IntVector rem = a.sub(shifted.sub(0x1p23f)).reinterpretAsInts();
        switch (rounding) {
            case NEAREST_EVEN:
                break;
            case NEAREST_AWAY:
                // A tie rounded down to the even integer goes one further.
                m = m.add(IntVector.zero(Lanes.I).blend(1, rem.eq(0x3F000000)));
                break;
            case TOWARD_ZERO:
                m = m.sub(IntVector.zero(Lanes.I).blend(1, rem.lt(0)));
                break;
            default:
                throw new IllegalArgumentException("vector integer rounding is deterministic only, not " + rounding);
        }
        m = m.blend(0, bits.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000));
        return m.blend(m.neg(), bits.lt(0));
    }

    /** Integers of magnitude below 2^22 as floats, without an int-to-float conversion instruction. */
    static FloatVector toFloat(IntVector k) {
        return k.add(0x4B400000).reinterpretAsFloats().sub(0x1.8p23f);
    }

    /** Lanes holding NaN. */
    static VectorMask<Integer> nan(FloatVector x) {
        return x.reinterpretAsInts().and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
    }
}
