package dev.qlens.core.kernel;

/**
 * The 16 interleaved partial sums of one {@link Kernels#errorSums} call. Element i of the call goes to
 * partial i mod 16 (each partial in element order); {@link #addTo} adds partials 0 to 15 in order.
 * Products are accumulated with a fused multiply-add ({@link Math#fma}), one rounding per element.
 * Kernels share this class so every implementation reduces in exactly the same order.
 */
public final class ErrorPartials {
    /** Partials of |y - x|. */
    public final double[] abs = new double[ErrorSums.PARTIALS];
    /** Partials of (y - x)^2. */
    public final double[] sq = new double[ErrorSums.PARTIALS];
    /** Partials of x. */
    public final double[] sx = new double[ErrorSums.PARTIALS];
    /** Partials of y. */
    public final double[] sy = new double[ErrorSums.PARTIALS];
    /** Partials of x^2. */
    public final double[] sxx = new double[ErrorSums.PARTIALS];
    /** Partials of y^2. */
    public final double[] syy = new double[ErrorSums.PARTIALS];
    /** Partials of x*y. */
    public final double[] sxy = new double[ErrorSums.PARTIALS];
    /** Partials of |x|. */
    public final double[] sax = new double[ErrorSums.PARTIALS];
    /** Largest |y - x| so far. */
    public double max;
    /** Smallest |y - x| so far. */
    public double min = Double.POSITIVE_INFINITY;
    /** Pairs left out because x or y is not finite. */
    public long nonFinite;

    /**
     * Adds elements {@code from} (inclusive) to {@code to} (exclusive) of the call one by one; index i
     * reads x[xOff + i] and y[yOff + i].
     */
    public void addScalar(float[] x, int xOff, float[] y, int yOff, int from, int to) {
        for (int i = from; i < to; i++) {
            float xv = x[xOff + i];
            float yv = y[yOff + i];
            if (!(Math.abs(xv) < Float.POSITIVE_INFINITY) || !(Math.abs(yv) < Float.POSITIVE_INFINITY)) {
                nonFinite++;
                continue;
            }
            int k = i & (ErrorSums.PARTIALS - 1);
            double dx = xv;
            double dy = yv;
            double e = dy - dx;
            double ae = Math.abs(e);
            abs[k] += ae;
            sq[k] = Math.fma(e, e, sq[k]);
            sx[k] += dx;
            sy[k] += dy;
            sxx[k] = Math.fma(dx, dx, sxx[k]);
            syy[k] = Math.fma(dy, dy, syy[k]);
            sxy[k] = Math.fma(dx, dy, sxy[k]);
            sax[k] += Math.abs(dx);
            max = Math.max(max, ae);
            min = Math.min(min, ae);
        }
    }

    /** Adds the totals of a call over n elements to {@code acc}. */
    public void addTo(ErrorSums acc, int n) {
        acc.count += n;
        acc.nonFinite += nonFinite;
        acc.sumAbsError += ordered(abs);
        acc.sumSquaredError += ordered(sq);
        acc.sumX += ordered(sx);
        acc.sumY += ordered(sy);
        acc.sumXX += ordered(sxx);
        acc.sumYY += ordered(syy);
        acc.sumXY += ordered(sxy);
        acc.sumAbsX += ordered(sax);
        acc.maxAbsError = Math.max(acc.maxAbsError, max);
        acc.minAbsError = Math.min(acc.minAbsError, min);
    }

    /** Partials 0 to 15 added in order (the documented reduction of every kernel). */
    public static double ordered(double[] partials) {
        double t = 0;
        for (double v : partials) {
            t += v;
        }
        return t;
    }
}
