package dev.qlens.formats.w8a8;

import java.util.Arrays;

/**
 * Quantiles with linear interpolation between order statistics, the definition of
 * {@code torch.quantile} (position p * (n - 1)), computed in float64 and rounded to float32.
 */
public final class Quantiles {
    private Quantiles() {
    }

    /** The p-quantile of {@code x[off, off + len)}, or of their absolute values when {@code abs}. */
    public static float of(float[] x, int off, int len, double p, boolean abs) {
        if (len <= 0) {
            throw new IllegalArgumentException("quantile of no values");
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("quantile " + p + " is outside [0, 1]");
        }
        float[] v = Arrays.copyOfRange(x, off, off + len);
        if (abs) {
            for (int i = 0; i < len; i++) {
                v[i] = Math.abs(v[i]);
            }
        }
        Arrays.sort(v);
        double pos = p * (len - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(len - 1, lo + 1);
        double frac = pos - lo;
        return (float) (v[lo] + frac * ((double) v[hi] - v[lo]));
    }
}
