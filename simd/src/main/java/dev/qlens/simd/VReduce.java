package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.F2D;

import dev.qlens.core.kernel.ErrorPartials;
import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.RelativeErrorSums;
import dev.qlens.core.kernel.RelativePartials;
import dev.qlens.core.kernel.ValuePartials;
import dev.qlens.core.kernel.ValueSums;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector reductions with the exact summation order of the scalar reference: element i of a call is
 * added to partial sum i mod 16 in element order, and the 16 partials are added 0 to 15 at the end.
 *
 * <p>Elements are read half a vector at a time ({@link Lanes#F_HALF}) and widened to one float64
 * vector, which covers partials (i mod 16) .. (i mod 16) + N/2 - 1. At 512 bits a round of 16
 * elements is two such vectors and the partials live in registers; at other widths they are updated
 * in small arrays. Lanes the reference skips (non-finite values) add +0.0, which leaves a partial
 * unchanged because a partial that starts at +0.0 never becomes -0.0. Maxima of non-negative float64
 * values are taken on their bit patterns as integers, which orders them the same way and costs one
 * instruction instead of {@code Math.max}'s NaN and signed-zero handling.
 */
final class VReduce {
    private static final int P = ErrorSums.PARTIALS;
    /** float64 lanes per vector: elements per half float vector. */
    private static final int DL = Lanes.D.length();

    private VReduce() {
    }

    static float maxAbsFinite(float[] x, int off, int n) {
        IntVector m = IntVector.zero(Lanes.I);
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            // Non-negative floats order like their bit patterns; Inf and NaN patterns are dropped.
            IntVector a = FloatVector.fromArray(Lanes.F, x, off + i).reinterpretAsInts().and(0x7FFFFFFF);
            m = m.max(a.blend(0, a.compare(VectorOperators.GE, 0x7F800000)));
        }
        float r = Float.intBitsToFloat(m.reduceLanes(VectorOperators.MAX));
        for (; i < n; i++) {
            float a = Math.abs(x[off + i]);
            if (a < Float.POSITIVE_INFINITY) {
                r = Math.max(r, a);
            }
        }
        return r;
    }

    static float maxAbs(float[] x, int off, int n) {
        IntVector m = IntVector.zero(Lanes.I);
        int i = 0;
        for (; i + Lanes.N <= n; i += Lanes.N) {
            m = m.max(FloatVector.fromArray(Lanes.F, x, off + i).reinterpretAsInts().and(0x7FFFFFFF));
        }
        // Every NaN pattern is above the infinity pattern.
        int bits = m.reduceLanes(VectorOperators.MAX);
        if (bits > 0x7F800000) {
            return Float.NaN;
        }
        float r = Float.intBitsToFloat(bits);
        for (; i < n; i++) {
            float a = Math.abs(x[off + i]);
            if (a != a) {
                return Float.NaN;
            }
            r = Math.max(r, a);
        }
        return r;
    }

    // ---------------------------------------------------------------------------------------
    // Error sums

    static void errorSums(float[] x, int xOff, float[] y, int yOff, int n, ErrorSums acc) {
        ErrorPartials p = new ErrorPartials();
        int whole = n - n % P;
        if (Lanes.BITS == 512) {
            errorRounds512(x, xOff, y, yOff, whole, p);
        } else {
            errorRoundsInMemory(x, xOff, y, yOff, whole, p);
        }
        p.addScalar(x, xOff, y, yOff, whole, n);
        p.addTo(acc, n);
    }

    /** Widens half a float vector at {@code at}. */
    private static DoubleVector widen(float[] a, int at) {
        return (DoubleVector) FloatVector.fromArray(Lanes.F_HALF, a, at).convertShape(F2D, Lanes.D, 0);
    }

    /** Lanes where x - y (in float64) is finite, i.e. where both are finite. */
    private static VectorMask<Double> finite(DoubleVector absError) {
        return absError.lt(Double.POSITIVE_INFINITY);
    }

    /** 512 bits: partials 0-7 and 8-15 of every sum in registers for the whole loop. */
    private static void errorRounds512(float[] x, int xOff, float[] y, int yOff, int len, ErrorPartials p) {
        DoubleVector abs0 = DoubleVector.fromArray(Lanes.D, p.abs, 0);
        DoubleVector abs1 = DoubleVector.fromArray(Lanes.D, p.abs, DL);
        DoubleVector sq0 = DoubleVector.fromArray(Lanes.D, p.sq, 0);
        DoubleVector sq1 = DoubleVector.fromArray(Lanes.D, p.sq, DL);
        DoubleVector sx0 = DoubleVector.fromArray(Lanes.D, p.sx, 0);
        DoubleVector sx1 = DoubleVector.fromArray(Lanes.D, p.sx, DL);
        DoubleVector sy0 = DoubleVector.fromArray(Lanes.D, p.sy, 0);
        DoubleVector sy1 = DoubleVector.fromArray(Lanes.D, p.sy, DL);
        DoubleVector sxx0 = DoubleVector.fromArray(Lanes.D, p.sxx, 0);
        DoubleVector sxx1 = DoubleVector.fromArray(Lanes.D, p.sxx, DL);
        DoubleVector syy0 = DoubleVector.fromArray(Lanes.D, p.syy, 0);
        DoubleVector syy1 = DoubleVector.fromArray(Lanes.D, p.syy, DL);
        DoubleVector sxy0 = DoubleVector.fromArray(Lanes.D, p.sxy, 0);
        DoubleVector sxy1 = DoubleVector.fromArray(Lanes.D, p.sxy, DL);
        DoubleVector sax0 = DoubleVector.fromArray(Lanes.D, p.sax, 0);
        DoubleVector sax1 = DoubleVector.fromArray(Lanes.D, p.sax, DL);
        LongVector max0 = LongVector.broadcast(Lanes.L, Double.doubleToRawLongBits(p.max));
        LongVector max1 = max0;
        LongVector min0 = LongVector.broadcast(Lanes.L, Double.doubleToRawLongBits(p.min));
        LongVector min1 = min0;
        DoubleVector zero = DoubleVector.zero(Lanes.D);
        long bad = 0;
        for (int i = 0; i < len; i += P) {
            DoubleVector dx0 = widen(x, xOff + i);
            DoubleVector dy0 = widen(y, yOff + i);
            DoubleVector dx1 = widen(x, xOff + i + DL);
            DoubleVector dy1 = widen(y, yOff + i + DL);
            DoubleVector e0 = dy0.sub(dx0);
            DoubleVector e1 = dy1.sub(dx1);
            DoubleVector ae0 = e0.abs();
            DoubleVector ae1 = e1.abs();
            VectorMask<Double> ok0 = finite(ae0);
            VectorMask<Double> ok1 = finite(ae1);
            LongVector least0 = ae0.reinterpretAsLongs();
            LongVector least1 = ae1.reinterpretAsLongs();
            if (!ok0.and(ok1).allTrue()) {
                bad += 2 * DL - ok0.trueCount() - ok1.trueCount();
                dx0 = zero.blend(dx0, ok0);
                dy0 = zero.blend(dy0, ok0);
                dx1 = zero.blend(dx1, ok1);
                dy1 = zero.blend(dy1, ok1);
                e0 = dy0.sub(dx0);
                e1 = dy1.sub(dx1);
                ae0 = e0.abs();
                ae1 = e1.abs();
                least0 = ae0.blend(Double.POSITIVE_INFINITY, ok0.not()).reinterpretAsLongs();
                least1 = ae1.blend(Double.POSITIVE_INFINITY, ok1.not()).reinterpretAsLongs();
            }
            abs0 = abs0.add(ae0);
            abs1 = abs1.add(ae1);
            max0 = max0.max(ae0.reinterpretAsLongs());
            max1 = max1.max(ae1.reinterpretAsLongs());
            min0 = min0.min(least0);
            min1 = min1.min(least1);
            sq0 = e0.fma(e0, sq0);
            sq1 = e1.fma(e1, sq1);
            sx0 = sx0.add(dx0);
            sx1 = sx1.add(dx1);
            sy0 = sy0.add(dy0);
            sy1 = sy1.add(dy1);
            sxx0 = dx0.fma(dx0, sxx0);
            sxx1 = dx1.fma(dx1, sxx1);
            syy0 = dy0.fma(dy0, syy0);
            syy1 = dy1.fma(dy1, syy1);
            sxy0 = dx0.fma(dy0, sxy0);
            sxy1 = dx1.fma(dy1, sxy1);
            sax0 = sax0.add(dx0.abs());
            sax1 = sax1.add(dx1.abs());
        }
        abs0.intoArray(p.abs, 0);
        abs1.intoArray(p.abs, DL);
        sq0.intoArray(p.sq, 0);
        sq1.intoArray(p.sq, DL);
        sx0.intoArray(p.sx, 0);
        sx1.intoArray(p.sx, DL);
        sy0.intoArray(p.sy, 0);
        sy1.intoArray(p.sy, DL);
        sxx0.intoArray(p.sxx, 0);
        sxx1.intoArray(p.sxx, DL);
        syy0.intoArray(p.syy, 0);
        syy1.intoArray(p.syy, DL);
        sxy0.intoArray(p.sxy, 0);
        sxy1.intoArray(p.sxy, DL);
        sax0.intoArray(p.sax, 0);
        sax1.intoArray(p.sax, DL);
        p.max = Double.longBitsToDouble(max0.max(max1).reduceLanes(VectorOperators.MAX));
        p.min = Double.longBitsToDouble(min0.min(min1).reduceLanes(VectorOperators.MIN));
        p.nonFinite += bad;
    }

    /** Any width: each float64 vector of elements updates its slice of the partial arrays. */
    private static void errorRoundsInMemory(float[] x, int xOff, float[] y, int yOff, int len, ErrorPartials p) {
        LongVector max = LongVector.broadcast(Lanes.L, Double.doubleToRawLongBits(p.max));
        LongVector min = LongVector.broadcast(Lanes.L, Double.doubleToRawLongBits(p.min));
        DoubleVector zero = DoubleVector.zero(Lanes.D);
        long bad = 0;
        for (int i = 0; i < len; i += DL) {
            int at = i & (P - 1);
            DoubleVector dx = widen(x, xOff + i);
            DoubleVector dy = widen(y, yOff + i);
            DoubleVector e = dy.sub(dx);
            DoubleVector ae = e.abs();
            VectorMask<Double> ok = finite(ae);
            LongVector least = ae.reinterpretAsLongs();
            if (!ok.allTrue()) {
                bad += DL - ok.trueCount();
                dx = zero.blend(dx, ok);
                dy = zero.blend(dy, ok);
                e = dy.sub(dx);
                ae = e.abs();
                least = ae.blend(Double.POSITIVE_INFINITY, ok.not()).reinterpretAsLongs();
            }
            max = max.max(ae.reinterpretAsLongs());
            min = min.min(least);
            DoubleVector.fromArray(Lanes.D, p.abs, at).add(ae).intoArray(p.abs, at);
            e.fma(e, DoubleVector.fromArray(Lanes.D, p.sq, at)).intoArray(p.sq, at);
            DoubleVector.fromArray(Lanes.D, p.sx, at).add(dx).intoArray(p.sx, at);
            DoubleVector.fromArray(Lanes.D, p.sy, at).add(dy).intoArray(p.sy, at);
            dx.fma(dx, DoubleVector.fromArray(Lanes.D, p.sxx, at)).intoArray(p.sxx, at);
            dy.fma(dy, DoubleVector.fromArray(Lanes.D, p.syy, at)).intoArray(p.syy, at);
            dx.fma(dy, DoubleVector.fromArray(Lanes.D, p.sxy, at)).intoArray(p.sxy, at);
            DoubleVector.fromArray(Lanes.D, p.sax, at).add(dx.abs()).intoArray(p.sax, at);
        }
        p.max = Double.longBitsToDouble(max.reduceLanes(VectorOperators.MAX));
        p.min = Double.longBitsToDouble(min.reduceLanes(VectorOperators.MIN));
        p.nonFinite += bad;
    }

    // ---------------------------------------------------------------------------------------
    // Relative errors

    /** Elements per histogram batch: bins are computed with vectors, then counted one by one. */
    private static final int BIN_BATCH = 1024;
    private static final int SUB_MASK = RelativeErrorSums.SUBHISTOGRAMS - 1;

    static void relativeErrors(float[] x, int xOff, float[] y, int yOff, int n, RelativeErrorSums acc,
                               int[] histogram) {
        RelativePartials p = new RelativePartials();
        int whole = n - n % P;
        int[] bins = new int[BIN_BATCH];
        for (int start = 0; start < whole; start += BIN_BATCH) {
            int len = Math.min(BIN_BATCH, whole - start);
            relativeBatch(x, xOff, y, yOff, start, len, p, bins);
            for (int k = 0; k < len; k++) {
                histogram[bins[k]]++;
            }
        }
        p.addScalar(x, xOff, y, yOff, whole, n, histogram);
        p.addTo(acc);
    }

    /** Offsets of the sub-histogram of each lane: element i is counted in sub-histogram i mod 4. */
    private static final IntVector SUBHISTOGRAM_OFFSETS = subhistogramOffsets();

    private static IntVector subhistogramOffsets() {
        int[] o = new int[Lanes.N];
        for (int i = 0; i < o.length; i++) {
            o[i] = (i & SUB_MASK) * RelativeErrorSums.BINS;
        }
        return IntVector.fromArray(Lanes.I, o, 0);
    }

    /**
     * Ratios of elements [start, start + len) (len a multiple of 16) in float32: partial sums (widened
     * to float64), maximum and count into p, and the histogram index (sub-histogram offset plus bin) of
     * each element into bins[0 .. len).
     */
    private static void relativeBatch(float[] x, int xOff, float[] y, int yOff, int start, int len,
                                      RelativePartials p, int[] bins) {
        if (Lanes.BITS == 512) {
            relativeBatch512(x, xOff, y, yOff, start, len, p, bins);
            return;
        }
        IntVector max = IntVector.broadcast(Lanes.I, Float.floatToRawIntBits(p.max));
        long count = 0;
        for (int i = start; i < start + len; i += Lanes.N) {
            FloatVector r = FloatVector.fromArray(Lanes.F, x, xOff + i);
            FloatVector yv = FloatVector.fromArray(Lanes.F, y, yOff + i);
            VectorMask<Float> ok = finitePairs(r, yv);
            int finite = ok.trueCount();
            count += finite;
            r = ratios(r, yv, ok, finite == Lanes.N);
            max = max.max(r.reinterpretAsInts());
            binIndices(r, ok, finite == Lanes.N).intoArray(bins, i - start);
            int at = i & (P - 1);
            DoubleVector d = (DoubleVector) r.convertShape(F2D, Lanes.D, 0);
            DoubleVector.fromArray(Lanes.D, p.sum, at).add(d).intoArray(p.sum, at);
            d = (DoubleVector) r.convertShape(F2D, Lanes.D, 1);
            DoubleVector.fromArray(Lanes.D, p.sum, at + DL).add(d).intoArray(p.sum, at + DL);
        }
        p.max = Float.intBitsToFloat(max.reduceLanes(VectorOperators.MAX));
        p.count += count;
    }

    /** 512 bits: one vector is one round of the 16 partials, kept in two float64 registers. */
    private static void relativeBatch512(float[] x, int xOff, float[] y, int yOff, int start, int len,
                                         RelativePartials p, int[] bins) {
        IntVector max = IntVector.broadcast(Lanes.I, Float.floatToRawIntBits(p.max));
        DoubleVector s0 = DoubleVector.fromArray(Lanes.D, p.sum, 0);
        DoubleVector s1 = DoubleVector.fromArray(Lanes.D, p.sum, DL);
        long count = 0;
        for (int i = start; i < start + len; i += Lanes.N) {
            FloatVector r = FloatVector.fromArray(Lanes.F, x, xOff + i);
            FloatVector yv = FloatVector.fromArray(Lanes.F, y, yOff + i);
            VectorMask<Float> ok = finitePairs(r, yv);
            boolean all = ok.allTrue();
            count += all ? Lanes.N : ok.trueCount();
            r = ratios(r, yv, ok, all);
            max = max.max(r.reinterpretAsInts());
            binIndices(r, ok, all).intoArray(bins, i - start);
            s0 = s0.add((DoubleVector) r.convertShape(F2D, Lanes.D, 0));
            s1 = s1.add((DoubleVector) r.convertShape(F2D, Lanes.D, 1));
        }
        s0.intoArray(p.sum, 0);
        s1.intoArray(p.sum, DL);
        p.max = Float.intBitsToFloat(max.reduceLanes(VectorOperators.MAX));
        p.count += count;
    }

    private static VectorMask<Float> finitePairs(FloatVector x, FloatVector y) {
        return x.abs().lt(Float.POSITIVE_INFINITY).and(y.abs().lt(Float.POSITIVE_INFINITY));
    }

    /** min(|y - x| / (|x| + 1e-8), 1e6) in float32, 0 in lanes that are not finite pairs. */
    private static FloatVector ratios(FloatVector x, FloatVector y, VectorMask<Float> ok, boolean all) {
        FloatVector r = y.sub(x).abs().div(x.abs().add(RelativeErrorSums.FLOOR)).min(RelativeErrorSums.CAP);
        return all ? r : FloatVector.zero(Lanes.F).blend(r, ok);
    }

    /** Histogram index of each lane: sub-histogram offset plus bin (the non-finite bin where needed). */
    private static IntVector binIndices(FloatVector r, VectorMask<Float> ok, boolean all) {
        IntVector bin = r.reinterpretAsInts().lanewise(VectorOperators.LSHR, 16).sub((127 - 64) << 7).max(0);
        if (!all) {
            bin = bin.blend(RelativeErrorSums.NON_FINITE_BIN, ok.cast(Lanes.I).not());
        }
        return bin.add(SUBHISTOGRAM_OFFSETS);
    }

    // ---------------------------------------------------------------------------------------
    // Value sums

    /**
     * Maps float32 bits to ints that order like the values, -0.0 below +0.0 (as {@code Math.min}
     * orders them): negative patterns have their magnitude bits flipped.
     */
    private static IntVector sortable(IntVector bits) {
        return bits.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 31).and(0x7FFFFFFF));
    }

    private static float unsortable(int s) {
        return Float.intBitsToFloat(s ^ ((s >> 31) & 0x7FFFFFFF));
    }

    static void valueSums(float[] x, int off, int n, ValueSums acc) {
        ValuePartials p = new ValuePartials(acc);
        int whole = n - n % P;
        IntVector lo = IntVector.broadcast(Lanes.I, Integer.MAX_VALUE);
        IntVector hi = IntVector.broadcast(Lanes.I, Integer.MIN_VALUE);
        FloatVector zero = FloatVector.zero(Lanes.F);
        for (int i = 0; i < whole; i += Lanes.N) {
            FloatVector v = FloatVector.fromArray(Lanes.F, x, off + i);
            IntVector bits = v.reinterpretAsInts();
            IntVector abs = bits.and(0x7FFFFFFF);
            VectorMask<Integer> finite = abs.compare(VectorOperators.LT, 0x7F800000);
            p.zeros += abs.eq(0).trueCount();
            IntVector s = sortable(bits);
            if (!finite.allTrue()) {
                int nan = abs.compare(VectorOperators.GT, 0x7F800000).trueCount();
                p.nans += nan;
                p.infs += Lanes.N - finite.trueCount() - nan;
                v = zero.blend(v, finite.cast(Lanes.F));
                lo = lo.min(s.blend(Integer.MAX_VALUE, finite.not()));
                hi = hi.max(s.blend(Integer.MIN_VALUE, finite.not()));
            } else {
                lo = lo.min(s);
                hi = hi.max(s);
            }
            valueHalves(v, i & (P - 1), p);
        }
        int loBits = lo.reduceLanes(VectorOperators.MIN);
        int hiBits = hi.reduceLanes(VectorOperators.MAX);
        if (loBits != Integer.MAX_VALUE) {
            p.min = Math.min(p.min, unsortable(loBits));
            p.max = Math.max(p.max, unsortable(hiBits));
        }
        p.addScalar(x, off, whole, n);
        p.addTo(acc, n);
    }

    /** Adds the two float64 halves of v to the partials starting at {@code at}. */
    private static void valueHalves(FloatVector v, int at, ValuePartials p) {
        DoubleVector d = (DoubleVector) v.convertShape(F2D, Lanes.D, 0);
        DoubleVector.fromArray(Lanes.D, p.sum, at).add(d).intoArray(p.sum, at);
        d.fma(d, DoubleVector.fromArray(Lanes.D, p.squares, at)).intoArray(p.squares, at);
        d = (DoubleVector) v.convertShape(F2D, Lanes.D, 1);
        DoubleVector.fromArray(Lanes.D, p.sum, at + DL).add(d).intoArray(p.sum, at + DL);
        d.fma(d, DoubleVector.fromArray(Lanes.D, p.squares, at + DL)).intoArray(p.squares, at + DL);
    }
}
