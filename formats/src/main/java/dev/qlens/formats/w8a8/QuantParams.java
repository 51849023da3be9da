package dev.qlens.formats.w8a8;

/**
 * Scale and zero point of an int8 quantizer, q = clamp(rint(x / scale) + zeroPoint, qmin, qmax), real
 * value (q - zeroPoint) * scale. The constructors follow seed 004's helpers
 * ({@code calc_qparams_symmetric}, {@code activation_qparams_from_range}), scale floored at 1e-8.
 *
 * @param scale the step (positive)
 * @param zeroPoint the code of real zero
 * @param qmin smallest code
 * @param qmax largest code
 */
public record QuantParams(float scale, int zeroPoint, int qmin, int qmax) {
    /** Smallest scale, as in the seed ({@code eps = 1e-8}). */
    public static final float EPS = 1e-8f;

    /** Symmetric int8 over [-127, 127]: scale = max(amax / 127, eps), zero point 0. */
    public static QuantParams symmetric(float amax) {
        return new QuantParams(Math.max(Math.abs(amax) / 127f, EPS), 0, -127, 127);
    }

    /**
     * Affine int8 over [-128, 127] for the range [xmin, xmax] (not forced to include 0): scale =
     * max((xmax - xmin) / 255, eps), zero point = clamp(rint(-128 - xmin / scale), -128, 127).
     */
    public static QuantParams affine(float xmin, float xmax) {
        float lo = Math.min(xmin, xmax);
        float hi = Math.max(xmin, xmax);
        float scale = Math.max((hi - lo) / 255f, EPS);
        int zp = (int) Math.max(-128, Math.min(127, Math.rint(-128f - lo / scale)));
        return new QuantParams(scale, zp, -128, 127);
    }

    /**
     * ONNX Runtime's {@code DynamicQuantizeLinear} for the range [lo, hi] (lo &le; 0 &le; hi): uint8,
     * scale = (hi - lo) / 255, zero point = clamp(rint(-lo / scale), 0, 255); codes and zero point are
     * shifted by -128 into int8 so that the int8 GEMM computes the same differences. A zero range keeps
     * the scale at {@link #EPS} (every code is then the zero point).
     */
    public static QuantParams ortUint8(float lo, float hi) {
        float scale = (hi - lo) / 255f;
        if (!(scale > 0)) {
            return new QuantParams(EPS, -128, -128, 127);
        }
        int zp = (int) Math.max(0, Math.min(255, Math.rint(-lo / scale)));
        return new QuantParams(scale, zp - 128, -128, 127);
    }

    /** The code of {@code x}, before clamping (as a float, so that overflow is visible). */
    public float unclampedCode(float x) {
        return (float) Math.rint(x / scale) + zeroPoint;
    }

    /** The clamped code of {@code x}. */
    public byte code(float x) {
        float q = unclampedCode(x);
        return (byte) Math.max(qmin, Math.min(qmax, q));
    }
}
