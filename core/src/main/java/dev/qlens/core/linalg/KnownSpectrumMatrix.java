package dev.qlens.core.linalg;

import java.util.Random;

/**
 * Dense test matrices with prescribed singular values: A = U diag(s) V<sup>T</sup> where U and V are
 * products of random Householder reflections (exactly orthogonal, dense). Built in float64 and
 * rounded once to float32, so the singular values of the float32 matrix differ from {@code s} by at
 * most about 1e-7 * s[0].
 */
public final class KnownSpectrumMatrix {
    private static final int REFLECTIONS = 4;

    private KnownSpectrumMatrix() {
    }

    /** An m x n matrix whose singular values are {@code s} (length min(m, n)), from a seed. */
    public static FloatMatrix of(int m, int n, double[] s, long seed) {
        int r = Math.min(m, n);
        if (s.length != r) {
            throw new IllegalArgumentException("need " + r + " singular values, not " + s.length);
        }
        Random random = new Random(seed);
        double[] a = new double[m * n];
        for (int i = 0; i < r; i++) {
            a[i * n + i] = s[i];
        }
        for (int t = 0; t < REFLECTIONS; t++) {
            reflectRows(a, m, n, unit(m, random));
            reflectColumns(a, m, n, unit(n, random));
        }
        float[] f = new float[m * n];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a[i];
        }
        return FloatMatrix.of(f, m, n);
    }

    /** A slowly decaying spectrum s_i = (1 + i)^-power, e.g. power 0.5: flat, like trained weights' tails. */
    public static double[] powerLaw(int count, double power) {
        double[] s = new double[count];
        for (int i = 0; i < count; i++) {
            s[i] = Math.pow(1 + i, -power);
        }
        return s;
    }

    private static double[] unit(int len, Random random) {
        double[] v = new double[len];
        double norm = 0;
        for (int i = 0; i < len; i++) {
            v[i] = random.nextGaussian();
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < len; i++) {
            v[i] /= norm;
        }
        return v;
    }

    /** A <- (I - 2 v v^T) A. */
    private static void reflectRows(double[] a, int m, int n, double[] v) {
        double[] w = new double[n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                w[j] += v[i] * a[i * n + j];
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                a[i * n + j] -= 2 * v[i] * w[j];
            }
        }
    }

    /** A <- A (I - 2 v v^T). */
    private static void reflectColumns(double[] a, int m, int n, double[] v) {
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += a[i * n + j] * v[j];
            }
            for (int j = 0; j < n; j++) {
                a[i * n + j] -= 2 * s * v[j];
            }
        }
    }
}
