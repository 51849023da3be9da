package dev.qlens.core.io;

import java.util.Locale;

/** Byte counts as people read them. */
public final class ByteSizes {
    private ByteSizes() {
    }

    /** Bytes with a binary unit and one decimal, e.g. {@code 1.5 GiB}; below 1 KiB in bytes. */
    public static String format(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
