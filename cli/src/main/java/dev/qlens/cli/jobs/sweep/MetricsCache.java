package dev.qlens.cli.jobs.sweep;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qlens.cli.util.Json;
import dev.qlens.core.io.AtomicOutput;
import dev.qlens.core.kernel.ErrorSums;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sweep cache: the exact error sums of a (tensor content, compression, format) triple, so a
 * repeated sweep skips the fake quantization and reports identical numbers. Entries live in
 * {@code <dir>/<content hash>/<compression>--<format>.json}; a damaged entry is recomputed.
 */
final class MetricsCache {
    /** Bumped whenever the meaning of the cached sums changes. */
    private static final String VERSION = "1";

    private final Path dir;

    MetricsCache(Path dir) {
        this.dir = dir;
    }

    private Path file(String hash, String compression, String format) {
        String safe = (compression + "--" + format).replaceAll("[^A-Za-z0-9._-]", "_");
        return dir.resolve(hash).resolve(safe + ".json");
    }

    /** The cached sums, or null. */
    ErrorSums get(String hash, String compression, String format) {
        Path f = file(hash, compression, format);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            JsonObject o = JsonParser.parseString(Files.readString(f)).getAsJsonObject();
            if (!VERSION.equals(o.get("version").getAsString()) || !format.equals(o.get("format").getAsString())) {
                return null;
            }
            ErrorSums e = new ErrorSums();
            e.count = o.get("count").getAsLong();
            e.nonFinite = o.get("non_finite").getAsLong();
            e.sumAbsError = bits(o, "sum_abs_error");
            e.sumSquaredError = bits(o, "sum_squared_error");
            e.sumX = bits(o, "sum_x");
            e.sumY = bits(o, "sum_y");
            e.sumXX = bits(o, "sum_xx");
            e.sumYY = bits(o, "sum_yy");
            e.sumXY = bits(o, "sum_xy");
            e.sumAbsX = bits(o, "sum_abs_x");
            e.maxAbsError = bits(o, "max_abs_error");
            e.minAbsError = bits(o, "min_abs_error");
            return e;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Stores sums (best effort: a cache that cannot be written is only slower). */
    void put(String hash, String compression, String format, ErrorSums e) {
        JsonObject o = new JsonObject();
        o.addProperty("version", VERSION);
        o.addProperty("format", format);
        o.addProperty("compression", compression);
        o.addProperty("count", e.count);
        o.addProperty("non_finite", e.nonFinite);
        put(o, "sum_abs_error", e.sumAbsError);
        put(o, "sum_squared_error", e.sumSquaredError);
        put(o, "sum_x", e.sumX);
        put(o, "sum_y", e.sumY);
        put(o, "sum_xx", e.sumXX);
        put(o, "sum_yy", e.sumYY);
        put(o, "sum_xy", e.sumXY);
        put(o, "sum_abs_x", e.sumAbsX);
        put(o, "max_abs_error", e.maxAbsError);
        put(o, "min_abs_error", e.minAbsError);
        try {
            AtomicOutput.writeBytes(file(hash, compression, format),
                    (Json.GSON.toJson(o) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // The cache is an optimisation.
        }
    }

    /** Doubles are stored as their exact bit patterns (hex) so cached results are bit-identical. */
    private static void put(JsonObject o, String key, double v) {
        o.addProperty(key, Long.toHexString(Double.doubleToRawLongBits(v)));
    }

    private static double bits(JsonObject o, String key) {
        try {
            return Double.longBitsToDouble(Long.parseUnsignedLong(o.get(key).getAsString(), 16));
        } catch (NumberFormatException | NullPointerException e) {
            throw new JsonParseException("bad cache value " + key);
        }
    }
}
