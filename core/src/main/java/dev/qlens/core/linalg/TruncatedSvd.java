package dev.qlens.core.linalg;

import java.util.function.IntConsumer;

/**
 * Top-k singular triplets of a float32 matrix A (m x n), on the blocked {@link Gemm}. Two methods:
 *
 * <ul>
 *   <li>{@link #lanczos}: block Golub-Kahan-Lanczos. Each step applies A to the newest block of
 *       right vectors and A<sup>T</sup> to the result, giving the next block of the Krylov space of
 *       A<sup>T</sup>A, orthogonalized against every earlier vector (full reorthogonalization, twice)
 *       and made orthonormal by Cholesky QR. Ritz values and vectors come from an explicit
 *       Rayleigh-Ritz projection of AV (the same subspace as the block bidiagonal projection, and
 *       more robust in float32). When the basis is full the method restarts thickly: it keeps the
 *       best Ritz vectors and continues from the last block's residual directions. A triplet has
 *       converged when the eigen-residual of A<sup>T</sup>A, ||A<sup>T</sup>A v - s<sup>2</sup> v||,
 *       which the last block gives for free, is at most 2 tol s<sup>2</sup>: that bounds the
 *       relative error of s by tol.</li>
 *   <li>{@link #randomized}: randomized subspace iteration (Halko, Martinsson and Tropp): a Gaussian
 *       sketch of k + oversampling columns, power iterations with re-orthonormalization, then the SVD
 *       of the small projected matrix. No error control; fast.</li>
 * </ul>
 *
 * Results are deterministic for a seed: the same for any thread count (the GEMM is).
 */
public final class TruncatedSvd {
    private final Gemm gemm;
    private IntConsumer progress = p -> { };

    /** An SVD on the given product. */
    public TruncatedSvd(Gemm gemm) {
        this.gemm = gemm;
    }

    /** Receives the number of matrix products (A or A^T times a block) done so far. */
    public TruncatedSvd onProgress(IntConsumer progress) {
        this.progress = progress;
        return this;
    }

    /**
     * Top-k singular triplets.
     *
     * @param values singular values, largest first
     * @param left left singular vectors as rows (k x m, row-major)
     * @param right right singular vectors as rows (k x n, row-major)
     * @param residuals per triplet ||A^T A v - s^2 v|| / (2 s^2), the bound on the relative error of
     *     s (NaN for the randomized method)
     * @param converged whether every triplet met the tolerance (always true for the randomized method)
     * @param products matrix-block products done (each is one pass over A)
     * @param restarts thick restarts done
     */
    public record Result(double[] values, float[] left, float[] right, double[] residuals, boolean converged,
                         int products, int restarts) {
        /** Number of triplets. */
        public int k() {
            return values.length;
        }

        /** Left singular vectors as the columns of an m x k view. */
        public FloatMatrix u() {
            int k = values.length;
            return FloatMatrix.of(left, k, k == 0 ? 0 : left.length / k).transpose();
        }

        /** Right singular vectors as the columns of an n x k view. */
        public FloatMatrix v() {
            int k = values.length;
            return FloatMatrix.of(right, k, k == 0 ? 0 : right.length / k).transpose();
        }
    }

    /** Options of the Lanczos method. */
    public record LanczosOptions(int blockSize, int maxBasis, int maxRestarts, long seed) {
        /**
         * Block size k / 4 within [4, 32], basis k + 6 blocks, 100 restarts, seed 42. Small blocks
         * need the fewest passes over A (measured at 4096^2, k = 64: blocks of 16 and a basis of 160
         * took 50 products, blocks of 64 took 20 products of four times the cost).
         */
        public static LanczosOptions defaults(int k) {
            int b = Math.min(32, Math.max(4, k / 4));
            return new LanczosOptions(b, k + 6 * b, 100, 42);
        }
    }

