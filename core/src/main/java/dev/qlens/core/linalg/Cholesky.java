package dev.qlens.core.linalg;

/**
 * Cholesky factorization of symmetric positive definite matrices in float64 (row-major, n x n), and
 * the factor GPTQ needs: the upper triangular U with {@code inverse(H) = U^T U}.
 *
 * <p>Every sum runs in a fixed order, so results do not depend on threads or the JVM.
 */
public final class Cholesky {
    private Cholesky() {
    }

    /**
     * Replaces the lower triangle of {@code a} by L with {@code a = L L^T} (the strict upper triangle is
     * zeroed).
     *
     * @return -1 on success, else the index of the first pivot that is not positive
     */
    public static int factorLower(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            int ri = i * n;
            for (int j = 0; j <= i; j++) {
                int rj = j * n;
                double s = a[ri + j] - dot(a, ri, a, rj, j);
                if (i == j) {
                    if (!(s > 0)) {
                        return i;
                    }
                    a[ri + i] = Math.sqrt(s);
                } else {
                    a[ri + j] = s / a[rj + j];
                }
            }
            for (int j = i + 1; j < n; j++) {
                a[ri + j] = 0;
            }
        }
        return -1;
    }

    /** The inverse of a lower triangular L (row-major), itself lower triangular. */
    public static double[] invertLower(double[] l, int n) {
        double[] m = new double[n * n];
        double[] col = new double[n];
        for (int j = 0; j < n; j++) {
            // Forward substitution for column j of the inverse; entries above j are zero.
            java.util.Arrays.fill(col, 0);
            col[j] = 1 / l[j * n + j];
            for (int i = j + 1; i < n; i++) {
                double s = -dotFrom(l, i * n, col, j, i);
                col[i] = s / l[i * n + i];
            }
            for (int i = j; i < n; i++) {
                m[i * n + j] = col[i];
            }
        }
        return m;
    }

    /**
     * The upper triangular U with {@code inverse(h) = U^T U}, computed without forming the inverse: with J
     * the exchange matrix, {@code J h J = L L^T} gives {@code inverse(h) = (J L^-1 J)^T (J L^-1 J)}.
     *
     * @throws IllegalArgumentException when h is not positive definite (naming the pivot)
     */
    public static double[] upperOfInverse(double[] h, int n) {
        double[] b = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                b[i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)];
            }
        }
        int bad = factorLower(b, n);
        if (bad >= 0) {
            throw new IllegalArgumentException("matrix is not positive definite (pivot " + (n - 1 - bad) + ")");
        }
        double[] m = invertLower(b, n);
        double[] u = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                u[i * n + j] = m[(n - 1 - i) * n + (n - 1 - j)];
            }
        }
        return u;
    }

    /** Sum of x[xo + k] * y[yo + k] for k in [0, len), four partial sums in a fixed order. */
    private static double dot(double[] x, int xo, double[] y, int yo, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 4 <= len; k += 4) {
            s0 += x[xo + k] * y[yo + k];
            s1 += x[xo + k + 1] * y[yo + k + 1];
            s2 += x[xo + k + 2] * y[yo + k + 2];
            s3 += x[xo + k + 3] * y[yo + k + 3];
        }
        for (; k < len; k++) {
            s0 += x[xo + k] * y[yo + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Sum of row[rowOff + k] * col[k] for k in [from, to). */
    private static double dotFrom(double[] row, int rowOff, double[] col, int from, int to) {
        return dot(row, rowOff + from, col, from, to - from);
    }
}
