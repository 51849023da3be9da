package dev.qlens.cli.jobs.quantize;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed tool's per-model layer lists, kept as data in {@code quantize-presets.json}: names that
 * are always kept in original precision, and per preset the names to keep and (T5-XXL) to remove from
 * the output. A list entry matches every tensor name that contains it.
 */
public final class Presets {
    /** One preset. */
    public record Preset(String name, String category, String description, List<String> keep, List<String> remove) {
    }

    private static Presets instance;

    private final List<String> always;
    private final Map<String, Preset> presets;

    private Presets(List<String> always, Map<String, Preset> presets) {
        this.always = always;
        this.presets = presets;
    }

    /** The built-in presets. */
    public static synchronized Presets builtIn() {
        if (instance == null) {
            try (InputStream in = Presets.class.getResourceAsStream("/dev/qlens/cli/quantize-presets.json")) {
                if (in == null) {
                    throw new IllegalStateException("quantize-presets.json is missing from the qlens jar");
                }
                JsonObject root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
                Map<String, Preset> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("presets").entrySet()) {
                    JsonObject p = e.getValue().getAsJsonObject();
                    map.put(e.getKey(), new Preset(e.getKey(), p.get("category").getAsString(),
                            p.get("description").getAsString(), strings(p.getAsJsonArray("keep")),
                            p.has("remove") ? strings(p.getAsJsonArray("remove")) : List.of()));
                }
                instance = new Presets(strings(root.getAsJsonArray("always")), map);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            a.forEach(e -> out.add(e.getAsString()));
        }
        return List.copyOf(out);
    }

    /** Names kept whatever the preset (norms, biases, embeddings of text models, ...). */
    public List<String> always() {
        return always;
    }

    /** Every preset by name, in the file's order. */
    public Map<String, Preset> all() {
        return presets;
    }

    /**
     * A preset by name.
     *
     * @throws IllegalArgumentException listing the presets
     */
    public Preset get(String name) {
        Preset p = presets.get(name.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_'));
        if (p == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "'; known presets: " + String.join(", ", presets.keySet()));
        }
        return p;
    }
}