    /**
     * Block Golub-Kahan-Lanczos with thick restart.
     *
     * @param k number of triplets (1 to min(m, n))
     * @param tol bound on the relative error of every singular value (e.g. 1e-5)
     */
    public Result lanczos(FloatMatrix a, int k, double tol, LanczosOptions options) {
        int m = a.rows();
        int n = a.cols();
        checkRank(k, m, n);
        if (!(tol > 0)) {
            throw new IllegalArgumentException("tolerance must be positive, not " + tol);
        }
        int b = Math.max(1, Math.min(options.blockSize(), n));
        int dmax = Math.min(n, Math.max(options.maxBasis(), k + 2 * b));
        int keep = Math.min(dmax - b, k + b / 2);
        RowBasis basis = new RowBasis(gemm, options.seed());
        Gemm.PackedB pa = gemm.pack(a);
        Gemm.PackedB pat = gemm.pack(a.transpose());
        float[] vt = new float[dmax * n];
        float[] avt = new float[dmax * m];
        float[] x = basis.gaussian(b, n);
        basis.orthonormalize(x, b, n, vt, 0, false);
        int d = 0;
        int products = 0;
        int restarts = 0;
        while (true) {
            int r = Math.min(b, dmax - d);
            System.arraycopy(x, 0, vt, d * n, r * n);
            // (A x^T)^T = x A^T (r x m), stored as r rows of avt.
            gemm.multiply(FloatMatrix.of(vt, dmax, n).block(d, 0, r, n), pat,
                    FloatMatrix.of(avt, dmax, m).block(d, 0, r, m), false);
            d += r;
            progress.accept(++products);
            double[] l = null;
            boolean full = d == n;
            if (!full) {
                x = new float[r * n];
                gemm.multiply(FloatMatrix.of(avt, dmax, m).block(d - r, 0, r, m), pa, FloatMatrix.of(x, r, n), false);
                progress.accept(++products);
                l = basis.extend(x, r, n, vt, d);
            }
            boolean basisFull = d + Math.min(b, n - d) > dmax || full;
            if (!basisFull) {
                continue;
            }
            SymmetricEigen eig = SymmetricEigen.of(RowBasis.gram(gemm, avt, d, m), d);
            double[] residuals = new double[k];
            boolean converged = true;
            for (int i = 0; i < k; i++) {
                double s2 = Math.max(eig.value(i), 0);
                double res = full ? 0 : l == null ? Double.POSITIVE_INFINITY : lastBlockResidual(eig, i, l, d, r);
                residuals[i] = s2 == 0 ? (res == 0 ? 0 : Double.POSITIVE_INFINITY) : res / (2 * s2);
                converged &= residuals[i] <= tol;
            }
            if (converged || full || restarts >= options.maxRestarts()) {
                return finish(eig, k, vt, avt, d, n, m, residuals, converged, products, restarts, basis);
            }
            // Thick restart: the best Ritz vectors, then continue from x (orthogonal to all of V).
            float[] y = ritzCoefficients(eig, keep, d);
            float[] newVt = gemm.multiply(FloatMatrix.of(y, keep, d), FloatMatrix.of(vt, dmax, n).block(0, 0, d, n))
                    .data();
            float[] newAvt = gemm.multiply(FloatMatrix.of(y, keep, d),
                    FloatMatrix.of(avt, dmax, m).block(0, 0, d, m)).data();
            System.arraycopy(newVt, 0, vt, 0, keep * n);
            System.arraycopy(newAvt, 0, avt, 0, keep * m);
            d = keep;
            restarts++;
        }
    }

    /** ||L^T y_last||: the norm of (I - V V^T) A^T A V y, carried by the last block only. */
    private static double lastBlockResidual(SymmetricEigen eig, int i, double[] l, int d, int r) {
        double sum = 0;
        for (int c = 0; c < r; c++) {
            double s = 0;
            for (int j = c; j < r; j++) {
                s += l[j * r + c] * eig.vector(d - r + j, i);
            }
            sum += s * s;
        }
        return Math.sqrt(sum);
    }

