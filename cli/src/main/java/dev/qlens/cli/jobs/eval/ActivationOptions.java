package dev.qlens.cli.jobs.eval;

import dev.qlens.formats.w8a8.ActivationQuantization;
import dev.qlens.formats.w8a8.Calibrator;
import dev.qlens.formats.w8a8.QuantParams;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * How the W8A8 schemes quantize activations.
 *
 * @param scheme symmetric ([-127, 127]) or affine ([-128, 127] with a zero point)
 * @param perToken dynamic scales per token instead of per tensor
 * @param dynamicClip clip percentile of dynamic ranges (NaN: min / max)
 * @param staticClip clip percentile of calibrated ranges (NaN: min / max); seed 004 uses 0.999 of |x|
 */
public record ActivationOptions(ActivationQuantization.Scheme scheme, boolean perToken, double dynamicClip,
                                double staticClip) {
    /** Seed 004's choices: symmetric, per tensor, dynamic min / max, static 99.9th percentile of |x|. */
    public static final ActivationOptions DEFAULT = new ActivationOptions(ActivationQuantization.Scheme.SYMMETRIC,
            false, Double.NaN, 0.999);

    /** Validates the combination. */
    public ActivationOptions {
        if (scheme == ActivationQuantization.Scheme.ORT_UINT8) {
            throw new IllegalArgumentException("ONNX Runtime's activation rule belongs to the ort-int8 scheme");
        }
        new Calibrator(dynamicClip);
        new Calibrator(staticClip);
    }

    /** The dynamic rule, the same for every layer. */
    ActivationQuantization dynamic() {
        return ActivationQuantization.dynamic(scheme, perToken, dynamicClip);
    }

    /** Static rules from calibrated ranges, one per layer. */
    Function<String, ActivationQuantization> fixed(Map<String, Calibrator> calibrated) {
        return layer -> {
            Calibrator c = calibrated.get(layer);
            if (c == null) {
                throw new IllegalStateException("layer " + layer + " saw no calibration data");
            }
            QuantParams p = c.params(scheme);
            return ActivationQuantization.fixed(p);
        };
    }

    /** A short description for reports: "symmetric per tensor, min/max". */
    String describeDynamic() {
        return name() + (perToken ? " per token" : " per tensor") + ", " + clip(dynamicClip);
    }

    /** A short description of the static rule. */
    String describeStatic() {
        return name() + " per tensor, calibrated " + clip(staticClip);
    }

    private String name() {
        return scheme.name().toLowerCase(Locale.ROOT);
    }

    private String clip(double p) {
        String what = scheme == ActivationQuantization.Scheme.SYMMETRIC ? "|x|" : "x";
        return Double.isNaN(p) ? "min/max" : "p" + new java.math.BigDecimal(Double.toString(p * 100)).stripTrailingZeros()
                .toPlainString() + " of " + what;
    }
}
