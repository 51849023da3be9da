package dev.qlens.simd;

import dev.qlens.core.linalg.Int8GemmKernel;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The Vector API int8 GEMM micro-kernel: a tile of MR = 4 rows by NR = 2 short vectors of columns.
 *
 * <p>Each step takes a pair of k: the two int16 products a[k]*b[k] and a[k+1]*b[k+1] are summed in
 * int16 (exact when the driver has ruled out -128 * -128 twice), and the sum vector is reinterpreted
 * as int32 lanes, each holding two columns (the packing puts column t in the low half and column
 * t + N in the high half of int lane t). Widening is deferred: the kernel adds the raw int32 lanes
 * into T and their high halves (arithmetic shift) into H; at the end the high column is H and the
 * low column is T - H * 65536, exact modulo 2^32 and therefore exact while the sums fit in int32,
 * which the driver's K blocks guarantee.
 */
final class VInt8GemmKernel implements Int8GemmKernel {
    static final int MR = 4;
    static final int V = 2;
    /** int32 lanes per vector (half the int16 lanes). */
    private static final int N = Lanes.N;
    static final int NR = V * 2 * N;

    @Override
    public int rows() {
        return MR;
    }

    @Override
    public int cols() {
        return NR;
    }

    @Override
    public int packedColumn(int j) {
        int group = j / (2 * N);
        int t = j - group * 2 * N;
        return group * 2 * N + (t < N ? 2 * t : 2 * (t - N) + 1);
    }

