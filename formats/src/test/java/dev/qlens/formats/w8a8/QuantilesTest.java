package dev.qlens.formats.w8a8;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Selection-based quantiles equal the sort-based definition for every input, duplicates and NaN included. */
class QuantilesTest {
    @Provide
    Arbitrary<float[]> values() {
        return Arbitraries.oneOf(
                Arbitraries.floats().between(-100f, 100f).array(float[].class).ofMinSize(1).ofMaxSize(400),
                Arbitraries.of(0f, -0f, 1f, -1f, 2f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)
                        .array(float[].class).ofMinSize(1).ofMaxSize(60));
    }

    @Provide
    Arbitrary<Double> quantiles() {
        return Arbitraries.oneOf(Arbitraries.doubles().between(0, 1), Arbitraries.of(0.0, 0.001, 0.5, 0.99, 0.999, 1.0));
    }

    @Property(tries = 2000)
    void selectionEqualsSorting(@ForAll("values") float[] x, @ForAll("quantiles") double p, @ForAll boolean abs) {
        float[] v = x.clone();
        if (abs) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i]);
            }
        }
        Arrays.sort(v);
        double pos = p * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        float want = (float) (v[lo] + (pos - lo) * ((double) v[hi] - v[lo]));
        float got = Quantiles.of(x, 0, x.length, p, abs);
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), "p = " + p + " of " + Arrays.toString(x));
    }
}
