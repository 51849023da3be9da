package dev.qlens.core.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Properties of the reference element codecs, checked against an independent oracle that works in
 * value space: it lists every representable value and picks the neighbour the rounding mode asks for.
 */
class ElementPropertiesTest {
    private static final List<Rounding> DETERMINISTIC =
            List.of(Rounding.NEAREST_EVEN, Rounding.NEAREST_AWAY, Rounding.TOWARD_ZERO);

    /** Sorted finite non-negative values of a format and, one past the end, the next value an unbounded exponent would give. */
    private static final Map<FloatFormat, double[]> GRIDS = new ConcurrentHashMap<>();

    static double[] grid(FloatFormat f) {
        return GRIDS.computeIfAbsent(f, ElementPropertiesTest::buildGrid);
    }

    private static double[] buildGrid(FloatFormat f) {
        int max = f.maxFiniteCode();
        double[] g = new double[max + 2];
        for (int c = 0; c <= max; c++) {
            g[c] = f.decodeDouble(c);
        }
        int m = f.mantissaBits();
        int next = max + 1;
        g[max + 1] = Math.scalb((double) ((1 << m) + (next & ((1 << m) - 1))), (next >>> m) - f.bias() - m);
        for (int i = 1; i < g.length; i++) {
            assertTrue(g[i] > g[i - 1], f + " grid must be increasing at " + i);
        }
        return g;
    }

    /** The magnitude code the oracle expects, possibly max+1 meaning "overflow". */
    static int oracleMagnitude(FloatFormat f, double a, Rounding r) {
        double[] g = grid(f);
        int over = g.length - 1;
        if (a > g[over]) {
            return over;
        }
        if (f.specials() == SpecialValues.E8M0 && a < g[1]) {
            double min = g[0];
            if (r == Rounding.NEAREST_EVEN) {
                // ml_dtypes rounds below 2^-126 as if code 0 were zero: the tie point is 2^-127.
                return a <= min ? 0 : 1;
            }
            if (a <= min) {
                return 0;
            }
            return pick(g, 0, 1, a, r);
        }
        int idx = Arrays.binarySearch(g, a);
        if (idx >= 0) {
            return idx;
        }
        int hi = -idx - 1;
        return pick(g, hi - 1, hi, a, r);
    }

    private static int pick(double[] g, int lo, int hi, double a, Rounding r) {
        double below = a - g[lo];
        double above = g[hi] - a;
        switch (r) {
            case TOWARD_ZERO:
                return lo;
            case NEAREST_AWAY:
                return below >= above ? hi : lo;
            case NEAREST_EVEN:
                if (below != above) {
                    return below < above ? lo : hi;
                }
                // Tie: the neighbour whose significand, in units of the step, is even.
                double units = g[lo] / (g[hi] - g[lo]);
                return ((long) units) % 2 == 0 ? lo : hi;
            default:
                throw new AssertionError(r);
        }
    }

    @Provide
    Arbitrary<FloatFormat> formats() {
        return Arbitraries.of(FloatFormat.all());
    }

    @Provide
    Arbitrary<Rounding> modes() {
        return Arbitraries.of(DETERMINISTIC);
    }

    /** Any float32 bit pattern except NaN. */
    @Provide
    Arbitrary<Float> anyFloat() {
        return Arbitraries.integers().map(Float::intBitsToFloat).filter(x -> !Float.isNaN(x));
    }

    /**
     * Values near a format's grid: a representable value, or the midpoint between two, nudged by a
     * few float32 ulps either way (ties and their neighbours are where rounding goes wrong).
     */
    static Arbitrary<Float> nearGrid(FloatFormat f) {
        double[] g = grid(f);
        Arbitrary<Integer> index = Arbitraries.integers().between(0, g.length - 2);
        Arbitrary<Integer> nudge = Arbitraries.integers().between(-3, 3);
        Arbitrary<Boolean> midpoint = Arbitraries.of(true, false);
        Arbitrary<Boolean> negative = Arbitraries.of(true, false);
        return Combinators.combine(index, nudge, midpoint, negative).as((i, n, mid, neg) -> {
            double v = mid ? (g[i] + g[i + 1]) / 2 : g[i];
            float x = (float) v;
            for (int k = 0; k < Math.abs(n); k++) {
                x = n > 0 ? Math.nextUp(x) : Math.nextDown(x);
            }
            return neg ? -x : x;
        });
    }

