package dev.qlens.cli.util;

import java.util.regex.Pattern;

/** ANSI colour helpers; colours are used only when the output is a terminal. */
public final class Ansi {
    private static final Pattern ESCAPES = Pattern.compile("\u001B\\[[0-9;]*m");
    /** Green. */
    public static final String GREEN = "\u001B[32m";
    /** Yellow. */
    public static final String YELLOW = "\u001B[33m";
    /** Red. */
    public static final String RED = "\u001B[31m";
    /** Bold. */
    public static final String BOLD = "\u001B[1m";
    /** Reset. */
    public static final String RESET = "\u001B[0m";

    private Ansi() {
    }

    /** Removes ANSI escape sequences. */
    public static String strip(String s) {
        return ESCAPES.matcher(s).replaceAll("");
    }

    /** Whether stdout looks like an interactive terminal that wants colours. */
    public static boolean stdoutIsTerminal() {
        return System.console() != null && System.getenv("NO_COLOR") == null
                && !"dumb".equals(System.getenv("TERM"));
    }

    /** Wraps text in a colour when enabled. */
    public static String color(String text, String color, boolean enabled) {
        return enabled ? color + text + RESET : text;
    }
}
