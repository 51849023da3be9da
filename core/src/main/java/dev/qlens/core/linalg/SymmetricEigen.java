package dev.qlens.core.linalg;

/**
 * Eigen-decomposition of a small dense symmetric matrix in float64: Householder reduction to
 * tridiagonal form, then implicit QR steps with Wilkinson shifts, both accumulated into the
 * eigenvectors. Used for the projected problems of the truncated SVD (a few hundred rows).
 */
public final class SymmetricEigen {
    private final double[] values;
    private final double[] vectors;
    private final int n;

    private SymmetricEigen(double[] values, double[] vectors, int n) {
        this.values = values;
        this.vectors = vectors;
        this.n = n;
    }

    /**
     * Decomposes the symmetric n x n matrix {@code a} (row-major, both triangles; not modified).
     *
     * @throws ArithmeticException when the QR iteration does not converge (non-finite input)
     */
    public static SymmetricEigen of(double[] a, int n) {
        double[] t = a.clone();
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            q[i * n + i] = 1;
        }
        double[] d = new double[n];
        double[] e = new double[Math.max(n, 1)];
        tridiagonalize(t, n, q, d, e);
        double[] qt = transpose(q, n);
        qrIterate(d, e, qt, n);
        // Sort descending, moving the eigenvector columns along.
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(d[y], d[x]));
        double[] values = new double[n];
        double[] vectors = new double[n * n];
        for (int j = 0; j < n; j++) {
            values[j] = d[order[j]];
            for (int i = 0; i < n; i++) {
                vectors[i * n + j] = qt[order[j] * n + i];
            }
        }
        return new SymmetricEigen(values, vectors, n);
    }

    /** Eigenvalues, largest first. */
    public double[] values() {
        return values.clone();
    }

    /** Eigenvalue {@code j} (descending order). */
    public double value(int j) {
        return values[j];
    }

    /** Component {@code i} of eigenvector {@code j} (unit length; matches {@link #value}). */
    public double vector(int i, int j) {
        return vectors[i * n + j];
    }

    /** Householder reduction: t becomes Q^T A Q tridiagonal, diagonal in d, subdiagonal in e. */
    private static void tridiagonalize(double[] t, int n, double[] q, double[] d, double[] e) {
        double[] v = new double[n];
        double[] p = new double[n];
        for (int k = 0; k + 2 < n; k++) {
            int m = n - k - 1; // length of the column below the diagonal
            double norm = 0;
            for (int i = 0; i < m; i++) {
                v[i] = t[(k + 1 + i) * n + k];
                norm += v[i] * v[i];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                continue;
            }
            double alpha = v[0] > 0 ? -norm : norm;
            v[0] -= alpha;
            double vv = 0;
            for (int i = 0; i < m; i++) {
                vv += v[i] * v[i];
            }
            if (vv == 0) {
                continue;
            }
            double beta = 2 / vv;
            // p = beta * A_sub v (A_sub symmetric, read from the lower triangle)
            for (int i = 0; i < m; i++) {
                double s = 0;
                int row = (k + 1 + i) * n + k + 1;
                for (int j = 0; j < m; j++) {
                    s += t[row + j] * v[j];
                }
                p[i] = beta * s;
            }
            double kk = 0;
            for (int i = 0; i < m; i++) {
                kk += p[i] * v[i];
            }
            kk *= beta / 2;
            for (int i = 0; i < m; i++) {
                p[i] -= kk * v[i]; // w
            }
            for (int i = 0; i < m; i++) {
                int row = (k + 1 + i) * n + k + 1;
                double vi = v[i];
                double pi = p[i];
                for (int j = 0; j < m; j++) {
                    t[row + j] -= vi * p[j] + pi * v[j];
                }
            }
            t[(k + 1) * n + k] = alpha;
            for (int i = 1; i < m; i++) {
                t[(k + 1 + i) * n + k] = 0;
            }
            // Q <- Q H, H = I - beta v v^T on indices k+1..n-1
            for (int r = 0; r < n; r++) {
                double s = 0;
                for (int i = 0; i < m; i++) {
                    s += q[r * n + k + 1 + i] * v[i];
                }
                s *= beta;
                for (int i = 0; i < m; i++) {
                    q[r * n + k + 1 + i] -= s * v[i];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            d[i] = t[i * n + i];
            if (i + 1 < n) {
                e[i] = t[(i + 1) * n + i];
            }
        }
    }

    private static double[] transpose(double[] q, int n) {
        double[] t = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[j * n + i] = q[i * n + j];
            }
        }
        return t;
    }

    /** Implicit symmetric QR with Wilkinson shifts on (d, e), rotations accumulated into the rows of qt (= Q^T). */
    private static void qrIterate(double[] d, double[] e, double[] qt, int n) {
        int budget = 60 * Math.max(n, 1);
        int hi = n - 1;
        while (hi > 0) {
            if (negligible(e[hi - 1], d[hi - 1], d[hi])) {
                e[hi - 1] = 0;
                hi--;
                continue;
            }
            int lo = hi - 1;
            while (lo > 0 && !negligible(e[lo - 1], d[lo - 1], d[lo])) {
                lo--;
            }
            if (budget-- == 0) {
                throw new ArithmeticException("symmetric QR iteration did not converge");
            }
            double delta = (d[hi - 1] - d[hi]) / 2;
            double eh = e[hi - 1];
            double mu = d[hi] - eh * eh / (delta + (delta >= 0 ? 1 : -1) * Math.hypot(delta, eh));
            double x = d[lo] - mu;
            double z = e[lo];
            for (int k = lo; k < hi; k++) {
                double r = Math.hypot(x, z);
                double c = r == 0 ? 1 : x / r;
                double s = r == 0 ? 0 : -z / r;
                if (k > lo) {
                    e[k - 1] = r;
                }
                double a = d[k];
                double b = e[k];
                double cc = d[k + 1];
                d[k] = c * c * a - 2 * c * s * b + s * s * cc;
                d[k + 1] = s * s * a + 2 * c * s * b + c * c * cc;
                e[k] = c * s * (a - cc) + (c * c - s * s) * b;
                if (k + 1 < hi) {
                    x = e[k];
                    z = -s * e[k + 1];
                    e[k + 1] *= c;
                }
                int pk = k * n;
                int qk = (k + 1) * n;
                for (int i = 0; i < n; i++) {
                    double qp = qt[pk + i];
                    double qq = qt[qk + i];
                    qt[pk + i] = c * qp - s * qq;
                    qt[qk + i] = s * qp + c * qq;
                }
            }
        }
    }

    private static boolean negligible(double off, double a, double b) {
        return Math.abs(off) <= 1e-16 * (Math.abs(a) + Math.abs(b)) || off == 0;
    }
}
