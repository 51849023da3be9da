package dev.qlens.bench;

import java.util.SplittableRandom;

/** Deterministic benchmark inputs that look like weights: Gaussian values with a few outliers. */
final class BenchData {
    private BenchData() {
    }

    /** n Gaussian values of standard deviation 0.02, one in 4096 scaled up 50 times. */
    static float[] weights(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double g = gaussian(r) * 0.02;
            x[i] = (float) ((i & 4095) == 17 ? g * 50 : g);
        }
        return x;
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; one value per call keeps it simple and deterministic.
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
