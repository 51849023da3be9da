package dev.qlens.core.metrics;

import dev.qlens.core.io.FloatView;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.ValueSums;
import java.io.IOException;

/**
 * Streaming statistics of a tensor: min, max, mean, population standard deviation, max |x|, and counts
 * of zeros, NaN and infinities. Min, max, mean, std and amax are over finite values. Sums use the
 * kernels' deterministic float64 order over fixed chunks, so results do not depend on threads or on
 * the kernel implementation.
 */
public final class TensorStats {
    /** Elements per chunk when streaming a view. */
    public static final int CHUNK = 1 << 20;

    private final ValueSums sums = new ValueSums();
    private final Kernels kernels;

    /** Statistics computed with the active kernels. */
    public TensorStats() {
        this(KernelProvider.get());
    }

    /** Statistics computed with the given kernels. */
    public TensorStats(Kernels kernels) {
        this.kernels = kernels;
    }

    /** Adds n values (one call is one chunk of the deterministic order). */
    public void accept(float[] v, int off, int n) {
        kernels.valueSums(v, off, n, sums);
    }

    /** Streams a whole view through the statistics in chunks of {@link #CHUNK}. */
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
        return sums.count;
    }

    /** Smallest finite value (NaN when there is none). */
    public double min() {
        return sums.finite() == 0 ? Double.NaN : sums.min;
    }

    /** Largest finite value (NaN when there is none). */
    public double max() {
        return sums.finite() == 0 ? Double.NaN : sums.max;
    }

    /** Mean of the finite values. */
    public double mean() {
        long f = sums.finite();
        return f == 0 ? Double.NaN : sums.sum / f;
    }

    /** Population standard deviation of the finite values. */
    public double std() {
        long f = sums.finite();
        if (f == 0) {
            return Double.NaN;
        }
        double m = sums.sum / f;
        return Math.sqrt(Math.max(0, sums.sumSquares / f - m * m));
    }

    /** Largest absolute finite value. */
    public double amax() {
        return sums.finite() == 0 ? Double.NaN : Math.max(Math.abs(sums.min), Math.abs(sums.max));
    }

    /** Number of exact zeros (either sign). */
    public long zeros() {
        return sums.zeros;
    }

    /** Number of NaN values. */
    public long nans() {
        return sums.nans;
    }

    /** Number of infinities. */
    public long infs() {
        return sums.infs;
    }
}