    @Property(tries = 3000)
    void decodedEncodingIsTheValueTheRoundingModeSelectsForAnyFloat(
            @ForAll("formats") FloatFormat f, @ForAll("modes") Rounding r, @ForAll("anyFloat") float x,
            @ForAll boolean saturate) {
        checkAgainstOracle(f, r, x, saturate);
    }

    /** A format with a value near its grid. */
    record FormatAndValue(FloatFormat format, float value) {
    }

    @Provide
    Arbitrary<FormatAndValue> nearTies() {
        return formats().flatMap(f -> nearGrid(f).map(x -> new FormatAndValue(f, x)));
    }

    @Property(tries = 6000)
    void decodedEncodingIsTheValueTheRoundingModeSelectsNearTies(
            @ForAll("nearTies") FormatAndValue fx, @ForAll("modes") Rounding r, @ForAll boolean saturate) {
        checkAgainstOracle(fx.format(), r, fx.value(), saturate);
    }

    private static void checkAgainstOracle(FloatFormat f, Rounding r, float x, boolean saturate) {
        int code = f.encode(x, r, saturate, Compat.ML_DTYPES, 0L);
        String what = f + " " + r + (saturate ? " sat" : "") + " x=" + x + " (0x" + Integer.toHexString(Float.floatToRawIntBits(x)) + ")";
        boolean negative = Float.floatToRawIntBits(x) < 0;
        if (!f.isSigned() && (negative || x == 0)) {
            return; // E8M0 zero/negative conventions are covered by the conformance vectors
        }
        double a = Math.abs((double) x);
        int expectedMag = Float.isInfinite(x) ? grid(f).length - 1 : oracleMagnitude(f, a, r);
        boolean overflow = expectedMag > f.maxFiniteCode();
        if (overflow && (saturate || f.specials() == SpecialValues.NONE) && !Float.isInfinite(x)) {
            expectedMag = f.maxFiniteCode();
            overflow = false;
        }
        if (overflow) {
            double d = f.decodeDouble(code);
            if (f.hasInfinity() && Float.isInfinite(x) || f.hasInfinity() && !saturate) {
                assertEquals(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, d, what);
            } else if (f.specials() == SpecialValues.NONE) {
                assertEquals(negative ? -f.maxFinite() : f.maxFinite(), d, what);
            } else {
                assertTrue(Double.isNaN(d), what + " should overflow to NaN, got " + d);
            }
            return;
        }
        double expected = grid(f)[expectedMag];
        double decoded = f.decodeDouble(code);
        boolean zeroLosesSign = expected == 0 && f.specials() == SpecialValues.FNUZ;
        assertEquals(negative && !zeroLosesSign ? -expected : expected, decoded, what);
        if (expected == 0 && !zeroLosesSign && f.isSigned()) {
            assertEquals(negative, (code & f.signMask()) != 0, what + " keeps the sign of zero");
        }
    }

    @Property(tries = 4000)
    void encodingIsMonotone(@ForAll("formats") FloatFormat f, @ForAll("modes") Rounding r,
                            @ForAll("anyFloat") float x, @ForAll("anyFloat") float y) {
        if (!f.isSigned() && (x <= 0 || y <= 0)) {
            return;
        }
        float lo = Math.min(x, y);
        float hi = Math.max(x, y);
        double a = f.decodeDouble(f.encode(lo, r, true, Compat.ML_DTYPES, 0L));
        double b = f.decodeDouble(f.encode(hi, r, true, Compat.ML_DTYPES, 0L));
        assertTrue(a <= b, f + " " + r + ": encode(" + lo + ") = " + a + " > encode(" + hi + ") = " + b);
    }

    @Test
    void everyNonNaNCodeRoundTripsUnderEveryModeAndConvention() {
        for (FloatFormat f : FloatFormat.all()) {
            for (int c = 0; c <= f.codeMask(); c++) {
                if (f.isNaN(c)) {
                    continue;
                }
                double v = f.decodeDouble(c);
                float vf = f.decode(c);
                for (Rounding r : Rounding.values()) {
                    for (boolean sat : new boolean[] {false, true}) {
                        for (Compat compat : Compat.values()) {
                            long bits = StochasticBits.bits(7, c);
                            assertEquals(c, f.encode(v, r, sat, compat, bits), f + " code " + c + " via double " + r + " " + compat);
                            assertEquals(c, f.encode(vf, r, sat, compat, bits), f + " code " + c + " via float " + r + " " + compat);
                        }
                    }
                }
            }
        }
    }

