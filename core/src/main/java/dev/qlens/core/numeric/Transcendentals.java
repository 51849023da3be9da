package dev.qlens.core.numeric;

/**
 * The transcendental functions of model inference, computed with plain IEEE arithmetic only (no
 * {@code Math.exp}, whose last bit may differ between JDKs and compilers), so results are the same
 * on every JDK, thread count and vector width. Accurate to float precision and better, which is all the
 * models use them for.
 */
public final class Transcendentals {
    /**
     * erf(t) = u * P(u^2) with u = t / 4 for |t| &lt; 4, P below (lowest power first); fitted by
     * {@code core/src/main/python/erf_polynomial.py} (max |error| on [-4, 4]: 7.520e-09).
     */
    private static final double[] ERF = {
        4.513516401215323,
        -24.07203271188948,
        115.54248890210545,
        -440.0700658454973,
        1367.6308468534226,
        -3565.576044777218,
        7939.751957333152,
        -15203.566994171091,
        24922.978963891124,
        -34480.94939150951,
        39401.918251976225,
        -36192.54224894536,
        25844.85807235147,
        -13729.48121997479,
        5080.005808034861,
        -1163.954542553716,
        124.01263473510744
    };
    /** Beyond this |t|, erf(t) rounds to +-1 in float32 (erf(4) = 1 - 1.5e-8). */
    public static final double ERF_SATURATION = 4;
    /** The divisor of PyTorch's exact GELU as ONNX exports store it (sqrt(2) in float32). */
    public static final float SQRT2 = 1.4142135f;

    private static final double LN2_HI = 0x1.62e42fefa39efp-1;
    private static final double LN2_LO = 0x1.abc9e3b39803fp-56;
    private static final double LOG2E = 0x1.71547652b82fep0;
    /** 1 / n! for n = 0..13. */
    private static final double[] INVERSE_FACTORIALS = inverseFactorials();

    private Transcendentals() {
    }

    /** The coefficients of the erf polynomial P (lowest power first), for vectorized copies of {@link #erf}. */
    public static double[] erfCoefficients() {
        return ERF.clone();
    }

    /** erf(t) to within 1e-8 (double arithmetic; NaN stays NaN). */
    public static double erf(double t) {
        if (t >= ERF_SATURATION) {
            return 1;
        }
        if (t <= -ERF_SATURATION) {
            return -1;
        }
        double u = t * 0.25;
        double s = u * u;
        double acc = ERF[ERF.length - 1];
        for (int k = ERF.length - 2; k >= 0; k--) {
            acc = Math.fma(acc, s, ERF[k]);
        }
        return u * acc;
    }

    /**
     * PyTorch's exact GELU as the ONNX exports compute it in float32: t = x / sqrt(2) (float), e =
     * erf(t) rounded to float, then (x * 0.5) * (1 + e).
     */
    public static float gelu(float x) {
        float t = x / SQRT2;
        float e = (float) erf(t);
        return (x * 0.5f) * (1f + e);
    }

    /**
     * exp(x) to about 1e-15 relative: x = k ln2 + r with |r| &le; ln2 / 2, exp(r) by its Taylor series to
     * r^13 (Horner, fused multiply-adds), scaled by 2^k exactly. 0 below -746, infinity above 710.
     */
    public static double exp(double x) {
        if (x != x) {
            return x;
        }
        if (x > 710) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < -746) {
            return 0;
        }
        double k = Math.rint(x * LOG2E);
        double r = Math.fma(-k, LN2_LO, Math.fma(-k, LN2_HI, x));
        double[] inv = INVERSE_FACTORIALS;
        double p = inv[inv.length - 1];
        for (int i = inv.length - 2; i >= 0; i--) {
            p = Math.fma(p, r, inv[i]);
        }
        int e = (int) k;
        // Two exact power-of-two steps, so that a subnormal result is rounded once.
        if (e < -1000) {
            return Math.scalb(Math.scalb(p, -1000), e + 1000);
        }
        if (e > 1000) {
            return Math.scalb(Math.scalb(p, 1000), e - 1000);
        }
        return Math.scalb(p, e);
    }

    private static double[] inverseFactorials() {
        double[] out = new double[14];
        double f = 1;
        for (int n = 0; n < out.length; n++) {
            if (n > 0) {
                f *= n;
            }
            out[n] = 1 / f;
        }
        return out;
    }
}
