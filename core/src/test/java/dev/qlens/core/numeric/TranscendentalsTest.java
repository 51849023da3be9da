package dev.qlens.core.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TranscendentalsTest {
    /** erf(t) from scipy.special.erf (float64), the truth the polynomial was fitted to. */
    private static final double[][] ERF = {
        {0.0, 0.0}, {1e-08, 1.1283791670955125e-08}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465},
        {0.9999, 0.8426592780487594}, {1.0, 0.8427007929497148}, {1.5, 0.9661051464753108},
        {2.0, 0.9953222650189527}, {2.5, 0.999593047982555}, {3.0, 0.9999779095030014},
        {3.5, 0.9999992569016276}, {3.99, 0.9999999832607886}, {-0.7, -0.6778011938374183},
        {-2.2, -0.9981371537020182},
    };

    @Test
    void erfIsWithinOneHundredMillionth() {
        for (double[] p : ERF) {
            assertEquals(p[1], Transcendentals.erf(p[0]), 1e-8, "erf(" + p[0] + ")");
        }
        assertEquals(1.0, Transcendentals.erf(4.0));
        assertEquals(-1.0, Transcendentals.erf(-30.0));
        assertTrue(Double.isNaN(Transcendentals.erf(Double.NaN)));
        assertEquals(1.0, Transcendentals.erf(Double.POSITIVE_INFINITY));
    }

    @Test
    void erfIsOddAndMonotoneWithinItsError() {
        double prev = -1;
        for (double t = -4.5; t <= 4.5; t += 1e-3) {
            double e = Transcendentals.erf(t);
            assertEquals(-e, Transcendentals.erf(-t), 0.0, "odd at " + t);
            assertTrue(e >= prev - 1.5e-8, "monotone at " + t);
            prev = e;
        }
    }

    @Test
    void geluIsTheOnnxExportsFormula() {
        for (float x : new float[] {-3f, -1.7f, -1f, -0.25f, 0f, 0.25f, 1f, 2.2f, 3f}) {
            double exact = 0.5 * x * (1 + erfDouble(x / Math.sqrt(2)));
            assertEquals(exact, Transcendentals.gelu(x), 2e-7 * Math.max(1, Math.abs(x)), "gelu(" + x + ")");
        }
        assertEquals(6f, Transcendentals.gelu(6f), 1e-6f);
        assertEquals(-0f, Transcendentals.gelu(-6f), 0f, "1 + erf rounds to 0 in float, as in the exported graph");
        assertEquals(30f, Transcendentals.gelu(30f));
        assertEquals(-0f, Transcendentals.gelu(-30f), 0f);
        assertTrue(Float.isNaN(Transcendentals.gelu(Float.NaN)));
        assertEquals(Float.POSITIVE_INFINITY, Transcendentals.gelu(Float.POSITIVE_INFINITY));
    }

    /** erf by its Taylor series (slow, accurate for |t| &lt; 5) for the GELU check. */
    private static double erfDouble(double t) {
        double sum = 0;
        double term = t;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -t * t / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Test
    void expIsWithinOneUlpOfStrictMath() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            double x = i < 100_000 ? -r.nextDouble() * 120 : (r.nextDouble() - 0.5) * 1400;
            double want = StrictMath.exp(x);
            double got = Transcendentals.exp(x);
            assertTrue(Math.abs(got - want) <= Math.ulp(want), "exp(" + x + ") = " + got + ", want " + want);
        }
        assertEquals(1.0, Transcendentals.exp(0.0));
        assertEquals(0.0, Transcendentals.exp(-800));
        assertEquals(Double.POSITIVE_INFINITY, Transcendentals.exp(800));
        assertTrue(Double.isNaN(Transcendentals.exp(Double.NaN)));
        assertEquals(StrictMath.exp(-745), Transcendentals.exp(-745), Math.ulp(StrictMath.exp(-745)));
    }
}
