package dev.qlens.cli.jobs.quantize;

import java.util.SplittableRandom;

/**
 * The seed tool's bias correction: draw {@code samples} rows X of seeded standard Gaussian inputs
 * (one set per input width, as the seed caches them) and shift the bias by the mean output error,
 * {@code b' = b - mean_rows(X (Q - W)^T)}, so that the mean of {@code X Q^T + b'} equals that of
 * {@code X W^T + b}.
 *
 * <p>What it achieves: with zero-mean Gaussian X the expected correction is zero; what is applied is
 * noise of size about {@code ||row(Q - W)|| / sqrt(samples)} per output. It does not use real
 * activations, so it cannot remove the systematic error real inputs see. The seed subtracts the mean
 * of {@code X (W - Q)^T}, the opposite sign, which doubles the mean error it measured instead of
 * cancelling it; qlens uses the sign that cancels. Torch's random stream cannot be reproduced, so the
 * Gaussian draws (SplittableRandom, Box-Muller in float64) differ from the seed's for the same seed.
 */
public final class BiasCorrection {
    /**
     * @param samples calibration rows (seed default 3072)
     * @param seed random seed
     */
    public record Options(int samples, long seed) {
        /** Validates the sample count. */
        public Options {
            if (samples < 1) {
                throw new IllegalArgumentException("--calib-samples must be at least 1, not " + samples);
            }
        }
    }

    private BiasCorrection() {
    }

    /**
     * The corrected bias.
     *
     * @param w original weight [out, in], row-major
     * @param q dequantized weight, same layout
     * @param bias original bias [out]
     */
    public static float[] correct(float[] w, float[] q, float[] bias, int out, int in, Options o) {
        // mean_rows(X D^T)[j] = sum_i mean_rows(X)[i] * D[j][i]: only the column means of X matter.
        double[] mean = columnMeans(o.samples(), in, o.seed());
        float[] corrected = new float[out];
        for (int j = 0; j < out; j++) {
            double shift = 0;
            for (int i = 0; i < in; i++) {
                shift += mean[i] * ((double) q[j * in + i] - w[j * in + i]);
            }
            corrected[j] = (float) (bias[j] - shift);
        }
        return corrected;
    }

    /** Column means of a samples x in matrix of seeded standard Gaussians (the same for a seed and width). */
    static double[] columnMeans(int samples, int in, long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * in));
        double[] sum = new double[in];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < in; i += 2) {
                double u1 = 1.0 - rng.nextDouble();
                double u2 = rng.nextDouble();
                double r = Math.sqrt(-2 * Math.log(u1));
                sum[i] += r * Math.cos(2 * Math.PI * u2);
                if (i + 1 < in) {
                    sum[i + 1] += r * Math.sin(2 * Math.PI * u2);
                }
            }
        }
        for (int i = 0; i < in; i++) {
            sum[i] /= samples;
        }
        return sum;
    }
}
