package dev.qlens.cli.util;

import java.util.regex.Pattern;

/** File names made from tensor and figure names, the way the seed tools make them. */
public final class FileNames {
    private static final Pattern UNSAFE = Pattern.compile("[^a-zA-Z0-9._-]+");
    private static final Pattern EDGES = Pattern.compile("^_+|_+$");

    private FileNames() {
    }

    /** Runs of characters other than letters, digits, '.', '_' and '-' become '_', trimmed of '_'; {@code fallback} when nothing is left. */
    public static String slug(String name, String fallback) {
        String s = EDGES.matcher(UNSAFE.matcher(name).replaceAll("_")).replaceAll("");
        return s.isEmpty() ? fallback : s;
    }
}
