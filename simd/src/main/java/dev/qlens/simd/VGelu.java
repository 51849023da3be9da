package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;

import dev.qlens.core.numeric.Transcendentals;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * GELU with the exact operation sequence of {@link Transcendentals#gelu}: the float division, the erf
 * polynomial's fused multiply-adds in float64 (correctly rounded, so the same bits as Math.fma), the
 * saturation at |t| &ge; 4, then the float products.
 *
 * <p>Float work stays on the full-width species {@link Lanes#F}: each vector is widened to two float64
 * vectors and narrowed back into its two halves. (Float operations on a second, half-width species in
 * the same JVM made JDK 17's C2 compile the GEMM kernel ten times slower.)
 */
final class VGelu {
    private static final double[] ERF = Transcendentals.erfCoefficients();
    private static final VectorMask<Float> UPPER = upperHalf();

    private VGelu() {
    }

    /**
     * GELU in place over the first {@code whole} elements (a multiple of the float lanes); returns them.
     * Both halves are written out in one method body: a vector passed to a helper that C2 does not
     * inline is boxed (JDK 17 does not inline a helper this size here).
     */
    static int gelu(float[] x, int off, int whole) {
        int i = 0;
        double top = ERF[ERF.length - 1];
        for (; i < whole; i += Lanes.N) {
            FloatVector v = FloatVector.fromArray(Lanes.F, x, off + i);
            FloatVector t = v.div(Transcendentals.SQRT2);
            DoubleVector t0 = (DoubleVector) t.convertShape(F2D, Lanes.D, 0);
            DoubleVector t1 = (DoubleVector) t.convertShape(F2D, Lanes.D, 1);
            DoubleVector u0 = t0.mul(0.25);
            DoubleVector u1 = t1.mul(0.25);
            DoubleVector s0 = u0.mul(u0);
            DoubleVector s1 = u1.mul(u1);
            DoubleVector a0 = DoubleVector.broadcast(Lanes.D, top);
            DoubleVector a1 = a0;
            for (int k = ERF.length - 2; k >= 0; k--) {
                DoubleVector c = DoubleVector.broadcast(Lanes.D, ERF[k]);
                a0 = a0.fma(s0, c);
                a1 = a1.fma(s1, c);
            }
            DoubleVector e0 = u0.mul(a0)
                    .blend(1.0, t0.compare(VectorOperators.GE, Transcendentals.ERF_SATURATION))
                    .blend(-1.0, t0.compare(VectorOperators.LE, -Transcendentals.ERF_SATURATION));
            DoubleVector e1 = u1.mul(a1)
                    .blend(1.0, t1.compare(VectorOperators.GE, Transcendentals.ERF_SATURATION))
                    .blend(-1.0, t1.compare(VectorOperators.LE, -Transcendentals.ERF_SATURATION));
            FloatVector lo = (FloatVector) e0.convertShape(D2F, Lanes.F, 0);
            FloatVector hi = (FloatVector) e1.convertShape(D2F, Lanes.F, -1);
            v.mul(0.5f).mul(lo.blend(hi, UPPER).add(1f)).intoArray(x, off + i);
        }
        return i;
    }

    private static VectorMask<Float> upperHalf() {
        boolean[] bits = new boolean[Lanes.N];
        for (int i = Lanes.N / 2; i < Lanes.N; i++) {
            bits[i] = true;
        }
        return VectorMask.fromArray(Lanes.F, bits, 0);
    }
}
