package dev.qlens.core.metrics;

import dev.qlens.core.io.FloatView;
import java.io.IOException;

/**
 * Streaming statistics of a tensor: min, max, mean, population standard deviation, max |x|, and counts
 * of zeros, NaN and infinities. Min, max, mean, std and amax are over finite values. Sums are
 * accumulated in float64 chunk by chunk in element order, so results do not depend on threads.
 */
public final class TensorStats {
    /** Elements per chunk when streaming a view. */
    public static final int CHUNK = 1 << 20;

    private long count;
    private long finite;
    private long zeros;
    private long nans;
    private long infs;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double amax;
    private double sum;
    private double sumSquares;

    /** Adds n values. */
    public void accept(float[] v, int off, int n) {
        double s = 0;
        double ss = 0;
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        long z = 0;
        long nan = 0;
        long inf = 0;
        for (int i = off; i < off + n; i++) {
            float x = v[i];
            if (x != x) {
                nan++;
                continue;
            }
            if (Float.isInfinite(x)) {
                inf++;
                continue;
            }
            if (x == 0f) {
                z++;
            }
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
            s += x;
            ss += (double) x * x;
        }
        count += n;
        nans += nan;
        infs += inf;
        zeros += z;
        finite += n - nan - inf;
        sum += s;
        sumSquares += ss;
        if (lo <= hi) {
            min = Math.min(min, lo);
            max = Math.max(max, hi);
            amax = Math.max(amax, Math.max(Math.abs((double) lo), Math.abs((double) hi)));
        }
    }

    /** Streams a whole view through the statistics. */
    public static TensorStats of(FloatView view) throws IOException {
        TensorStats st = new TensorStats();
        long n = view.numel();
        float[] buf = new float[(int) Math.min(CHUNK, Math.max(1, n))];
        for (long start = 0; start < n; start += buf.length) {
            int len = (int) Math.min(buf.length, n - start);
            view.read(start, buf, 0, len);
            st.accept(buf, 0, len);
        }
        return st;
    }

    /** Number of elements seen. */
    public long count() {
        return count;
    }

    /** Smallest finite value (NaN when there is none). */
    public double min() {
        return finite == 0 ? Double.NaN : min;
    }

    /** Largest finite value (NaN when there is none). */
    public double max() {
        return finite == 0 ? Double.NaN : max;
    }

    /** Mean of the finite values. */
    public double mean() {
        return finite == 0 ? Double.NaN : sum / finite;
    }

    /** Population standard deviation of the finite values. */
    public double std() {
        if (finite == 0) {
            return Double.NaN;
        }
        double m = sum / finite;
        return Math.sqrt(Math.max(0, sumSquares / finite - m * m));
    }

    /** Largest absolute finite value. */
    public double amax() {
        return finite == 0 ? Double.NaN : amax;
    }

    /** Number of exact zeros (either sign). */
    public long zeros() {
        return zeros;
    }

    /** Number of NaN values. */
    public long nans() {
        return nans;
    }

    /** Number of infinities. */
    public long infs() {
        return infs;
    }
}