    /** The first {@code count} eigenvectors as rows (count x d), float32. */
    private static float[] ritzCoefficients(SymmetricEigen eig, int count, int d) {
        float[] y = new float[count * d];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < d; j++) {
                y[i * d + j] = (float) eig.vector(j, i);
            }
        }
        return y;
    }

    /** Ritz triplets: values as ||A v_i|| (float64), left vectors A v_i / s_i made exactly orthonormal. */
    private Result finish(SymmetricEigen eig, int k, float[] vt, float[] avt, int d, int n, int m,
                          double[] residuals, boolean converged, int products, int restarts, RowBasis basis) {
        float[] y = ritzCoefficients(eig, k, d);
        float[] right = gemm.multiply(FloatMatrix.of(y, k, d), FloatMatrix.of(vt, vt.length / n, n).block(0, 0, d, n))
                .data();
        float[] av = gemm.multiply(FloatMatrix.of(y, k, d), FloatMatrix.of(avt, avt.length / m, m).block(0, 0, d, m))
                .data();
        double[] values = normalizeRows(av, k, m);
        basis.orthonormalize(av, k, m, null, 0, false);
        return new Result(values, av, right, residuals, converged, products, restarts);
    }

    /** Scales each of the k rows to unit length (zero rows stay zero) and returns their norms (float64). */
    private static double[] normalizeRows(float[] rows, int k, int len) {
        double[] norms = new double[k];
        for (int i = 0; i < k; i++) {
            double s = 0;
            for (int c = 0; c < len; c++) {
                s += (double) rows[i * len + c] * rows[i * len + c];
            }
            norms[i] = Math.sqrt(s);
            double inv = norms[i] > 0 ? 1 / norms[i] : 0;
            for (int c = 0; c < len; c++) {
                rows[i * len + c] = (float) (rows[i * len + c] * inv);
            }
        }
        return norms;
    }

    /** Default oversampling of {@link #randomized(FloatMatrix, int, long)}: a subspace of 4k. */
    public static int defaultOversampling(int k) {
        return 3 * k;
    }

    /** Default power iterations of {@link #randomized(FloatMatrix, int, long)}. */
    public static final int DEFAULT_POWER_ITERATIONS = 3;

    /**
     * Randomized block Krylov iteration with the defaults: oversampling 3k, 3 power iterations
     * (measured on a 4096^2 matrix with a flat spectrum: max relative error 4e-3 on the top 64).
     */
    public Result randomized(FloatMatrix a, int k, long seed) {
        int cap = Math.min(a.rows(), a.cols()) - k;
        return randomized(a, k, Math.max(0, Math.min(cap, defaultOversampling(k))), DEFAULT_POWER_ITERATIONS, true,
                seed);
    }

    /**
     * Randomized subspace iteration.
     *
     * @param k number of triplets
     * @param oversampling dimensions of the final subspace beyond k (it has k + oversampling, at most
     *     min(m, n))
     * @param powerIterations passes of A A^T after the sketch
     * @param keepIterates project onto the span of every iterate (randomized block Krylov, Musco and
     *     Musco 2015; the sketch then has ceil((k + oversampling) / (powerIterations + 1)) columns) instead
     *     of the last one only (classic subspace iteration, sketch of k + oversampling columns): far
     *     more accurate on flat spectra for the same number of passes over A
     */
    public Result randomized(FloatMatrix a, int k, int oversampling, int powerIterations, boolean keepIterates,
                             long seed) {
        int m = a.rows();
        int n = a.cols();
        checkRank(k, m, n);
        if (oversampling < 0 || powerIterations < 0) {
            throw new IllegalArgumentException("oversampling and power iterations must not be negative");
        }
        int total = Math.min(Math.min(m, n), k + oversampling);
        int l = keepIterates ? Gemm.ceilDiv(total, powerIterations + 1) : total;
        int blocks = keepIterates ? Math.max(1, Math.min(powerIterations + 1, Math.min(m, n) / l)) : 1;
        if (blocks * l < k) {
            throw new IllegalArgumentException("the subspace (" + blocks * l + ") is smaller than k = " + k);
        }
        RowBasis basis = new RowBasis(gemm, seed);
        Gemm.PackedB pa = gemm.pack(a);
        Gemm.PackedB pat = gemm.pack(a.transpose());
        // Left basis rows (blocks of l, m long); only the newest block when not keeping iterates.
        float[] qt = new float[blocks * l * m];
        int products = 0;
        float[] omega = basis.gaussian(l, n);
        gemm.multiply(FloatMatrix.of(omega, l, n), pat, FloatMatrix.of(qt, blocks * l, m).block(0, 0, l, m), false);
        progress.accept(++products);
        basis.orthonormalize(qt, l, m, null, 0, false);
        int newest = 0;
        for (int it = 0; it < powerIterations; it++) {
            float[] zt = new float[l * n];
            gemm.multiply(FloatMatrix.of(qt, blocks * l, m).block(newest * l, 0, l, m), pa, FloatMatrix.of(zt, l, n),
                    false);
            progress.accept(++products);
            basis.orthonormalize(zt, l, n, null, 0, false);
            int next = keepIterates && newest + 1 < blocks ? newest + 1 : keepIterates ? -1 : 0;
            if (next < 0) {
                break;
            }
            float[] y = new float[l * m];
            gemm.multiply(FloatMatrix.of(zt, l, n), pat, FloatMatrix.of(y, l, m), false);
            progress.accept(++products);
            basis.extend(y, l, m, qt, keepIterates ? next * l : 0, false);
            System.arraycopy(y, 0, qt, next * l * m, l * m);
            newest = next;
        }
        int rows = keepIterates ? (newest + 1) * l : l;
        // B = Q^T A (rows x n); B B^T = X diag(s^2) X^T; right vectors X^T B / s, left Q X.
        float[] bt = new float[rows * n];
        gemm.multiply(FloatMatrix.of(qt, blocks * l, m).block(0, 0, rows, m), pa, FloatMatrix.of(bt, rows, n), false);
        products += Gemm.ceilDiv(rows, l);
        progress.accept(products);
        SymmetricEigen eig = SymmetricEigen.of(RowBasis.gram(gemm, bt, rows, n), rows);
        float[] x = ritzCoefficients(eig, k, rows);
        float[] vb = gemm.multiply(FloatMatrix.of(x, k, rows), FloatMatrix.of(bt, rows, n)).data();
        float[] left = gemm.multiply(FloatMatrix.of(x, k, rows), FloatMatrix.of(qt, blocks * l, m).block(0, 0, rows, m))
                .data();
        double[] values = normalizeRows(vb, k, n);
        basis.orthonormalize(vb, k, n, null, 0, false);
        basis.orthonormalize(left, k, m, null, 0, false);
        double[] residuals = new double[k];
        java.util.Arrays.fill(residuals, Double.NaN);
        return new Result(values, left, vb, residuals, true, products, 0);
    }

    private static void checkRank(int k, int m, int n) {
        if (k < 1 || k > Math.min(m, n)) {
            throw new IllegalArgumentException("cannot take the top " + k + " singular triplets of a " + m + " x " + n
                    + " matrix (k must be between 1 and " + Math.min(m, n) + ")");
        }
    }
}
