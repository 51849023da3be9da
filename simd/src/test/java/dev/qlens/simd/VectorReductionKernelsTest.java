package dev.qlens.simd;

import static dev.qlens.simd.VectorTesting.SCALAR;
import static dev.qlens.simd.VectorTesting.VECTOR;
import static dev.qlens.simd.VectorTesting.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.RelativeErrorSums;
import dev.qlens.core.kernel.ValueSums;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reductions must match the scalar reference bit for bit, including the float64 sums, whose
 * documented 16-partial order the vector kernels reproduce at every width.
 */
class VectorReductionKernelsTest {
    @BeforeProperty
    @BeforeEach
    void nativeWidth() {
        VectorTesting.assumeNativeWidth();
    }

    @Provide
    Arbitrary<float[]> inputs() {
        return Floats.arrays();
    }

    @Provide
    Arbitrary<float[]> weights() {
        return Floats.blockArrays(7);
    }

    @Property(tries = 500)
    void maxAbsMatchesScalar(@ForAll("inputs") float[] x, @ForAll @IntRange(max = 9) int off) {
        int start = Math.min(off, x.length);
        int n = x.length - start;
        assertSameBits(SCALAR.maxAbs(x, start, n), VECTOR.maxAbs(x, start, n), "maxAbs");
        assertSameBits(SCALAR.maxAbsFinite(x, start, n), VECTOR.maxAbsFinite(x, start, n), "maxAbsFinite");
    }

