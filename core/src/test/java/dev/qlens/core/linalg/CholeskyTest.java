package dev.qlens.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CholeskyTest {
    /** A random symmetric positive definite matrix X^T X + I / 10. */
    static double[] spd(int n, long seed) {
        Random rnd = new Random(seed);
        int rows = n + 3;
        double[] x = new double[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        double[] h = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = i == j ? 0.1 : 0;
                for (int r = 0; r < rows; r++) {
                    s += x[r * n + i] * x[r * n + j];
                }
                h[i * n + j] = s;
            }
        }
        return h;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5, 33, 70, 97, 300})
    void lowerFactorReproducesTheMatrix(int n) {
        double[] h = spd(n, n);
        double[] l = h.clone();
        assertEquals(-1, Cholesky.factorLower(l, n));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j > i) {
                    assertEquals(0.0, l[i * n + j]);
                }
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += l[i * n + k] * l[j * n + k];
                }
                assertEquals(h[i * n + j], s, 1e-9 * Math.abs(h[i * n + i]) + 1e-12, i + "," + j);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16, 47, 200})
    void upperFactorOfTheInverseTimesTheMatrixIsTheIdentity(int n) {
        double[] h = spd(n, 100 + n);
        double[] u = Cholesky.upperOfInverse(h, n);
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i > j) {
                    assertEquals(0.0, u[i * n + j], "upper triangular");
                }
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += u[k * n + i] * u[k * n + j];
                }
                inv[i * n + j] = s;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += inv[i * n + k] * h[k * n + j];
                }
                assertEquals(i == j ? 1.0 : 0.0, s, 1e-8, i + "," + j);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {50, 333})
    void theSameBitsForAnyThreadCount(int n) {
        double[] h = spd(n, 5);
        double[] one = Cholesky.upperOfInverse(h, n);
        for (int threads : new int[] {2, 3}) {
            try (Workers w = Workers.create(threads)) {
                double[] u = Cholesky.upperOfInverse(h, n, w);
                for (int i = 0; i < u.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(one[i]), Double.doubleToRawLongBits(u[i]), threads + " threads, " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 9, 150})
    void indefiniteMatricesAreRejected(int n) {
        double[] h = spd(n, 7);
        h[(n - 1) * n + (n - 1)] = -1;
        assertEquals(n - 1, Cholesky.factorLower(h.clone(), n));
        assertThrows(IllegalArgumentException.class, () -> Cholesky.upperOfInverse(h, n));
    }
}
