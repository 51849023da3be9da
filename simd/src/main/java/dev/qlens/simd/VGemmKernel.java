package dev.qlens.simd;

import dev.qlens.core.linalg.GemmKernel;
import jdk.incubator.vector.FloatVector;

/**
 * The Vector API float32 GEMM micro-kernel: a tile of MR rows by NR columns (4 vectors) held in
 * 16 accumulator registers. Each k step loads the B panel's vectors, broadcasts MR values of A and
 * issues one fused multiply-add per accumulator; every lane is one element of C accumulated in
 * increasing k, the order of {@link GemmKernel}, so the result is bit-identical to the scalar
 * reference.
 */
final class VGemmKernel implements GemmKernel {
    static final int MR = 4;
    static final int NR = 4 * Lanes.N;

    @Override
    public int rows() {
        return MR;
    }

    @Override
    public int cols() {
        return NR;
    }

    @Override
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                     boolean accumulate) {
        int n = Lanes.N;
        FloatVector zero = FloatVector.zero(Lanes.F);
        FloatVector c00 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 0 * ldc + 0 * n) : zero;
        FloatVector c01 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 0 * ldc + 1 * n) : zero;
        FloatVector c02 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 0 * ldc + 2 * n) : zero;
        FloatVector c03 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 0 * ldc + 3 * n) : zero;
        FloatVector c10 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 1 * ldc + 0 * n) : zero;
        FloatVector c11 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 1 * ldc + 1 * n) : zero;
        FloatVector c12 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 1 * ldc + 2 * n) : zero;
        FloatVector c13 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 1 * ldc + 3 * n) : zero;
        FloatVector c20 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 2 * ldc + 0 * n) : zero;
        FloatVector c21 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 2 * ldc + 1 * n) : zero;
        FloatVector c22 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 2 * ldc + 2 * n) : zero;
        FloatVector c23 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 2 * ldc + 3 * n) : zero;
        FloatVector c30 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 3 * ldc + 0 * n) : zero;
        FloatVector c31 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 3 * ldc + 1 * n) : zero;
        FloatVector c32 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 3 * ldc + 2 * n) : zero;
        FloatVector c33 = accumulate ? FloatVector.fromArray(Lanes.F, c, cOff + 3 * ldc + 3 * n) : zero;
        for (int k = 0; k < kc; k++) {
            int bi = bOff + k * NR;
            int ai = aOff + k * MR;
            FloatVector b0 = FloatVector.fromArray(Lanes.F, b, bi + 0 * n);
            FloatVector b1 = FloatVector.fromArray(Lanes.F, b, bi + 1 * n);
            FloatVector b2 = FloatVector.fromArray(Lanes.F, b, bi + 2 * n);
            FloatVector b3 = FloatVector.fromArray(Lanes.F, b, bi + 3 * n);
            FloatVector a0 = FloatVector.broadcast(Lanes.F, a[ai + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(Lanes.F, a[ai + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(Lanes.F, a[ai + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(Lanes.F, a[ai + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            c33 = a3.fma(b3, c33);
        }
        c00.intoArray(c, cOff + 0 * ldc + 0 * n);
        c01.intoArray(c, cOff + 0 * ldc + 1 * n);
        c02.intoArray(c, cOff + 0 * ldc + 2 * n);
        c03.intoArray(c, cOff + 0 * ldc + 3 * n);
        c10.intoArray(c, cOff + 1 * ldc + 0 * n);
        c11.intoArray(c, cOff + 1 * ldc + 1 * n);
        c12.intoArray(c, cOff + 1 * ldc + 2 * n);
        c13.intoArray(c, cOff + 1 * ldc + 3 * n);
        c20.intoArray(c, cOff + 2 * ldc + 0 * n);
        c21.intoArray(c, cOff + 2 * ldc + 1 * n);
        c22.intoArray(c, cOff + 2 * ldc + 2 * n);
        c23.intoArray(c, cOff + 2 * ldc + 3 * n);
        c30.intoArray(c, cOff + 3 * ldc + 0 * n);
        c31.intoArray(c, cOff + 3 * ldc + 1 * n);
        c32.intoArray(c, cOff + 3 * ldc + 2 * n);
        c33.intoArray(c, cOff + 3 * ldc + 3 * n);
    }
}