    /** y is x after an E4M3 round trip (a realistic reconstruction), with x's NaNs and Infs kept. */
    private static float[] reconstruction(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = FloatFormat.FP8_E4M3FN.decode(EncodeMode.SATURATING.encode(FloatFormat.FP8_E4M3FN, x[i], i));
        }
        return y;
    }

    private static ErrorSums errorSums(Kernels k, float[] x, int xOff, float[] y, int yOff, int n) {
        ErrorSums acc = new ErrorSums();
        acc.sumX = 1.25; // sums accumulate into what is already there
        acc.maxAbsError = 0.5;
        k.errorSums(x, xOff, y, yOff, n, acc);
        k.errorSums(y, yOff, x, xOff, n, acc);
        return acc;
    }

    private static void assertSame(ErrorSums e, ErrorSums a) {
        assertEquals(e.count, a.count, "count");
        assertEquals(e.nonFinite, a.nonFinite, "nonFinite");
        assertSameBits(e.sumAbsError, a.sumAbsError, "sumAbsError");
        assertSameBits(e.sumSquaredError, a.sumSquaredError, "sumSquaredError");
        assertSameBits(e.sumX, a.sumX, "sumX");
        assertSameBits(e.sumY, a.sumY, "sumY");
        assertSameBits(e.sumXX, a.sumXX, "sumXX");
        assertSameBits(e.sumYY, a.sumYY, "sumYY");
        assertSameBits(e.sumXY, a.sumXY, "sumXY");
        assertSameBits(e.sumAbsX, a.sumAbsX, "sumAbsX");
        assertSameBits(e.maxAbsError, a.maxAbsError, "maxAbsError");
        assertSameBits(e.minAbsError, a.minAbsError, "minAbsError");
    }

    @Property(tries = 500)
    void errorSumsMatchScalar(@ForAll("weights") float[] x, @ForAll @IntRange(max = 5) int xOff,
                              @ForAll @IntRange(max = 5) int yOff) {
        float[] y = reconstruction(x);
        int n = Math.max(0, x.length - Math.max(xOff, yOff));
        float[] ys = new float[n + yOff];
        System.arraycopy(y, 0, ys, yOff, n);
        assertSame(errorSums(SCALAR, x, xOff, ys, yOff, n), errorSums(VECTOR, x, xOff, ys, yOff, n));
    }

    @Property(tries = 300)
    void errorSumsMatchScalarOnArbitraryBits(@ForAll("inputs") float[] x, @ForAll("inputs") float[] y) {
        int n = Math.min(x.length, y.length);
        assertSame(errorSums(SCALAR, x, 0, y, 0, n), errorSums(VECTOR, x, 0, y, 0, n));
    }

    private static ValueSums valueSums(Kernels k, float[] x, int off, int n) {
        ValueSums acc = new ValueSums();
        k.valueSums(x, off, n, acc);
        k.valueSums(x, off, n / 2, acc);
        return acc;
    }

    @Property(tries = 500)
    void valueSumsMatchScalar(@ForAll("inputs") float[] x, @ForAll @IntRange(max = 9) int off) {
        int start = Math.min(off, x.length);
        int n = x.length - start;
        ValueSums e = valueSums(SCALAR, x, start, n);
        ValueSums a = valueSums(VECTOR, x, start, n);
        assertEquals(e.count, a.count, "count");
        assertEquals(e.nans, a.nans, "nans");
        assertEquals(e.infs, a.infs, "infs");
        assertEquals(e.zeros, a.zeros, "zeros");
        assertSameBits(e.sum, a.sum, "sum");
        assertSameBits(e.sumSquares, a.sumSquares, "sumSquares");
        assertSameBits(e.min, a.min, "min");
        assertSameBits(e.max, a.max, "max");
    }

    private static void assertSameRelative(float[] x, int xOff, float[] y, int yOff, int n) {
        RelativeErrorSums e = new RelativeErrorSums();
        RelativeErrorSums a = new RelativeErrorSums();
        int[] he = new int[RelativeErrorSums.HISTOGRAM_LENGTH];
        int[] ha = new int[RelativeErrorSums.HISTOGRAM_LENGTH];
        SCALAR.relativeErrors(x, xOff, y, yOff, n, e, he);
        VECTOR.relativeErrors(x, xOff, y, yOff, n, a, ha);
        SCALAR.relativeErrors(y, yOff, x, xOff, n / 2, e, he);
        VECTOR.relativeErrors(y, yOff, x, xOff, n / 2, a, ha);
        assertEquals(e.count, a.count, "count");
        assertSameBits(e.sum, a.sum, "sum");
        assertSameBits(e.max, a.max, "max");
        org.junit.jupiter.api.Assertions.assertArrayEquals(he, ha, "histogram");
    }

    @Property(tries = 500)
    void relativeErrorsMatchScalar(@ForAll("weights") float[] x, @ForAll @IntRange(max = 5) int xOff,
                                   @ForAll @IntRange(max = 5) int yOff) {
        float[] y = reconstruction(x);
        int n = Math.max(0, x.length - Math.max(xOff, yOff));
        float[] ys = new float[n + yOff];
        System.arraycopy(y, 0, ys, yOff, n);
        assertSameRelative(x, xOff, ys, yOff, n);
    }

    @Property(tries = 300)
    void relativeErrorsMatchScalarOnArbitraryBits(@ForAll("inputs") float[] x, @ForAll("inputs") float[] y) {
        assertSameRelative(x, 0, y, 0, Math.min(x.length, y.length));
    }

    @Test
    void relativeErrorBinsSpanAtMostOnePartIn128() {
        for (float r : new float[] {1e-19f, 1e-6f, 0.0123f, 0.5f, 1, 3.3f, 1e6f}) {
            int b = RelativeErrorSums.bin(r);
            double lo = RelativeErrorSums.binLow(b);
            double hi = RelativeErrorSums.binHigh(b);
            assertTrue(lo <= r && r < hi, r + " in [" + lo + ", " + hi + ")");
            assertTrue(hi / lo <= 1 + 1.0 / 128 + 1e-12, "bin width at " + r);
        }
        assertEquals(0, RelativeErrorSums.bin(0f));
        assertEquals(0, RelativeErrorSums.bin(1e-30f));
        assertTrue(RelativeErrorSums.bin(RelativeErrorSums.CAP) < RelativeErrorSums.NON_FINITE_BIN);
    }

    @Test
    void sumsOfALargeTensorAreIdentical() {
        java.util.Random r = new java.util.Random(11);
        float[] x = new float[1_000_003];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 0.02);
        }
        float[] y = reconstruction(x);
        assertSame(errorSums(SCALAR, x, 0, y, 0, x.length), errorSums(VECTOR, x, 0, y, 0, x.length));
        assertSameRelative(x, 0, y, 0, x.length);
    }
}
