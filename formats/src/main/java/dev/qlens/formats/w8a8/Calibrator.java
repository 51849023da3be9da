package dev.qlens.formats.w8a8;

/**
 * Static activation ranges from calibration batches, after seed 004's {@code ActCalibrator}: it
 * keeps the running min and max and, for the clip percentile p, the maximum over batches of each
 * batch's quantile (of |x| for the symmetric range; of x at p, and the minimum of the quantile at
 * 1 - p, for the affine range).
 */
public final class Calibrator {
    private final double percentile;
    /** The scheme whose quantiles are kept, or null for both. */
    private final ActivationQuantization.Scheme only;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private float absQuantile = 0;
    private float lowQuantile = Float.POSITIVE_INFINITY;
    private float highQuantile = Float.NEGATIVE_INFINITY;
    private long count;

    /** A calibrator for the clip percentile p (e.g. 0.999), or NaN for min / max only. */
    public Calibrator(double percentile) {
        this(percentile, null);
    }

    /**
     * A calibrator that keeps only the quantiles {@code scheme} needs (|x| for symmetric, x at 1 - p and p
     * for affine), or both kinds when null; quantiles of large batches are the cost of calibration.
     */
    public Calibrator(double percentile, ActivationQuantization.Scheme scheme) {
        this.only = scheme;
        if (!Double.isNaN(percentile) && !(percentile >= 0.5 && percentile <= 1)) {
            throw new IllegalArgumentException("clip percentile must be in [0.5, 1], not " + percentile);
        }
        this.percentile = percentile;
    }

    /** Observes one batch of activations. */
    public void observe(float[] batch) {
        if (batch.length == 0) {
            return;
        }
        for (float v : batch) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!Double.isNaN(percentile)) {
            if (only != ActivationQuantization.Scheme.AFFINE) {
                absQuantile = Math.max(absQuantile, Quantiles.of(batch, 0, batch.length, percentile, true));
            }
            if (only != ActivationQuantization.Scheme.SYMMETRIC) {
                lowQuantile = Math.min(lowQuantile, Quantiles.of(batch, 0, batch.length, 1 - percentile, false));
                highQuantile = Math.max(highQuantile, Quantiles.of(batch, 0, batch.length, percentile, false));
            }
        }
        count += batch.length;
    }

    /** Values observed so far. */
    public long count() {
        return count;
    }

    /** Static parameters for the scheme (the seed's static W8A8 uses the symmetric |x| quantile). */
    public QuantParams params(ActivationQuantization.Scheme scheme) {
        if (count == 0) {
            throw new IllegalStateException("no calibration data observed");
        }
        boolean clip = !Double.isNaN(percentile);
        if (only != null && scheme != only) {
            throw new IllegalStateException("calibrated for " + only + ", asked for " + scheme);
        }
        if (scheme == ActivationQuantization.Scheme.SYMMETRIC) {
            return QuantParams.symmetric(clip ? absQuantile : Math.max(Math.abs(min), Math.abs(max)));
        }
        return clip ? QuantParams.affine(lowQuantile, highQuantile) : QuantParams.affine(min, max);
    }
}
