package dev.qlens.formats.w8a8;

/**
 * Quantiles with torch.quantile's default (linear interpolation between the order statistics at
 * floor and ceil of p (n - 1)), found by selection instead of a full sort: calibration takes them of
 * every layer input, hundreds of thousands of values at a time. Values are ordered as
 * {@link Float#compare} orders them (as {@code Arrays.sort} would), so NaN counts as the largest.
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
        // Selection runs on int keys ordered as Float.compare orders the floats.
        int[] v = new int[len];
        for (int i = 0; i < len; i++) {
            v[i] = key(abs ? Math.abs(x[off + i]) : x[off + i]);
        }
        double pos = p * (len - 1);
        int lo = (int) Math.floor(pos);
        select(v, lo);
        int bKey = v[lo];
        if (lo + 1 < len) {
            bKey = v[lo + 1];
            for (int i = lo + 2; i < len; i++) {
                bKey = Math.min(bKey, v[i]);
            }
        }
        float a = value(v[lo]);
        float b = value(bKey);
        double frac = pos - lo;
        return (float) (a + frac * ((double) b - a));
    }

    /** An int whose signed order is Float.compare's order of the float (NaN canonical, -0 below +0). */
    static int key(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    static float value(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    /**
     * Rearranges v so that v[k] holds the k-th smallest value, smaller-or-equal values before it and
     * larger-or-equal after (Hoare partitioning around a median-of-three pivot; deterministic).
     */
    static void select(int[] v, int k) {
        int left = 0;
        int right = v.length - 1;
        while (right > left) {
            int mid = (left + right) >>> 1;
            // Median of three moved to v[mid].
            if (v[mid] < v[left]) {
                swap(v, mid, left);
            }
            if (v[right] < v[left]) {
                swap(v, right, left);
            }
            if (v[right] < v[mid]) {
                swap(v, right, mid);
            }
            int pivot = v[mid];
            int i = left;
            int j = right;
            while (i <= j) {
                while (v[i] < pivot) {
                    i++;
                }
                while (v[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(v, i, j);
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                right = j;
            } else if (k >= i) {
                left = i;
            } else {
                return;
            }
        }
    }

    private static void swap(int[] v, int a, int b) {
        int t = v[a];
        v[a] = v[b];
        v[b] = t;
    }
}
