package dev.qlens.core.linalg;

/**
 * Cholesky factorization of symmetric positive definite matrices in float64 (row-major, n x n), and
 * the factor GPTQ needs: the upper triangular U with {@code inverse(H) = U^T U}.
 *
 * <p>Both the factorization and the triangular inverse work in blocks of {@value #NB} columns so that
 * their inner loops are row updates {@code c[j] -= s * b[j]} over cache-resident tiles (which the JIT
 * vectorizes without reordering anything). Every element is a sum over k in increasing order, whatever
 * the block, tile or thread, so results do not depend on the thread count or the JVM.
 */
public final class Cholesky {
    /** Columns per block. */
    static final int NB = 96;
    /** Columns per tile of the row updates (a tile of B is NB x TILE doubles, kept in L2). */
    private static final int TILE = 256;
    /** Rows per parallel task. */
    private static final int ROWS = 32;

    private Cholesky() {
    }

    /**
     * Replaces the lower triangle of {@code a} by L with {@code a = L L^T} (the strict upper triangle is
     * zeroed), on one thread.
     *
     * @return -1 on success, else the index of the first pivot that is not positive
     */
    public static int factorLower(double[] a, int n) {
        return factorLower(a, n, Workers.single());
    }

    /** {@link #factorLower(double[], int)} with the row updates spread over the workers. */
    public static int factorLower(double[] a, int n, Workers workers) {
        double[] panel = new double[NB * n];
        for (int blockStart = 0; blockStart < n; blockStart += NB) {
            final int k0 = blockStart;
            final int k1 = Math.min(n, k0 + NB);
            final int nb = k1 - k0;
            // Diagonal block: earlier blocks are already subtracted, so only columns k0.. remain.
            for (int i = k0; i < k1; i++) {
                for (int j = k0; j <= i; j++) {
                    double s = a[i * n + j] - dot(a, i * n + k0, a, j * n + k0, j - k0);
                    if (i == j) {
                        if (!(s > 0)) {
                            return i;
                        }
                        a[i * n + i] = Math.sqrt(s);
                    } else {
                        a[i * n + j] = s / a[j * n + j];
                    }
                }
            }
            if (k1 == n) {
                break;
            }
            int below = n - k1;
            workers.forEach((below + ROWS - 1) / ROWS, t -> {
                for (int i = k1 + t * ROWS; i < Math.min(n, k1 + (t + 1) * ROWS); i++) {
                    for (int j = k0; j < k1; j++) {
                        a[i * n + j] = (a[i * n + j] - dot(a, i * n + k0, a, j * n + k0, j - k0)) / a[j * n + j];
                    }
                }
            });
            // panel[k][i] = L[i][k0 + k]: row updates read it row by row.
            for (int i = k1; i < n; i++) {
                for (int k = 0; k < nb; k++) {
                    panel[k * n + i] = a[i * n + k0 + k];
                }
            }
            // Trailing update: A[i][k1..i] -= sum over k of L[i][k] * L[j][k].
            workers.forEach((below + ROWS - 1) / ROWS, t -> {
                int r0 = k1 + t * ROWS;
                int r1 = Math.min(n, r0 + ROWS);
                for (int c0 = k1; c0 < r1; c0 += TILE) {
                    for (int i = Math.max(r0, c0); i < r1; i++) {
                        int c1 = Math.min(i + 1, c0 + TILE);
                        for (int k = 0; k < nb; k++) {
                            subtractScaled(a, i * n, panel, k * n, a[i * n + k0 + k], c0, c1);
                        }
                    }
                }
            });
        }
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(a, i * n + i + 1, (i + 1) * n, 0);
        }
        return -1;
    }

    /** The inverse of a lower triangular L (row-major), itself lower triangular, on one thread. */
    public static double[] invertLower(double[] l, int n) {
        return invertLower(l, n, Workers.single());
    }

    /**
     * The inverse M of a lower triangular L, by blocks of rows: row r of M is
     * {@code (e_r - sum over k < r of L[r][k] M[k]) / L[r][r]}; the part of the sum over earlier blocks is
     * a product spread over the workers by column tiles, the rest a forward solve within the block.
     */
    public static double[] invertLower(double[] l, int n, Workers workers) {
        double[] m = new double[n * n];
        for (int i0 = 0; i0 < n; i0 += NB) {
            int i1 = Math.min(n, i0 + NB);
            int start = i0;
            workers.forEach((start + TILE - 1) / TILE, t -> {
                int c0 = t * TILE;
                int c1 = Math.min(start, c0 + TILE);
                for (int r = start; r < i1; r++) {
                    for (int k = c0; k < start; k++) {
                        subtractScaled(m, r * n, m, k * n, l[r * n + k], c0, Math.min(c1, k + 1));
                    }
                }
            });
            for (int r = i0; r < i1; r++) {
                for (int k = i0; k < r; k++) {
                    subtractScaled(m, r * n, m, k * n, l[r * n + k], 0, k + 1);
                }
                double d = l[r * n + r];
                for (int c = 0; c < r; c++) {
                    m[r * n + c] /= d;
                }
                m[r * n + r] = 1 / d;
            }
        }
        return m;
    }

    /** {@link #upperOfInverse(double[], int, Workers)} on one thread. */
    public static double[] upperOfInverse(double[] h, int n) {
        return upperOfInverse(h, n, Workers.single());
    }

    /**
     * The upper triangular U with {@code inverse(h) = U^T U}, computed without forming the inverse: with J
     * the exchange matrix, {@code J h J = L L^T} gives {@code inverse(h) = (J L^-1 J)^T (J L^-1 J)}.
     *
     * @throws IllegalArgumentException when h is not positive definite (naming the pivot)
     */
    public static double[] upperOfInverse(double[] h, int n, Workers workers) {
        double[] b = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                b[i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)];
            }
        }
        int bad = factorLower(b, n, workers);
        if (bad >= 0) {
            throw new IllegalArgumentException("matrix is not positive definite (pivot " + (n - 1 - bad) + ")");
        }
        double[] m = invertLower(b, n, workers);
        double[] u = b;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                u[i * n + j] = m[(n - 1 - i) * n + (n - 1 - j)];
            }
        }
        return u;
    }

    /** c[co + j] -= s * b[bo + j] for j in [from, to): one multiply and one subtract each, in any lane order. */
    private static void subtractScaled(double[] c, int co, double[] b, int bo, double s, int from, int to) {
        for (int j = from; j < to; j++) {
            c[co + j] -= s * b[bo + j];
        }
    }

    /** Sum of x[xo + k] * y[yo + k] for k in [0, len), in increasing k. */
    private static double dot(double[] x, int xo, double[] y, int yo, int len) {
        double s = 0;
        for (int k = 0; k < len; k++) {
            s += x[xo + k] * y[yo + k];
        }
        return s;
    }
}
