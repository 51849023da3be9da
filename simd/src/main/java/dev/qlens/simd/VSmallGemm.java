package dev.qlens.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Small row-major products c = a b (attention's per-head Q K^T and P V), vectorized across the columns
 * of c: every lane is one fused multiply-add chain over k in increasing order from 0, the scalar
 * reference's order, so the bits do not depend on the vector width. Four column vectors are kept in
 * flight to hide the fused multiply-add latency.
 */
final class VSmallGemm {
    private VSmallGemm() {
    }

    /** Row i of c over the whole vectors of columns; returns the first column left for the scalar tail. */
    static int row(float[] a, int aRow, float[] b, int bOff, float[] c, int cRow, int k, int n) {
        int lanes = Lanes.N;
        int j = 0;
        for (; j + 4 * lanes <= n; j += 4 * lanes) {
            FloatVector s0 = FloatVector.zero(Lanes.F);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int p = 0; p < k; p++) {
                FloatVector x = FloatVector.broadcast(Lanes.F, a[aRow + p]);
                int bi = bOff + p * n + j;
                s0 = x.fma(FloatVector.fromArray(Lanes.F, b, bi), s0);
                s1 = x.fma(FloatVector.fromArray(Lanes.F, b, bi + lanes), s1);
                s2 = x.fma(FloatVector.fromArray(Lanes.F, b, bi + 2 * lanes), s2);
                s3 = x.fma(FloatVector.fromArray(Lanes.F, b, bi + 3 * lanes), s3);
            }
            canonical(s0).intoArray(c, cRow + j);
            canonical(s1).intoArray(c, cRow + j + lanes);
            canonical(s2).intoArray(c, cRow + j + 2 * lanes);
            canonical(s3).intoArray(c, cRow + j + 3 * lanes);
        }
        for (; j + lanes <= n; j += lanes) {
            FloatVector s0 = FloatVector.zero(Lanes.F);
            for (int p = 0; p < k; p++) {
                s0 = FloatVector.broadcast(Lanes.F, a[aRow + p]).fma(FloatVector.fromArray(Lanes.F, b, bOff + p * n + j), s0);
            }
            canonical(s0).intoArray(c, cRow + j);
        }
        return j;
    }

    /** NaN lanes as the canonical NaN, the scalar reference's (payloads depend on the instruction). */
    private static FloatVector canonical(FloatVector v) {
        return v.blend(Float.NaN, v.test(VectorOperators.IS_NAN));
    }
}