    @Override
    public void tile(int pairs, short[] a, int aOff, short[] b, int bOff, int[] c, int cOff, int ldc,
                     boolean accumulate) {
        int n = N;
        IntVector zero = IntVector.zero(Lanes.I);
        IntVector t00 = accumulate ? IntVector.fromArray(Lanes.I, c, cOff + 0 * ldc + 0 * 2 * n) : zero;
        IntVector h00 = zero;
        IntVector t01 = accumulate ? IntVector.fromArray(Lanes.I, c, cOff + 0 * ldc + 1 * 2 * n) : zero;
        IntVector h01 = zero;
        IntVector t10 = accumulate ? IntVector.fromArray(Lanes.I, c, cOff + 1 * ldc + 0 * 2 * n) : zero;
        IntVector h10 = zero;
        IntVector t11 = accumulate ? IntVector.fromArray(Lanes.I, c, cOff + 1 * ldc + 1 * 2 * n) : zero;
        IntVector h11 = zero;
        IntVector t20 = accumulate ? IntVector.fromArray(Lanes.I, c, cOff + 2 * ldc + 0 * 2 * n) : zero;
        IntVector h20 = zero;
        IntVector t21 = accumulate ? IntVector.fromArray(Lanes.I, c, cOff + 2 * ldc + 1 * 2 * n) : zero;
        IntVector h21 = zero;
        IntVector t30 = accumulate ? IntVector.fromArray(Lanes.I, c, cOff + 3 * ldc + 0 * 2 * n) : zero;
        IntVector h30 = zero;
        IntVector t31 = accumulate ? IntVector.fromArray(Lanes.I, c, cOff + 3 * ldc + 1 * 2 * n) : zero;
        IntVector h31 = zero;
        for (int p = 0; p < pairs; p++) {
            int bi = bOff + p * 2 * NR;
            int ai = aOff + p * 2 * MR;
            ShortVector x0 = ShortVector.fromArray(Lanes.S, b, bi + 0 * 2 * n);
            ShortVector y0 = ShortVector.fromArray(Lanes.S, b, bi + NR + 0 * 2 * n);
            ShortVector x1 = ShortVector.fromArray(Lanes.S, b, bi + 1 * 2 * n);
            ShortVector y1 = ShortVector.fromArray(Lanes.S, b, bi + NR + 1 * 2 * n);
            ShortVector a0 = ShortVector.broadcast(Lanes.S, a[ai + 0]);
            ShortVector e0 = ShortVector.broadcast(Lanes.S, a[ai + 1]);
            IntVector s00 = (IntVector) a0.mul(x0).add(e0.mul(y0)).reinterpretShape(Lanes.I, 0);
            t00 = t00.add(s00.lanewise(VectorOperators.XOR, 0x8000));
            h00 = h00.add(s00.lanewise(VectorOperators.ASHR, 16));
            IntVector s01 = (IntVector) a0.mul(x1).add(e0.mul(y1)).reinterpretShape(Lanes.I, 0);
            t01 = t01.add(s01.lanewise(VectorOperators.XOR, 0x8000));
            h01 = h01.add(s01.lanewise(VectorOperators.ASHR, 16));
            ShortVector a1 = ShortVector.broadcast(Lanes.S, a[ai + 2]);
            ShortVector e1 = ShortVector.broadcast(Lanes.S, a[ai + 3]);
            IntVector s10 = (IntVector) a1.mul(x0).add(e1.mul(y0)).reinterpretShape(Lanes.I, 0);
            t10 = t10.add(s10.lanewise(VectorOperators.XOR, 0x8000));
            h10 = h10.add(s10.lanewise(VectorOperators.ASHR, 16));
            IntVector s11 = (IntVector) a1.mul(x1).add(e1.mul(y1)).reinterpretShape(Lanes.I, 0);
            t11 = t11.add(s11.lanewise(VectorOperators.XOR, 0x8000));
            h11 = h11.add(s11.lanewise(VectorOperators.ASHR, 16));
            ShortVector a2 = ShortVector.broadcast(Lanes.S, a[ai + 4]);
            ShortVector e2 = ShortVector.broadcast(Lanes.S, a[ai + 5]);
            IntVector s20 = (IntVector) a2.mul(x0).add(e2.mul(y0)).reinterpretShape(Lanes.I, 0);
            t20 = t20.add(s20.lanewise(VectorOperators.XOR, 0x8000));
            h20 = h20.add(s20.lanewise(VectorOperators.ASHR, 16));
            IntVector s21 = (IntVector) a2.mul(x1).add(e2.mul(y1)).reinterpretShape(Lanes.I, 0);
            t21 = t21.add(s21.lanewise(VectorOperators.XOR, 0x8000));
            h21 = h21.add(s21.lanewise(VectorOperators.ASHR, 16));
            ShortVector a3 = ShortVector.broadcast(Lanes.S, a[ai + 6]);
            ShortVector e3 = ShortVector.broadcast(Lanes.S, a[ai + 7]);
            IntVector s30 = (IntVector) a3.mul(x0).add(e3.mul(y0)).reinterpretShape(Lanes.I, 0);
            t30 = t30.add(s30.lanewise(VectorOperators.XOR, 0x8000));
            h30 = h30.add(s30.lanewise(VectorOperators.ASHR, 16));
            IntVector s31 = (IntVector) a3.mul(x1).add(e3.mul(y1)).reinterpretShape(Lanes.I, 0);
            t31 = t31.add(s31.lanewise(VectorOperators.XOR, 0x8000));
            h31 = h31.add(s31.lanewise(VectorOperators.ASHR, 16));
        }
        IntVector bias = IntVector.broadcast(Lanes.I, pairs * 0x8000);
        t00.sub(h00.lanewise(VectorOperators.LSHL, 16)).sub(bias).intoArray(c, cOff + 0 * ldc + 0 * 2 * n);
        (accumulate ? h00.add(IntVector.fromArray(Lanes.I, c, cOff + 0 * ldc + 0 * 2 * n + n)) : h00)
                .intoArray(c, cOff + 0 * ldc + 0 * 2 * n + n);
        t01.sub(h01.lanewise(VectorOperators.LSHL, 16)).sub(bias).intoArray(c, cOff + 0 * ldc + 1 * 2 * n);
        (accumulate ? h01.add(IntVector.fromArray(Lanes.I, c, cOff + 0 * ldc + 1 * 2 * n + n)) : h01)
                .intoArray(c, cOff + 0 * ldc + 1 * 2 * n + n);
        t10.sub(h10.lanewise(VectorOperators.LSHL, 16)).sub(bias).intoArray(c, cOff + 1 * ldc + 0 * 2 * n);
        (accumulate ? h10.add(IntVector.fromArray(Lanes.I, c, cOff + 1 * ldc + 0 * 2 * n + n)) : h10)
                .intoArray(c, cOff + 1 * ldc + 0 * 2 * n + n);
        t11.sub(h11.lanewise(VectorOperators.LSHL, 16)).sub(bias).intoArray(c, cOff + 1 * ldc + 1 * 2 * n);
        (accumulate ? h11.add(IntVector.fromArray(Lanes.I, c, cOff + 1 * ldc + 1 * 2 * n + n)) : h11)
                .intoArray(c, cOff + 1 * ldc + 1 * 2 * n + n);
        t20.sub(h20.lanewise(VectorOperators.LSHL, 16)).sub(bias).intoArray(c, cOff + 2 * ldc + 0 * 2 * n);
        (accumulate ? h20.add(IntVector.fromArray(Lanes.I, c, cOff + 2 * ldc + 0 * 2 * n + n)) : h20)
                .intoArray(c, cOff + 2 * ldc + 0 * 2 * n + n);
        t21.sub(h21.lanewise(VectorOperators.LSHL, 16)).sub(bias).intoArray(c, cOff + 2 * ldc + 1 * 2 * n);
        (accumulate ? h21.add(IntVector.fromArray(Lanes.I, c, cOff + 2 * ldc + 1 * 2 * n + n)) : h21)
                .intoArray(c, cOff + 2 * ldc + 1 * 2 * n + n);
        t30.sub(h30.lanewise(VectorOperators.LSHL, 16)).sub(bias).intoArray(c, cOff + 3 * ldc + 0 * 2 * n);
        (accumulate ? h30.add(IntVector.fromArray(Lanes.I, c, cOff + 3 * ldc + 0 * 2 * n + n)) : h30)
                .intoArray(c, cOff + 3 * ldc + 0 * 2 * n + n);
        t31.sub(h31.lanewise(VectorOperators.LSHL, 16)).sub(bias).intoArray(c, cOff + 3 * ldc + 1 * 2 * n);
        (accumulate ? h31.add(IntVector.fromArray(Lanes.I, c, cOff + 3 * ldc + 1 * 2 * n + n)) : h31)
                .intoArray(c, cOff + 3 * ldc + 1 * 2 * n + n);
    }
}
