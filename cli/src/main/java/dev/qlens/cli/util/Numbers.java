package dev.qlens.cli.util;

import java.util.Locale;

/** Number formatting for tables. */
public final class Numbers {
    private Numbers() {
    }

    /**
     * A short exact rendering: integers as integers, powers of two below 1/1024 as 2^-k, other values
     * with up to 10 significant digits.
     */
    public static String exact(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a > 0 && (a < 1.0 / 1024 || a > 1e15) && Math.getExponent(a) >= -1074) {
            int e = Math.getExponent(a);
            if (Math.scalb(1.0, e) == a) {
                return (v < 0 ? "-" : "") + "2^" + e;
            }
        }
        return String.format(Locale.ROOT, "%.10g", v).replaceAll("\\.?0+(e|$)", "$1");
    }

    /** Scientific notation with the given significant digits after the point, e.g. 1.234e-05. */
    public static String sci(double v, int digits) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%." + digits + "e", v);
    }

    /** Fixed notation with the given digits after the point; inf/nan spelled out. */
    public static String fixed(double v, int digits) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /** Bytes with a binary unit, e.g. 1.5 GiB. */
    public static String bytes(long n) {
        return dev.qlens.core.io.ByteSizes.format(n);
    }
}