    @Property(tries = 40, seed = "20261122")
    void stochasticRoundingIsUnbiased(@ForAll("formats") FloatFormat f,
                                      @ForAll @IntRange(min = 0, max = 1 << 20) int pick,
                                      @ForAll @IntRange(min = 1, max = 1023) int fraction) {
        double[] g = grid(f);
        int lo = pick % (f.maxFiniteCode());
        if (f.specials() == SpecialValues.E8M0 && lo == 0) {
            lo = 1;
        }
        double x = g[lo] + (g[lo + 1] - g[lo]) * fraction / 1024.0;
        int n = 20000;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int code = f.encode(x, Rounding.STOCHASTIC, true, Compat.ML_DTYPES, StochasticBits.bits(99, i));
            double v = f.decodeDouble(code);
            assertTrue(v == g[lo] || v == g[lo + 1], f + ": stochastic rounding of " + x + " gave " + v);
            sum += v;
        }
        double p = fraction / 1024.0;
        double sigma = (g[lo + 1] - g[lo]) * Math.sqrt(p * (1 - p) / n);
        double mean = sum / n;
        assertTrue(Math.abs(mean - x) <= 5 * sigma, f + ": mean of stochastic rounding of " + x + " is " + mean
                + ", more than 5 sigma (" + sigma + ") away");
    }

    @Test
    void stochasticBitsAreAFunctionOfSeedAndIndexOnly() {
        assertEquals(StochasticBits.bits(5, 123), StochasticBits.bits(5, 123));
        assertTrue(StochasticBits.bits(5, 123) != StochasticBits.bits(5, 124));
        assertTrue(StochasticBits.bits(5, 123) != StochasticBits.bits(6, 123));
        // Seed 0 yields the standard SplitMix64 sequence started from state 0.
        assertEquals(0xE220A8397B1DCDAFL, StochasticBits.bits(0, 0));
        assertEquals(0x6E789E6AA1B965F4L, StochasticBits.bits(0, 1));
    }

    // ---------------------------------------------------------------------------------------
    // Integers

    @Property(tries = 3000)
    void integerEncodingMatchesBigDecimalRounding(@ForAll @IntRange(min = 2, max = 16) int bits,
                                                  @ForAll("modes") Rounding r,
                                                  @ForAll("intInputs") double x,
                                                  @ForAll @IntRange(min = -8, max = 8) int zeroPoint,
                                                  @ForAll("intKinds") IntFormat.Kind kind) {
        IntFormat f = IntFormat.of(bits, kind);
        RoundingMode mode = r == Rounding.NEAREST_EVEN ? RoundingMode.HALF_EVEN
                : r == Rounding.NEAREST_AWAY ? RoundingMode.HALF_UP : RoundingMode.DOWN;
        long rounded = new BigDecimal(x).setScale(0, mode).longValueExact();
        long expected = Math.max(f.min(), Math.min(f.max(), rounded + zeroPoint));
        assertEquals(expected, f.encode(x, r, zeroPoint, 0L), f + " " + r + " x=" + x + " zp=" + zeroPoint);
        assertEquals(rounded + zeroPoint < f.min() || rounded + zeroPoint > f.max(), f.clips(x, r, zeroPoint, 0L));
    }

    @Provide
    Arbitrary<Double> intInputs() {
        Arbitrary<Double> halves = Arbitraries.integers().between(-70000, 70000).map(i -> i / 2.0);
        Arbitrary<Double> near = Arbitraries.doubles().between(-70000, 70000);
        Arbitrary<Double> tiny = Arbitraries.doubles().between(-1, 1);
        return Arbitraries.oneOf(halves, near, tiny);
    }

    @Provide
    Arbitrary<IntFormat.Kind> intKinds() {
        return Arbitraries.of(IntFormat.Kind.values());
    }

    @Test
    void integerSpecialValues() {
        IntFormat int8 = IntFormat.symmetric(8);
        assertEquals(-127, int8.min());
        assertEquals(127, int8.max());
        assertEquals(127, int8.encode(Double.POSITIVE_INFINITY));
        assertEquals(-127, int8.encode(Double.NEGATIVE_INFINITY));
        assertEquals(3, int8.encode(Double.NaN, Rounding.NEAREST_EVEN, 3, 0));
        assertEquals(-128, IntFormat.byName("sint8").min());
        assertEquals(255, IntFormat.byName("uint8").max());
        assertEquals(7, IntFormat.byName("int4").max());
        assertEquals(2, int8.encode(2.5));
        assertEquals(-2, int8.encode(-2.5));
        assertEquals(3, int8.encode(2.5, Rounding.NEAREST_AWAY, 0, 0));
    }
}
