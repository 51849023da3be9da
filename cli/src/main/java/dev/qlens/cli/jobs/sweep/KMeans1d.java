package dev.qlens.cli.jobs.sweep;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One-dimensional k-means as the seed tool runs it: k clamped to [1, n]; centroids start at the
 * quantiles 0, 1/(k-1), ..., 1 of the values (linear interpolation); each iteration assigns every value
 * to the nearest centroid (ties to the lower index) and moves each centroid to the mean of its
 * members, an empty cluster taking a random value; it stops after 25 iterations or when no centroid
 * moves by more than 1e-6 + 1e-5 |c| (numpy's allclose). The labels of the last assignment are
 * returned. The random draws use {@link SplittableRandom}, so they differ from numpy's generator.
 */
final class KMeans1d {
    private KMeans1d() {
    }

    static int[] labels(double[] values, int k, long seed) {
        int n = values.length;
        int[] labels = new int[n];
        k = Math.max(1, Math.min(k, n));
        if (k == 1) {
            return labels;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] c = new double[k];
        for (int j = 0; j < k; j++) {
            double pos = (double) j / (k - 1) * (n - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(n - 1, lo + 1);
            c[j] = sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int iter = 0; iter < 25; iter++) {
            for (int i = 0; i < n; i++) {
                int best = 0;
                double bd = Math.abs(values[i] - c[0]);
                for (int j = 1; j < k; j++) {
                    double d = Math.abs(values[i] - c[j]);
                    if (d < bd) {
                        bd = d;
                        best = j;
                    }
                }
                labels[i] = best;
            }
            double[] sum = new double[k];
            int[] members = new int[k];
            for (int i = 0; i < n; i++) {
                sum[labels[i]] += values[i];
                members[labels[i]]++;
            }
            boolean close = true;
            for (int j = 0; j < k; j++) {
                double next = members[j] > 0 ? sum[j] / members[j] : values[rng.nextInt(n)];
                if (Math.abs(next - c[j]) > 1e-6 + 1e-5 * Math.abs(c[j])) {
                    close = false;
                }
                c[j] = next;
            }
            if (close) {
                break;
            }
        }
        return labels;
    }
}
