package dev.qlens.formats.gptq;

import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;
import java.util.Arrays;

/**
 * What one linear layer's inputs looked like over calibration data: the second moment
 * {@code H = X^T X}, the sum (for the mean), and the range of every input feature. Each observed
 * batch's {@code X^T X} is one float32 fused multiply-add chain per element on the GEMM (a batch is a
 * few thousand tokens at most); batches are summed in float64, in the order they are observed.
 */
public final class InputStatistics {
    private final int features;
    private final double[] secondMoment;
    private final double[] sum;
    private final float[] min;
    private final float[] max;
    private long tokens;
    /** The second moment rounded to float32 for the GEMM, made on first use by {@link #relativeOutputError}. */
    private float[] secondMomentF32;

    /** Empty statistics for a layer with {@code features} inputs. */
    public InputStatistics(int features) {
        this.features = features;
        this.secondMoment = new double[features * features];
        this.sum = new double[features];
        this.min = new float[features];
        this.max = new float[features];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
    }

    /** Statistics read back from a file. */
    public InputStatistics(int features, long tokens, double[] secondMoment, double[] sum, float[] min, float[] max) {
        if (secondMoment.length != features * features || sum.length != features || min.length != features
                || max.length != features) {
            throw new IllegalArgumentException("statistics of " + features + " features have inconsistent sizes");
        }
        this.features = features;
        this.tokens = tokens;
        this.secondMoment = secondMoment;
        this.sum = sum;
        this.min = min;
        this.max = max;
    }

    /** Adds a batch of inputs: {@code rows x features}, row-major. */
    public void observe(float[] x, int rows, Gemm gemm) {
        if (rows == 0) {
            return;
        }
        FloatMatrix xm = FloatMatrix.view(x, 0, rows, features, features, 1);
        FloatMatrix batch = gemm.multiply(xm.transpose(), xm);
        float[] b = batch.data();
        for (int i = 0; i < secondMoment.length; i++) {
            secondMoment[i] += b[i];
        }
        for (int r = 0; r < rows; r++) {
            int o = r * features;
            for (int c = 0; c < features; c++) {
                float v = x[o + c];
                sum[c] += v;
                min[c] = Math.min(min[c], v);
                max[c] = Math.max(max[c], v);
            }
        }
        tokens += rows;
        synchronized (this) {
            secondMomentF32 = null;
        }
    }

    /** Number of input features. */
    public int features() {
        return features;
    }

    /** Tokens (input rows) observed. */
    public long tokens() {
        return tokens;
    }

    /** {@code X^T X} (features x features, row-major); the array itself. */
    public double[] secondMoment() {
        return secondMoment;
    }

    /** Sum of every feature over the tokens; the array itself. */
    public double[] sum() {
        return sum;
    }

    /** Smallest value of every feature; the array itself. */
    public float[] min() {
        return min;
    }

    /** Largest value of every feature; the array itself. */
    public float[] max() {
        return max;
    }

    /** The mean of every feature. */
    public double[] mean() {
        double[] m = new double[features];
        for (int i = 0; i < features; i++) {
            m[i] = tokens == 0 ? 0 : sum[i] / tokens;
        }
        return m;
    }

    /**
     * The relative output error of replacing weight W by Q on these inputs,
     * {@code tr((W-Q) H (W-Q)^T) / tr(W H W^T)} (rows x features, row-major): the mean squared change of the
     * layer's output (bias excluded) relative to the output's energy.
     */
    public double relativeOutputError(float[] w, float[] q, int rows, Gemm gemm) {
        float[] e = new float[w.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = w[i] - q[i];
        }
        return quadratic(e, rows, gemm) / quadratic(w, rows, gemm);
    }

    private synchronized float[] secondMomentF32() {
        if (secondMomentF32 == null) {
            float[] h = new float[secondMoment.length];
            for (int i = 0; i < h.length; i++) {
                h[i] = (float) secondMoment[i];
            }
            secondMomentF32 = h;
        }
        return secondMomentF32;
    }

    /** Sum over rows of a H a^T. */
    private double quadratic(float[] a, int rows, Gemm gemm) {
        FloatMatrix ah = gemm.multiply(FloatMatrix.of(a, rows, features), FloatMatrix.of(secondMomentF32(), features, features));
        float[] p = ah.data();
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) p[i] * a[i];
        }
        return s;
    }
}
