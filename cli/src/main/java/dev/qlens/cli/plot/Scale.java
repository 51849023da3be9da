package dev.qlens.cli.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One axis: a data range mapped onto a pixel range, linear or base-10 logarithmic, with "nice" tick
 * values (1, 2 or 5 times a power of ten; powers of ten on a log axis) and their labels.
 */
public final class Scale {
    private final double min;
    private final double max;
    private final boolean log;
    private double p0;
    private double p1;

    private Scale(double min, double max, boolean log) {
        this.min = min;
        this.max = max;
        this.log = log;
    }

    /**
     * A linear scale covering [lo, hi], widened to whole tick steps when {@code nice}.
     * An empty or one-point range is widened so that the axis still has a span.
     */
    public static Scale linear(double lo, double hi, boolean nice) {
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        }
        if (lo == hi) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.05;
            lo -= pad;
            hi += pad;
        }
        if (nice) {
            double step = niceStep((hi - lo) / 6);
            lo = Math.floor(lo / step + 1e-9) * step;
            hi = Math.ceil(hi / step - 1e-9) * step;
        }
        return new Scale(lo, hi, false);
    }

    /** A log scale covering [lo, hi] (both positive), widened to 1, 2 or 5 times a power of ten at both ends. */
    public static Scale log(double lo, double hi) {
        if (!(lo > 0) || !(hi >= lo) || Double.isInfinite(hi)) {
            lo = 1e-3;
            hi = 1;
        }
        double a = niceBelow(lo);
        double b = niceAbove(hi);
        if (b <= a) {
            b = niceAbove(a * 1.0001);
        }
        return new Scale(a, b, true);
    }

    private static final double[] MANTISSAS = {1, 2, 5, 10};

    private static double niceBelow(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        double best = p;
        for (double m : MANTISSAS) {
            if (m * p <= v * (1 + 1e-9)) {
                best = m * p;
            }
        }
        return best;
    }

    private static double niceAbove(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : MANTISSAS) {
            if (m * p >= v * (1 - 1e-9)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** Sets the pixel range: {@code from} is where {@link #min()} goes, {@code to} where {@link #max()} goes. */
    public Scale pixels(double from, double to) {
        this.p0 = from;
        this.p1 = to;
        return this;
    }

    /** Lower end of the data range. */
    public double min() {
        return min;
    }

    /** Upper end of the data range. */
    public double max() {
        return max;
    }

    /** Whether the scale is logarithmic. */
    public boolean isLog() {
        return log;
    }

    /** Pixel position of a value (NaN for values a log scale cannot show). */
    public double map(double v) {
        double t;
        if (log) {
            if (!(v > 0)) {
                return Double.NaN;
            }
            t = (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
        } else {
            t = (v - min) / (max - min);
        }
        return p0 + t * (p1 - p0);
    }

    /** Tick values inside the range, about {@code target} of them. */
    public List<Double> ticks(int target) {
        List<Double> out = new ArrayList<>();
        if (log) {
            int a = (int) Math.floor(Math.log10(min) + 1e-9);
            int b = (int) Math.ceil(Math.log10(max) - 1e-9);
            int every = Math.max(1, (int) Math.ceil((b - a) / (double) Math.max(1, target)));
            // Few decades: 1, 2 and 5 of each decade; many: every n-th power of ten.
            double[] ms = b - a <= 1 ? new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9} : b - a <= 2 ? new double[] {1, 2, 5} : new double[] {1};
            for (int e = a; e <= b; e += every) {
                for (double m : ms) {
                    double v = m * Math.pow(10, e);
                    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) {
                        out.add(v);
                    }
                }
            }
            return out;
        }
        double step = niceStep((max - min) / Math.max(1, target));
        double first = Math.ceil(min / step - 1e-9) * step;
        for (int i = 0; ; i++) {
            double v = first + i * step;
            if (v > max + step * 1e-9) {
                break;
            }
            out.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
        return out;
    }

    /** The label of a tick value, short and exact enough to tell neighbouring ticks apart. */
    public String label(double v, List<Double> ticks) {
        if (log) {
            int e = (int) Math.floor(Math.log10(v) + 1e-9);
            long m = Math.round(v / Math.pow(10, e));
            return e >= -3 && e <= 4 ? format(v, Math.max(0, -e)) : m + "e" + e;
        }
        double step = ticks.size() > 1 ? Math.abs(ticks.get(1) - ticks.get(0)) : Math.abs(v);
        double big = Math.max(Math.abs(min), Math.abs(max));
        if (big >= 1e6 || (big > 0 && big < 1e-3)) {
            return String.format(Locale.ROOT, "%.2g", v).replace("e+0", "e").replace("e-0", "e-").replace("e+", "e");
        }
        int decimals = step <= 0 ? 0 : Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return format(v, Math.min(decimals, 8));
    }

    private static String format(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0) || Double.isInfinite(raw)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return n * p;
    }
}
