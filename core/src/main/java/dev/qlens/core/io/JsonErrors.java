package dev.qlens.core.io;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JSON parse errors in the user's terms: where the text stops being JSON, without the library's advice. */
public final class JsonErrors {
    private static final Pattern WHERE = Pattern.compile("line (\\d+) column (\\d+)");

    private JsonErrors() {
    }

    /** "not valid JSON (line L, column C)", or "not valid JSON" when the parser did not say where. */
    public static String describe(RuntimeException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        Matcher w = WHERE.matcher(m);
        if (w.find()) {
            return "not valid JSON (line " + w.group(1) + ", column " + w.group(2) + ")";
        }
        if (m.contains("End of input") || m.contains("EOF")) {
            return "not valid JSON (it ends too early)";
        }
        return "not valid JSON";
    }
}
