package dev.qlens.core.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Truncated SVD against known spectra and against EJML's dense SVD: singular values within the
 * requested tolerance, vectors orthonormal to 1e-5 and actually singular (A v = s u).
 */
class TruncatedSvdTest {
    private static final Workers TWO = Workers.create(2);
    private final TruncatedSvd svd = new TruncatedSvd(Gemm.using(TWO));

    @AfterAll
    static void stop() {
        TWO.close();
    }

    /** Singular values of the float32 matrix, by EJML in float64. */
    static double[] ejmlValues(FloatMatrix a) {
        DMatrixRMaj d = new DMatrixRMaj(a.rows(), a.cols());
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                d.set(i, j, a.get(i, j));
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> dec =
                DecompositionFactory_DDRM.svd(a.rows(), a.cols(), false, false, true);
        assertTrue(dec.decompose(d));
        double[] s = dec.getSingularValues().clone();
        java.util.Arrays.sort(s);
        double[] desc = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            desc[i] = s[s.length - 1 - i];
        }
        return desc;
    }

    static void assertValues(double[] expected, TruncatedSvd.Result r, double tol, String what) {
        for (int i = 0; i < r.k(); i++) {
            double rel = Math.abs(r.values()[i] - expected[i]) / expected[i];
            assertTrue(rel <= tol, what + ": singular value " + i + " is " + r.values()[i] + ", expected "
                    + expected[i] + " (relative error " + rel + ")");
        }
    }

    /** U^T U = I, V^T V = I to 1e-5, and ||A v_i - s_i u_i|| small. */
    static void assertTriplets(FloatMatrix a, TruncatedSvd.Result r, double residualTol) {
        int k = r.k();
        int m = a.rows();
        int n = a.cols();
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double uu = 0;
                double vv = 0;
                for (int c = 0; c < m; c++) {
                    uu += (double) r.left()[i * m + c] * r.left()[j * m + c];
                }
                for (int c = 0; c < n; c++) {
                    vv += (double) r.right()[i * n + c] * r.right()[j * n + c];
                }
                assertEquals(i == j ? 1 : 0, uu, 1e-5, "u" + i + " . u" + j);
                assertEquals(i == j ? 1 : 0, vv, 1e-5, "v" + i + " . v" + j);
            }
            double res = 0;
            for (int row = 0; row < m; row++) {
                double av = 0;
                for (int c = 0; c < n; c++) {
                    av += (double) a.get(row, c) * r.right()[i * n + c];
                }
                double diff = av - r.values()[i] * r.left()[i * m + row];
                res += diff * diff;
            }
            assertTrue(Math.sqrt(res) <= residualTol * r.values()[0], "residual of triplet " + i + ": " + Math.sqrt(res));
        }
    }

    @ParameterizedTest
    @CsvSource({"300,200,10,1e-5", "200,300,16,1e-5", "512,512,64,1e-5", "1024,700,32,1e-6", "64,64,64,1e-5",
            "150,40,5,1e-4"})
    void lanczosMatchesEjml(int m, int n, int k, double tol) {
        FloatMatrix a = KnownSpectrumMatrix.of(m, n, KnownSpectrumMatrix.powerLaw(Math.min(m, n), 0.5), m + n);
        double[] expected = ejmlValues(a);
        TruncatedSvd.Result r = svd.lanczos(a, k, tol, TruncatedSvd.LanczosOptions.defaults(k));
        assertTrue(r.converged());
        assertValues(expected, r, tol, m + "x" + n + " k " + k);
        assertTriplets(a, r, 1e-3);
    }

    @Test
    void lanczosOnAGaussianMatrixMatchesEjml() {
        Random random = new Random(3);
        float[] d = new float[400 * 300];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) random.nextGaussian();
        }
        FloatMatrix a = FloatMatrix.of(d, 400, 300);
        TruncatedSvd.Result r = svd.lanczos(a, 20, 1e-5, TruncatedSvd.LanczosOptions.defaults(20));
        assertValues(ejmlValues(a), r, 1e-5, "gaussian");
        assertTriplets(a, r, 1e-3);
    }

    @Test
    void knownSpectrumWithGapsAndRepeatedValues() {
        double[] s = new double[256];
        for (int i = 0; i < s.length; i++) {
            s[i] = i < 3 ? 100 - i : i < 8 ? 10 : 1.0 / (1 + i);
        }
        FloatMatrix a = KnownSpectrumMatrix.of(256, 256, s, 11);
        TruncatedSvd.Result r = svd.lanczos(a, 8, 1e-6, TruncatedSvd.LanczosOptions.defaults(8));
        assertValues(s, r, 1e-5, "gapped");
        assertTriplets(a, r, 1e-4);
    }

    @Test
    void rankDeficientMatrixGivesZerosAndOrthonormalVectors() {
        double[] s = new double[100];
        for (int i = 0; i < 5; i++) {
            s[i] = 5 - i;
        }
        FloatMatrix a = KnownSpectrumMatrix.of(120, 100, s, 5);
        TruncatedSvd.Result r = svd.lanczos(a, 8, 1e-5, TruncatedSvd.LanczosOptions.defaults(8));
        for (int i = 0; i < 5; i++) {
            assertEquals(s[i], r.values()[i], 1e-5 * s[i]);
        }
        for (int i = 5; i < 8; i++) {
            assertTrue(r.values()[i] < 1e-5, "value " + i + " " + r.values()[i]);
        }
        assertTriplets(a, r, 1e-4);
    }

    @Test
    void randomizedIsCloseAndOrthonormal() {
        FloatMatrix a = KnownSpectrumMatrix.of(600, 500, KnownSpectrumMatrix.powerLaw(500, 1.0), 9);
        double[] expected = ejmlValues(a);
        TruncatedSvd.Result krylov = svd.randomized(a, 20, 1);
        assertValues(expected, krylov, 1e-3, "block Krylov");
        assertTriplets(a, krylov, 1e-2);
        TruncatedSvd.Result classic = svd.randomized(a, 20, 20, 2, false, 1);
        assertValues(expected, classic, 5e-2, "subspace iteration");
        assertTriplets(a, classic, 5e-2);
    }

    @Test
    void sameResultForAnyThreadCount() {
        FloatMatrix a = KnownSpectrumMatrix.of(300, 260, KnownSpectrumMatrix.powerLaw(260, 0.5), 2);
        TruncatedSvd.Result one = new TruncatedSvd(Gemm.using(Workers.single())).lanczos(a, 12, 1e-5,
                TruncatedSvd.LanczosOptions.defaults(12));
        TruncatedSvd.Result two = svd.lanczos(a, 12, 1e-5, TruncatedSvd.LanczosOptions.defaults(12));
        assertEquals(java.util.Arrays.toString(one.values()), java.util.Arrays.toString(two.values()));
        assertEquals(java.util.Arrays.hashCode(one.right()), java.util.Arrays.hashCode(two.right()));
    }

    @Test
    void badArguments() {
        FloatMatrix a = FloatMatrix.zeros(10, 5);
        assertThrows(IllegalArgumentException.class, () -> svd.lanczos(a, 6, 1e-5,
                TruncatedSvd.LanczosOptions.defaults(6)));
        assertThrows(IllegalArgumentException.class, () -> svd.lanczos(a, 2, 0, TruncatedSvd.LanczosOptions.defaults(2)));
    }
}
