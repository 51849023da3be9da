package dev.qlens.cli.jobs.plot;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qlens.core.QlensException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a JSON report written by a qlens command and tells which command wrote it. */
public final class ReportFile {
    /** The report kinds that have pictures. */
    public enum Kind {
        COMPARE, SWEEP, SVD, QUANTIZE, EVAL
    }

    private ReportFile() {
    }

    /** Reads a report and checks that it is of the expected kind. */
    public static JsonObject read(Path file, Kind expected) throws IOException {
        JsonObject o = parse(file);
        Kind k = kindOf(o);
        if (k != expected) {
            throw new QlensException(file + ": this is not a " + name(expected) + " report"
                    + (k == null ? "" : "; it is a " + name(k) + " report: use qlens plot " + name(k)));
        }
        return o;
    }

    /** Parses a JSON object from a file, with errors that name the file. */
    static JsonObject parse(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new QlensException(file + ": no such file");
        }
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw new QlensException(file + ": expected a JSON object written by qlens");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new QlensException(file + ": not valid JSON (" + e.getMessage() + ")");
        }
    }

    /** The kind of a report, by the fields only that command writes; null when none fits. */
    public static Kind kindOf(JsonObject o) {
        if (o.has("aggregate") && o.has("layers")) {
            return Kind.COMPARE;
        }
        if (o.has("tensors") && o.has("formats") && o.has("summary")) {
            return Kind.SWEEP;
        }
        if (o.has("singular_values")) {
            return Kind.SVD;
        }
        if (o.has("schemes") && o.has("model") && o.has("texts")) {
            return Kind.EVAL;
        }
        if (o.has("layers") && o.has("method") && o.has("totals")) {
            return Kind.QUANTIZE;
        }
        return null;
    }

    private static String name(Kind k) {
        return k.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A number field ("inf", "-inf" and "nan" as qlens writes them), NaN when missing or null. */
    static double num(JsonObject o, String field) {
        JsonElement e = o == null ? null : o.get(field);
        if (e == null || e.isJsonNull() || !e.isJsonPrimitive()) {
            return Double.NaN;
        }
        if (e.getAsJsonPrimitive().isNumber()) {
            return e.getAsDouble();
        }
        switch (e.getAsString()) {
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.NaN;
        }
    }

    /** A string field, or {@code fallback} when missing or null. */
    static String str(JsonObject o, String field, String fallback) {
        JsonElement e = o == null ? null : o.get(field);
        return e == null || e.isJsonNull() ? fallback : e.getAsString();
    }
}
