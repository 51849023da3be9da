package dev.qlens.core.linalg;

import java.util.Random;

/**
 * Orthonormalization of blocks of vectors stored as rows (r x n, row-major), on the blocked GEMM:
 * projection against an existing orthonormal basis twice (classical Gram-Schmidt with
 * reorthogonalization), then Cholesky QR twice. A block that is (nearly) rank-deficient falls back to
 * modified Gram-Schmidt in float64 and replaces dependent rows by random ones, so the result always
 * has orthonormal rows.
 */
final class RowBasis {
    private final Gemm gemm;
    private final Random random;

    RowBasis(Gemm gemm, long seed) {
        this.gemm = gemm;
        this.random = new Random(seed);
    }

    /** A block of r random Gaussian rows of length n. */
    float[] gaussian(int r, int n) {
        float[] x = new float[r * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    /** x -= (x B^T) B for the first {@code basisRows} rows of {@code basis}, twice. */
    void project(float[] x, int r, int n, float[] basis, int basisRows) {
        if (basisRows == 0) {
            return;
        }
        FloatMatrix xm = FloatMatrix.of(x, r, n);
        FloatMatrix bm = FloatMatrix.of(basis, basisRows, n);
        for (int pass = 0; pass < 2; pass++) {
            FloatMatrix c = gemm.multiply(xm, bm.transpose());
            FloatMatrix p = gemm.multiply(c, bm);
            float[] pd = p.data();
            for (int i = 0; i < r * n; i++) {
                x[i] -= pd[i];
            }
        }
    }

    /**
     * Makes the r rows of x orthonormal (and orthogonal to the basis rows, which must already be
     * projected out) and returns the lower-triangular L (r x r, float64) with x_before = L x_after,
     * or null when the fallback had to replace rows (L is then not meaningful).
     */
    double[] orthonormalize(float[] x, int r, int n, float[] basis, int basisRows) {
        return orthonormalize(x, r, n, basis, basisRows, true);
    }

    /**
     * As {@link #orthonormalize(float[], int, int, float[], int)}, but without accumulating L when the
     * caller does not need it ({@code factor} false: returns an empty array on success), which saves
     * an r^3 product per pass for large blocks.
     */
    double[] orthonormalize(float[] x, int r, int n, float[] basis, int basisRows, boolean factor) {
        double[] total = factor ? identity(r) : new double[0];
        for (int pass = 0; pass < 2; pass++) {
            double[] l = cholesky(gram(gemm, x, r, n), r);
            if (l == null) {
                gramSchmidt(x, r, n, basis, basisRows);
                return null;
            }
            float[] inv = invertLower(l, r);
            float[] y = gemm.multiply(FloatMatrix.of(inv, r, r), FloatMatrix.of(x, r, n)).data();
            System.arraycopy(y, 0, x, 0, r * n);
            if (factor) {
                total = multiplyLower(total, l, r);
            }
        }
        return total;
    }

    /**
     * X X^T in float64 for the r rows of x, by the GEMM. Exactly symmetric: element (i, j) and (j, i)
     * are the same fma chain, since a * b = b * a.
     */
    static double[] gram(Gemm gemm, float[] x, int r, int n) {
        FloatMatrix xm = FloatMatrix.of(x, r, n);
        float[] g = gemm.multiply(xm, xm.transpose()).data();
        double[] out = new double[r * r];
        for (int i = 0; i < r * r; i++) {
            out[i] = g[i];
        }
        return out;
    }

    /** Lower Cholesky factor, or null when a pivot is not clearly positive (dependent rows). */
    private static double[] cholesky(double[] g, int r) {
        double scale = 0;
        for (int i = 0; i < r; i++) {
            scale = Math.max(scale, g[i * r + i]);
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            return null;
        }
        double[] l = new double[r * r];
        for (int j = 0; j < r; j++) {
            double s = g[j * r + j];
            for (int k = 0; k < j; k++) {
                s -= l[j * r + k] * l[j * r + k];
            }
            if (!(s > 1e-8 * scale)) {
                return null;
            }
            double pivot = Math.sqrt(s);
            l[j * r + j] = pivot;
            for (int i = j + 1; i < r; i++) {
                double t = g[i * r + j];
                for (int k = 0; k < j; k++) {
                    t -= l[i * r + k] * l[j * r + k];
                }
                l[i * r + j] = t / pivot;
            }
        }
        return l;
    }

    private static float[] invertLower(double[] l, int r) {
        double[] inv = new double[r * r];
        for (int j = 0; j < r; j++) {
            inv[j * r + j] = 1 / l[j * r + j];
            for (int i = j + 1; i < r; i++) {
                double s = 0;
                for (int k = j; k < i; k++) {
                    s += l[i * r + k] * inv[k * r + j];
                }
                inv[i * r + j] = -s / l[i * r + i];
            }
        }
        float[] out = new float[r * r];
        for (int i = 0; i < r * r; i++) {
            out[i] = (float) inv[i];
        }
        return out;
    }

    /**
     * Makes x orthonormal and orthogonal to the basis: projection, orthonormalization, and the same
     * again. The second round matters when x lay almost inside the basis: normalizing what is left
     * after the first projection magnifies the rounding left along the basis to order one. Returns L
     * with x_before ~ L x_after (ignoring the parts along the basis), or null after a fallback.
     */
    double[] extend(float[] x, int r, int n, float[] basis, int basisRows) {
        return extend(x, r, n, basis, basisRows, true);
    }

    /** {@link #extend(float[], int, int, float[], int)}, computing L only when {@code factor}. */
    double[] extend(float[] x, int r, int n, float[] basis, int basisRows, boolean factor) {
        project(x, r, n, basis, basisRows);
        double[] l1 = orthonormalize(x, r, n, basis, basisRows, factor);
        project(x, r, n, basis, basisRows);
        double[] l2 = orthonormalize(x, r, n, basis, basisRows, factor);
        if (l1 == null || l2 == null) {
            return null;
        }
        return factor ? multiplyLower(l1, l2, r) : l2;
    }

    private static double[] multiplyLower(double[] a, double[] b, int r) {
        double[] c = new double[r * r];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = j; k <= i; k++) {
                    s += a[i * r + k] * b[k * r + j];
                }
                c[i * r + j] = s;
            }
        }
        return c;
    }

    private static double[] identity(int r) {
        double[] id = new double[r * r];
        for (int i = 0; i < r; i++) {
            id[i * r + i] = 1;
        }
        return id;
    }

    /** Modified Gram-Schmidt in float64 against the basis and earlier rows; dependent rows become random. */
    private void gramSchmidt(float[] x, int r, int n, float[] basis, int basisRows) {
        double[] row = new double[n];
        for (int i = 0; i < r; i++) {
            for (int attempt = 0; ; attempt++) {
                double before = 0;
                for (int c = 0; c < n; c++) {
                    row[c] = x[i * n + c];
                    before += row[c] * row[c];
                }
                for (int pass = 0; pass < 2; pass++) {
                    for (int b = 0; b < basisRows; b++) {
                        subtract(row, basis, b * n, n);
                    }
                    for (int p = 0; p < i; p++) {
                        subtract(row, x, p * n, n);
                    }
                }
                double norm = 0;
                for (int c = 0; c < n; c++) {
                    norm += row[c] * row[c];
                }
                if (norm > 1e-10 * before && norm > 0) {
                    double inv = 1 / Math.sqrt(norm);
                    for (int c = 0; c < n; c++) {
                        x[i * n + c] = (float) (row[c] * inv);
                    }
                    break;
                }
                if (attempt > 5) {
                    throw new ArithmeticException("cannot extend the basis: no independent direction left");
                }
                for (int c = 0; c < n; c++) {
                    x[i * n + c] = (float) random.nextGaussian();
                }
            }
        }
    }

    private static void subtract(double[] row, float[] other, int off, int n) {
        double dot = 0;
        for (int c = 0; c < n; c++) {
            dot += row[c] * other[off + c];
        }
        for (int c = 0; c < n; c++) {
            row[c] -= dot * other[off + c];
        }
    }
}
