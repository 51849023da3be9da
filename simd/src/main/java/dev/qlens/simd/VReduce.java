package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.F2D;

import dev.qlens.core.kernel.ErrorPartials;
import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.ValuePartials;
import dev.qlens.core.kernel.ValueSums;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector reductions with the exact summation order of the scalar reference: element i of a call is
 * added to partial sum i mod 16 in element order, and the 16 partials are added 0 to 15 at the end.
 * A float vector covers N consecutive elements (N divides 16), so its two float64 halves land on
 * partials (i mod 16) .. (i mod 16) + N - 1, which live in small arrays here. Lanes that the
 * reference skips (non-finite values) add +0.0, which leaves a partial unchanged because a partial
 * that starts at +0.0 can never become -0.0.
 */
final class VReduce {
    private static final int P = ErrorSums.PARTIALS;
    private static final int DL = Lanes.D.length();

    private VReduce() {
    }

    static float maxAbsFinite(float[] x, int off, int n) {
        FloatVector m = FloatVector.zero(Lanes.F);
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            FloatVector a = FloatVector.fromArray(Lanes.F, x, off + i).abs();
            m = m.max(FloatVector.zero(Lanes.F).blend(a, a.lt(Float.POSITIVE_INFINITY)));
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            float a = Math.abs(x[off + i]);
            if (a < Float.POSITIVE_INFINITY) {
                r = Math.max(r, a);
            }
        }
        return r;
    }

    static float maxAbs(float[] x, int off, int n) {
        FloatVector m = FloatVector.zero(Lanes.F);
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            m = m.max(FloatVector.fromArray(Lanes.F, x, off + i).abs());
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            r = Math.max(r, Math.abs(x[off + i]));
        }
        return r != r ? Float.NaN : r;
    }

    private static void add(double[] partials, int at, DoubleVector v) {
        DoubleVector.fromArray(Lanes.D, partials, at).add(v).intoArray(partials, at);
    }

    static void errorSums(float[] x, int xOff, float[] y, int yOff, int n, ErrorSums acc) {
        ErrorPartials p = new ErrorPartials();
        DoubleVector maxV = DoubleVector.zero(Lanes.D);
        FloatVector zero = FloatVector.zero(Lanes.F);
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            FloatVector xv = FloatVector.fromArray(Lanes.F, x, xOff + i);
            FloatVector yv = FloatVector.fromArray(Lanes.F, y, yOff + i);
            VectorMask<Float> ok = xv.abs().lt(Float.POSITIVE_INFINITY).and(yv.abs().lt(Float.POSITIVE_INFINITY));
            if (!ok.allTrue()) {
                p.nonFinite += Lanes.N - ok.trueCount();
                xv = zero.blend(xv, ok);
                yv = zero.blend(yv, ok);
            }
            int base = i & (P - 1);
            for (int part = 0; part < 2; part++) {
                DoubleVector dx = (DoubleVector) xv.convertShape(F2D, Lanes.D, part);
                DoubleVector dy = (DoubleVector) yv.convertShape(F2D, Lanes.D, part);
                int at = base + part * DL;
                DoubleVector e = dy.sub(dx);
                DoubleVector ae = e.abs();
                add(p.abs, at, ae);
                add(p.sq, at, e.mul(e));
                add(p.sx, at, dx);
                add(p.sy, at, dy);
                add(p.sxx, at, dx.mul(dx));
                add(p.syy, at, dy.mul(dy));
                add(p.sxy, at, dx.mul(dy));
                add(p.sax, at, dx.abs());
                maxV = maxV.max(ae);
            }
        }
        p.max = maxV.reduceLanes(VectorOperators.MAX);
        p.addScalar(x, xOff, y, yOff, i, n);
        p.addTo(acc, n);
    }

    static void valueSums(float[] x, int off, int n, ValueSums acc) {
        ValuePartials p = new ValuePartials(acc);
        FloatVector zero = FloatVector.zero(Lanes.F);
        FloatVector lo = FloatVector.broadcast(Lanes.F, Float.POSITIVE_INFINITY);
        FloatVector hi = FloatVector.broadcast(Lanes.F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            FloatVector v = FloatVector.fromArray(Lanes.F, x, off + i);
            VectorMask<Float> finite = v.abs().lt(Float.POSITIVE_INFINITY);
            if (!finite.allTrue()) {
                int nan = v.test(VectorOperators.IS_NAN).trueCount();
                p.nans += nan;
                p.infs += Lanes.N - finite.trueCount() - nan;
                p.zeros += v.eq(0f).trueCount();
                v = zero.blend(v, finite);
                lo = lo.min(v.blend(Float.POSITIVE_INFINITY, finite.not()));
                hi = hi.max(v.blend(Float.NEGATIVE_INFINITY, finite.not()));
            } else {
                p.zeros += v.eq(0f).trueCount();
                lo = lo.min(v);
                hi = hi.max(v);
            }
            int base = i & (P - 1);
            for (int part = 0; part < 2; part++) {
                DoubleVector d = (DoubleVector) v.convertShape(F2D, Lanes.D, part);
                int at = base + part * DL;
                add(p.sum, at, d);
                add(p.squares, at, d.mul(d));
            }
        }
        p.min = Math.min(p.min, lo.reduceLanes(VectorOperators.MIN));
        p.max = Math.max(p.max, hi.reduceLanes(VectorOperators.MAX));
        p.addScalar(x, off, i, n);
        p.addTo(acc, n);
    }
}
