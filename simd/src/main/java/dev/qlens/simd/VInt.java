package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.I2F;

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
     * Rounds each lane to an integer: the truncated magnitude plus one when the mode rounds up (the
     * fraction a - trunc(a) is exact), with the sign restored. NaN lanes give 0.
     */
    static IntVector round(FloatVector x, Rounding rounding) {
        FloatVector a = x.abs().min(LIMIT);
        IntVector t = (IntVector) a.convert(F2I, 0);
        FloatVector frac = a.sub((FloatVector) t.convert(I2F, 0));
        IntVector m;
        switch (rounding) {
            case NEAREST_EVEN: {
                VectorMask<Integer> up = frac.compare(VectorOperators.GT, 0.5f).cast(Lanes.I)
                        .or(frac.eq(0.5f).cast(Lanes.I).and(t.and(1).eq(1)));
                m = t.add(IntVector.zero(Lanes.I).blend(1, up));
                break;
            }
            case NEAREST_AWAY:
                m = t.add(IntVector.zero(Lanes.I).blend(1, frac.compare(VectorOperators.GE, 0.5f).cast(Lanes.I)));
                break;
            case TOWARD_ZERO:
                m = t;
                break;
            default:
                throw new IllegalArgumentException("vector integer rounding is deterministic only, not " + rounding);
        }
        return m.blend(m.neg(), x.reinterpretAsInts().lt(0));
    }

    /** Lanes holding NaN. */
    static VectorMask<Integer> nan(FloatVector x) {
        return x.reinterpretAsInts().and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000);
    }
}
