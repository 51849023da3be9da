package dev.qlens.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A q = lambda q, orthonormal vectors, eigenvalues of a matrix built from known ones. */
class SymmetricEigenTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 10, 57, 200})
    void recoversAKnownSpectrum(int n) {
        Random r = new Random(n);
        // Q from Gram-Schmidt on a random matrix; A = Q diag(lambda) Q^T with repeated and negative values.
        double[] q = new double[n * n];
        for (int i = 0; i < q.length; i++) {
            q[i] = r.nextGaussian();
        }
        for (int j = 0; j < n; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[i * n + j] * q[i * n + p];
                    }
                    for (int i = 0; i < n; i++) {
                        q[i * n + j] -= dot * q[i * n + p];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[i * n + j] * q[i * n + j];
            }
            for (int i = 0; i < n; i++) {
                q[i * n + j] /= Math.sqrt(norm);
            }
        }
        double[] lambda = new double[n];
        for (int j = 0; j < n; j++) {
            lambda[j] = j % 7 == 3 ? 2.0 : Math.pow(0.9, j) * (j % 5 == 4 ? -1 : 1);
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += q[i * n + j] * lambda[j] * q[k * n + j];
                }
                a[i * n + k] = s;
            }
        }
        SymmetricEigen eig = SymmetricEigen.of(a, n);
        double[] sorted = lambda.clone();
        java.util.Arrays.sort(sorted);
        for (int j = 0; j < n; j++) {
            assertEquals(sorted[n - 1 - j], eig.value(j), 1e-12, "eigenvalue " + j);
            // residual and unit norm
            double norm = 0;
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int k = 0; k < n; k++) {
                    av += a[i * n + k] * eig.vector(k, j);
                }
                assertEquals(eig.value(j) * eig.vector(i, j), av, 1e-11);
                norm += eig.vector(i, j) * eig.vector(i, j);
            }
            assertEquals(1, norm, 1e-12);
            if (j > 0) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += eig.vector(i, j) * eig.vector(i, j - 1);
                }
                assertEquals(0, dot, 1e-12);
            }
        }
    }
}
