package dev.qlens.formats.comfy;

import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.TruncatedSvd;

/**
 * The seed tool's learned rounding objective {@code ||U_k^T (D - W) V_k||_F} (D the dequantized codes,
 * W the target matrix, U_k and V_k its top-k singular vectors), with fixed scales.
 *
 * <ul>
 *   <li>{@link Method#ORIGINAL}: the point the seed's "original" optimizer converges to, in closed
 *       form. Its update moves the continuous weights along {@code U_k P V_k^T} only (P the projected
 *       error), so it ends at {@code D0 - U_k U_k^T (D0 - W) V_k V_k^T}, the round-to-nearest result
 *       minus the top-k part of its error; the seed then rounds once. qlens computes that point
 *       directly and rounds it with the format's own encoder.</li>
 *   <li>{@link Method#GRID}: minimizes the objective after rounding: starting from round-to-nearest,
 *       it repeats "subtract the top-k part of the current rounded error, round again" while the
 *       rounded objective keeps falling (at most {@link #GRID_ITERATIONS} rounds).</li>
 * </ul>
 * With fixed scales round-to-nearest already minimizes {@code ||D - W||_F}; both methods trade some of
 * that for the projected objective, which is why callers report both numbers.
 */
public final class LearnedRounding {
    /** Most rounds of the grid-aware method. */
    public static final int GRID_ITERATIONS = 16;

    /** Which rounding to compute. */
    public enum Method {
        /** The seed's "original" optimizer's limit, rounded once. */
        ORIGINAL("original"),
        /** Descent on the objective after rounding. */
        GRID("grid");

        private final String cliName;

        Method(String cliName) {
            this.cliName = cliName;
        }

        /** The command-line name. */
        public String cliName() {
            return cliName;
        }

        /** Parses {@code original} or {@code grid}. */
        public static Method parse(String s) {
            for (Method m : values()) {
                if (m.cliName.equalsIgnoreCase(s.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown learned-rounding method '" + s + "': expected original or grid");
        }
    }

    /**
     * The seed's rank rule and SVD.
     *
     * @param topP fraction of min(rows, cols) (seed default 0.2)
     * @param minK smallest k (seed default 256)
     * @param maxK largest k (seed default 1280)
     * @param seed seed of the randomized SVD
     */
    public record Options(Method method, double topP, int minK, int maxK, long seed) {
        /** The seed tool's current defaults. */
        public static Options defaults(Method method) {
            return new Options(method, 0.2, 256, 1280, 42);
        }
    }

    /**
     * What the rounding did.
     *
     * @param k the rank used
     * @param startObjective the objective of the codes learned rounding started from (round-to-nearest
     *     at the chosen scales)
     * @param finalObjective the objective of the codes now in the layer
     * @param rounds rounding passes after round-to-nearest
     * @param changedCodes codes that differ from the starting codes
     */
    public record Outcome(int k, double startObjective, double finalObjective, int rounds, long changedCodes) {
    }

    private final Gemm gemm;

    /** Learned rounding on the given matrix product. */
    public LearnedRounding(Gemm gemm) {
        this.gemm = gemm;
    }

    /** The seed's k = clamp(floor(topP * min(rows, cols)), minK, maxK), at most min(rows, cols). */
    public static int rank(int rows, int cols, Options o) {
        int r = Math.min(rows, cols);
        int k = Math.min(o.maxK(), Math.max(o.minK(), (int) Math.floor(o.topP() * r)));
        return Math.max(1, Math.min(k, r));
    }

    /**
     * Replaces the layer's round-to-nearest codes (already computed, scales fixed) by the learned ones.
     */
    public Outcome apply(LayerCodec codec, QLayer layer, Options o) {
        int m = layer.rows;
        int n = layer.cols;
        int k = rank(m, n, o);
        FloatMatrix w = FloatMatrix.of(layer.x, m, n);
        int oversampling = Math.max(0, Math.min(10, Math.min(m, n) - k));
        TruncatedSvd.Result svd = new TruncatedSvd(gemm).randomized(w, k, oversampling, 4, false, o.seed());
        FloatMatrix left = FloatMatrix.of(svd.left(), k, m);
        FloatMatrix right = FloatMatrix.of(svd.right(), k, n);
        byte[] rtnCodes = layer.codes.clone();
        float[] d = new float[layer.size()];
        codec.dequantize(layer, d);
        float[] error = new float[d.length];
        double rtn = objective(d, layer.x, left, right, error);
        double best = rtn;
        byte[] bestCodes = rtnCodes;
        int rounds = 0;
        int maxRounds = o.method() == Method.ORIGINAL ? 1 : GRID_ITERATIONS;
        float[] target = new float[d.length];
        for (int round = 0; round < maxRounds; round++) {
            // error now holds D - W; subtract its top-k part from D and round again.
            float[] correction = topPart(error, left, right, m, n);
            for (int i = 0; i < target.length; i++) {
                target[i] = d[i] - correction[i];
            }
            codec.encode(layer, target);
            codec.dequantize(layer, d);
            double obj = objective(d, layer.x, left, right, error);
            rounds++;
            if (o.method() == Method.ORIGINAL) {
                best = obj;
                bestCodes = layer.codes.clone();
                break;
            }
            if (!(obj < best)) {
                break;
            }
            best = obj;
            bestCodes = layer.codes.clone();
        }
        System.arraycopy(bestCodes, 0, layer.codes, 0, bestCodes.length);
        long changed = 0;
        for (int i = 0; i < bestCodes.length; i++) {
            if (bestCodes[i] != rtnCodes[i]) {
                changed++;
            }
        }
        return new Outcome(k, rtn, best, rounds, changed);
    }

    /** The seed's objective for the layer's current codes, with the SVD of its target. */
    public double objective(LayerCodec codec, QLayer layer, Options o) {
        int m = layer.rows;
        int n = layer.cols;
        int k = rank(m, n, o);
        int oversampling = Math.max(0, Math.min(10, Math.min(m, n) - k));
        TruncatedSvd.Result svd = new TruncatedSvd(gemm).randomized(FloatMatrix.of(layer.x, m, n), k, oversampling, 4,
                false, o.seed());
        float[] d = new float[layer.size()];
        codec.dequantize(layer, d);
        return objective(d, layer.x, FloatMatrix.of(svd.left(), k, m), FloatMatrix.of(svd.right(), k, n),
                new float[d.length]);
    }

    /** ||L (D - W) R^T||_F, leaving D - W in {@code error}. */
    private double objective(float[] d, float[] w, FloatMatrix left, FloatMatrix right, float[] error) {
        for (int i = 0; i < d.length; i++) {
            error[i] = d[i] - w[i];
        }
        FloatMatrix p = project(error, left, right);
        double sum = 0;
        for (float v : p.data()) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    /** P = L E R^T (k x k). */
    private FloatMatrix project(float[] error, FloatMatrix left, FloatMatrix right) {
        int n = right.cols();
        FloatMatrix le = gemm.multiply(left, FloatMatrix.of(error, left.cols(), n));
        return gemm.multiply(le, right.transpose());
    }

    /** L^T (L E R^T) R: the part of E in the top-k singular subspaces. */
    private float[] topPart(float[] error, FloatMatrix left, FloatMatrix right, int m, int n) {
        FloatMatrix p = project(error, left, right);
        FloatMatrix pr = gemm.multiply(p, right);
        return gemm.multiply(left.transpose(), pr).data();
    }
}
