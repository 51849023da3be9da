package dev.qlens.cli.jobs.sweep;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qlens.core.QlensException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A compression configuration in the seed tool's JSON schema: {@code algorithm} (none, transpose,
 * mixed-tile-greedy or mixed-tile, mixed-tile-random, mixed-tile-threshold), {@code
 * quantization_formats}, {@code params}, and {@code seed} (an integer, or "random" to draw one, also
 * {@code random_seed: true}). The seed, wherever it came from, ends up in {@link #seed()}.
 *
 * @param algorithm canonical algorithm name
 * @param formats the configured format names, lower-cased (empty when not given)
 * @param params the parameters (without the seed)
 * @param seed the seed the randomised algorithms use
 * @param seedSource config, random, params or default
 */
public record CompressionConfig(String algorithm, List<String> formats, Map<String, JsonElement> params, long seed,
                                String seedSource) {
    /** Every algorithm name accepted. */
    public static final Set<String> ALGORITHMS = Set.of("none", "transpose", "mixed-tile-greedy", "mixed-tile",
            "mixed-tile-random", "mixed-tile-threshold");

    /** The baseline: no compression algorithm. */
    public static CompressionConfig none() {
        return new CompressionConfig("none", List.of(), Map.of(), 0, "default");
    }

    /** Whether this is a mixed-tile algorithm. */
    public boolean mixedTile() {
        return algorithm.startsWith("mixed-tile");
    }

    /**
     * Reads a configuration file.
     *
     * @throws QlensException naming the file and the problem
     */
    public static CompressionConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new QlensException(file + ": no such compression config");
        } catch (IOException e) {
            throw new QlensException(file + ": cannot read (" + e.getMessage() + ")");
        }
        JsonObject o;
        try {
            JsonElement root = JsonParser.parseString(text);
            if (!root.isJsonObject()) {
                throw new QlensException(file + ": a compression config must be a JSON object");
            }
            o = root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new QlensException(file + ": invalid JSON (" + e.getMessage() + ")");
        }
        return parse(o, file.toString());
    }

    /** Parses a configuration object; {@code where} names it in errors. */
    public static CompressionConfig parse(JsonObject o, String where) {
        String algorithm = o.has("algorithm") ? o.get("algorithm").getAsString().trim().toLowerCase(Locale.ROOT) : "none";
        if (!ALGORITHMS.contains(algorithm)) {
            throw new QlensException(where + ": unknown algorithm '" + algorithm + "'; expected one of none, transpose,"
                    + " mixed-tile-greedy, mixed-tile-random, mixed-tile-threshold");
        }
        if (algorithm.equals("mixed-tile")) {
            algorithm = "mixed-tile-greedy";
        }
        List<String> formats = new ArrayList<>();
        if (o.has("quantization_formats")) {
            JsonElement f = o.get("quantization_formats");
            if (f.isJsonArray()) {
                f.getAsJsonArray().forEach(e -> formats.add(e.getAsString().trim().toLowerCase(Locale.ROOT)));
            } else {
                for (String s : f.getAsString().split(",")) {
                    formats.add(s.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        Map<String, JsonElement> params = new LinkedHashMap<>();
        if (o.has("params")) {
            if (!o.get("params").isJsonObject()) {
                throw new QlensException(where + ": params must be a JSON object");
            }
            o.getAsJsonObject("params").entrySet().forEach(e -> params.put(e.getKey(), e.getValue()));
        }
        long seed = 0;
        String source = "default";
        boolean random = o.has("random_seed") && o.get("random_seed").isJsonPrimitive()
                && o.get("random_seed").getAsJsonPrimitive().isBoolean() && o.get("random_seed").getAsBoolean();
        if (o.has("seed") && !o.get("seed").isJsonNull()) {
            String s = o.get("seed").getAsString().trim();
            if (s.equalsIgnoreCase("random")) {
                random = true;
            } else {
                seed = parseSeed(s, where);
                source = "config";
            }
        } else if (params.containsKey("seed")) {
            seed = parseSeed(params.get("seed").getAsString(), where);
            source = "params";
        }
        if (random) {
            seed = new SecureRandom().nextInt() & 0x7FFFFFFF;
            source = "random";
        }
        params.remove("seed");
        return new CompressionConfig(algorithm, List.copyOf(formats), params, seed, source);
    }

    private static long parseSeed(String s, String where) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new QlensException(where + ": seed must be an integer or \"random\", not '" + s + "'");
        }
    }

    /** A string parameter, or the default. */
    public String param(String name, String dflt) {
        JsonElement e = params.get(name);
        return e == null || e.isJsonNull() ? dflt : e.getAsString().trim();
    }

    /** A list parameter given as a JSON array or a comma-separated string, or null when absent. */
    public List<String> paramList(String name) {
        JsonElement e = params.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(v -> out.add(v.getAsString().trim().toLowerCase(Locale.ROOT)));
        } else {
            for (String s : e.getAsString().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    /** A number parameter, or the default. */
    public double param(String name, double dflt) {
        JsonElement e = params.get(name);
        return e == null || e.isJsonNull() ? dflt : e.getAsDouble();
    }

    /** The configuration as it was used: {algorithm, quantization_formats, params, seed, seed_source}. */
    public JsonObject used(List<String> formatsUsed) {
        JsonObject o = new JsonObject();
        o.addProperty("algorithm", algorithm);
        com.google.gson.JsonArray f = new com.google.gson.JsonArray();
        formatsUsed.forEach(f::add);
        o.add("quantization_formats", f);
        JsonObject p = new JsonObject();
        params.forEach(p::add);
        o.add("params", p);
        o.addProperty("seed", seed);
        o.addProperty("seed_source", seedSource);
        return o;
    }
}
