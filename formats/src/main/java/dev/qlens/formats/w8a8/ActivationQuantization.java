package dev.qlens.formats.w8a8;

/**
 * How activations are quantized in a W8A8 product.
 *
 * @param scheme symmetric ([-127, 127], zero point 0), affine ([-128, 127] with a zero point) or ONNX
 *     Runtime's uint8 rule
 * @param perToken one scale (and zero point) per row of the activations instead of one per tensor
 * @param percentile clip range: the range is taken from this quantile (of |x| when symmetric; of x
 *     at 1 - p and p when affine) instead of min / max; NaN for min / max
 * @param fixed static (calibrated) parameters used for every input, or null for dynamic ones
 */
public record ActivationQuantization(Scheme scheme, boolean perToken, double percentile, QuantParams fixed) {
    /** Symmetric or affine activations. */
    public enum Scheme {
        /** [-127, 127], zero point 0. */
        SYMMETRIC,
        /** [-128, 127] with a zero point. */
        AFFINE,
        /**
         * ONNX Runtime's {@code DynamicQuantizeLinear}: uint8 over the range [min(0, x), max(0, x)],
         * scale = range / 255, zero point = saturate(rint(-min / scale)); stored here shifted by -128
         * (codes and zero point), which leaves every difference code - zero point unchanged.
         */
        ORT_UINT8
    }

    /** Validates the combination. */
    public ActivationQuantization {
        if (scheme == null) {
            throw new IllegalArgumentException("scheme is required");
        }
        if (!Double.isNaN(percentile) && !(percentile >= 0.5 && percentile <= 1)) {
            throw new IllegalArgumentException("clip percentile must be in [0.5, 1], not " + percentile);
        }
        if (scheme == Scheme.ORT_UINT8 && (fixed != null || perToken || !Double.isNaN(percentile))) {
            throw new IllegalArgumentException("ONNX Runtime's rule is dynamic, per tensor and unclipped");
        }
        if (fixed != null && perToken) {
            throw new IllegalArgumentException("static activation parameters are per tensor");
        }
    }

    /** Dynamic parameters from each input's own range. */
    public static ActivationQuantization dynamic(Scheme scheme, boolean perToken, double percentile) {
        return new ActivationQuantization(scheme, perToken, percentile, null);
    }

    /** Static parameters, e.g. from a {@link Calibrator}. */
    public static ActivationQuantization fixed(QuantParams params) {
        return new ActivationQuantization(params.zeroPoint() == 0 && params.qmin() == -127 ? Scheme.SYMMETRIC
                : Scheme.AFFINE, false, Double.NaN, params);
    }

    /** The seed's {@code QuantLinearW8A8}: dynamic affine per tensor, clipped at the 99.9th percentile. */
    public static ActivationQuantization seedDynamicAffine() {
        return dynamic(Scheme.AFFINE, false, 0.999);
    }

    /** Parameters for {@code x[off, off + len)} (one tensor or one token). */
    QuantParams paramsFor(float[] x, int off, int len) {
        if (fixed != null) {
            return fixed;
        }
        boolean clip = !Double.isNaN(percentile);
        if (scheme == Scheme.ORT_UINT8) {
            float lo = 0;
            float hi = 0;
            for (int i = off; i < off + len; i++) {
                lo = Math.min(lo, x[i]);
                hi = Math.max(hi, x[i]);
            }
            return QuantParams.ortUint8(lo, hi);
        }
        if (scheme == Scheme.SYMMETRIC) {
            float amax = clip ? Quantiles.of(x, off, len, percentile, true) : absMax(x, off, len);
            return QuantParams.symmetric(amax);
        }
        if (clip) {
            return QuantParams.affine(Quantiles.of(x, off, len, 1 - percentile, false),
                    Quantiles.of(x, off, len, percentile, false));
        }
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++) {
            lo = Math.min(lo, x[i]);
            hi = Math.max(hi, x[i]);
        }
        return QuantParams.affine(lo, hi);
    }

    private static float absMax(float[] x, int off, int len) {
        float m = 0;
        for (int i = off; i < off + len; i++) {
            m = Math.max(m, Math.abs(x[i]));
        }
        return m;
    }
}
