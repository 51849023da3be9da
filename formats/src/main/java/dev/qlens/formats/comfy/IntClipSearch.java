package dev.qlens.formats.comfy;

import dev.qlens.core.tensor.DType;

/**
 * Clip search for symmetric integer scales: instead of mapping the group's largest magnitude amax to
 * the largest code, try clip ratios 1.00, 0.99, ..., 0.70 of amax and keep the scale whose
 * round-to-nearest reconstruction has the smallest squared error over the group (the larger ratio on
 * ties, so an unclippable group keeps the plain scale). The codes are computed exactly as the format
 * computes them, so the error measured is the error written.
 */
final class IntClipSearch {
    /** Number of clip ratios tried. */
    static final int STEPS = 31;

    /** A format's scale for a group whose (clipped) largest magnitude is amax. */
    @FunctionalInterface
    interface ScaleRule {
        /** The stored scale. */
        float scale(float amax);
    }

    private IntClipSearch() {
    }

    /**
     * The best scale for x[off .. off + n).
     *
     * @param lo smallest code
     * @param hi largest code
     * @param dtype the dtype the quotient is rounded to
     */
    static float best(float[] x, int off, int n, float amax, float lo, float hi, DType dtype,
                      ScaleRule rule) {
        float bestScale = rule.scale(amax);
        double bestError = Double.POSITIVE_INFINITY;
        for (int step = 0; step < STEPS; step++) {
            float clip = (float) (1.0 - 0.01 * step);
            float scale = rule.scale(amax * clip);
            float divisor = Int8TensorwiseCodec.divisor(scale, dtype);
            double err = 0;
            for (int i = off; i < off + n; i++) {
                float q = (float) Math.rint(TorchDtype.round(dtype, x[i] / divisor));
                q = Math.max(lo, Math.min(hi, q));
                double d = (double) (q * scale) - x[i];
                err += d * d;
            }
            if (err < bestError) {
                bestError = err;
                bestScale = scale;
            }
        }
        return bestScale;
    }
}
