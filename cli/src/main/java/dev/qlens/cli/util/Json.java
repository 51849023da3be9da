package dev.qlens.cli.util;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonPrimitive;

/**
 * JSON output conventions shared by every command: pretty-printed, no HTML escaping, integral
 * numbers without a fractional part, and non-finite numbers written as strings ("inf", "-inf",
 * "nan") so that standard JSON parsers accept the document.
 */
public final class Json {
    /** Pretty printer used for reports and stdout. */
    public static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }

    /** A JSON number (or a string for non-finite values), integral values printed without ".0". */
    public static JsonElement number(double v) {
        if (Double.isNaN(v)) {
            return new JsonPrimitive("nan");
        }
        if (Double.isInfinite(v)) {
            return new JsonPrimitive(v > 0 ? "inf" : "-inf");
        }
        if (v == Math.rint(v) && Math.abs(v) < 0x1p53 && !(v == 0 && Double.doubleToRawLongBits(v) != 0)) {
            return new JsonPrimitive((long) v);
        }
        return new JsonPrimitive(v);
    }

    /** {@link #number} or JSON null when {@code present} is false. */
    public static JsonElement numberOrNull(double v, boolean present) {
        return present ? number(v) : JsonNull.INSTANCE;
    }

    /** A string or JSON null. */
    public static JsonElement stringOrNull(String s) {
        return s == null ? JsonNull.INSTANCE : new JsonPrimitive(s);
    }
}
