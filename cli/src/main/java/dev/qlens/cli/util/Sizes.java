package dev.qlens.cli.util;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses byte sizes such as {@code 5GB}, {@code 500MiB} or {@code 1048576}. */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([KMGT]?)(I?B?)");

    private Sizes() {
    }

    /**
     * Decimal units (KB, MB, GB, TB) are powers of 1000, binary units (KiB, MiB, GiB, TiB) powers of 1024;
     * a bare number is bytes.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size '" + text + "': use e.g. 5GB, 500MiB or a byte count");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2);
        boolean binary = m.group(3).startsWith("I");
        double base = binary ? 1024 : 1000;
        int power = "KMGT".indexOf(unit) + 1;
        long bytes = (long) (v * Math.pow(base, unit.isEmpty() ? 0 : power));
        if (bytes <= 0) {
            throw new IllegalArgumentException("size must be positive: " + text);
        }
        return bytes;
    }
}
