package dev.qlens.cli.jobs.quantize;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qlens.core.QlensException;
import dev.qlens.formats.comfy.CodecSpec;
import dev.qlens.formats.comfy.ComfyFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code --layer-config} file in the seed tool's shape: a JSON object whose keys are regular
 * expressions searched in the layer name (the weight name without {@code .weight}; whole-name matches
 * with {@code --fullmatch}) and whose values hold the settings: {@code format}, or {@code skip: true};
 * optional {@code scaling_mode}, {@code convrot}, {@code convrot_groupsize}, {@code group_size} (or
 * {@code block_size}) and {@code full_precision_matrix_mult}. {@code _default} applies to layers no
 * pattern matches; other keys starting with {@code _} are ignored. When several patterns match, the
 * seed's specificity rule picks one: patterns with a digit and at least 8 literal characters first,
 * then the one with the most literal characters.
 */
public final class LayerConfigFile {
    private static final Set<String> KNOWN = Set.of("format", "skip", "scaling_mode", "convrot", "convrot_groupsize",
            "group_size", "block_size", "full_precision_matrix_mult", "_shape");

    /** Settings of one entry: skip, or a format with options. */
    public record Settings(String pattern, boolean skip, CodecSpec spec, Boolean fullPrecisionMm) {
    }

    private record Entry(String pattern, Pattern regex, Settings settings, int tier, int literal) {
    }

    private final List<Entry> entries;
    private final Settings fallbackDefault;
    private final boolean fullMatch;
    private final List<String> warnings;

    private LayerConfigFile(List<Entry> entries, Settings fallbackDefault, boolean fullMatch, List<String> warnings) {
        this.entries = entries;
        this.fallbackDefault = fallbackDefault;
        this.fullMatch = fullMatch;
        this.warnings = warnings;
    }

    /**
     * Reads a layer config.
     *
     * @param defaults the command line's format and options, which entries override
     * @throws QlensException naming the file and the entry that is wrong
     */
    public static LayerConfigFile read(Path file, CodecSpec defaults, boolean fullMatch) throws IOException {
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new QlensException(file + ": not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (!root.isJsonObject()) {
            throw new QlensException(file + ": a layer config must be a JSON object of pattern -> settings");
        }
        List<Entry> entries = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Settings def = null;
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject().entrySet()) {
            String key = e.getKey();
            if (key.startsWith("_") && !key.equals("_default")) {
                continue;
            }
            if (!e.getValue().isJsonObject()) {
                throw new QlensException(file + ": entry '" + key + "' must be an object of settings");
            }
            Settings s = settings(file, key, e.getValue().getAsJsonObject(), defaults, warnings);
            if (key.equals("_default")) {
                def = s;
                continue;
            }
            Pattern p;
            try {
                p = Pattern.compile(key);
            } catch (PatternSyntaxException ex) {
                throw new QlensException(file + ": entry '" + key + "' is not a valid regular expression: "
                        + firstLine(ex.getMessage()));
            }
            String literal = key.replaceAll("\\\\.|\\[.*?\\]|\\(.*?\\)|[.*+?^${}|\\\\]", "");
            boolean hasNumber = key.matches("(?s).*(\\d|\\\\d).*");
            entries.add(new Entry(key, p, s, hasNumber && literal.length() >= 8 ? 0 : 1, literal.length()));
        }
        return new LayerConfigFile(entries, def, fullMatch, warnings);
    }

    private static Settings settings(Path file, String key, JsonObject o, CodecSpec d, List<String> warnings) {
        for (String k : o.keySet()) {
            if (!KNOWN.contains(k)) {
                warnings.add(file + ": entry '" + key + "': setting '" + k + "' is not used by qlens");
            }
        }
        Boolean fpmm = o.has("full_precision_matrix_mult") ? o.get("full_precision_matrix_mult").getAsBoolean() : null;
        if (o.has("skip") && o.get("skip").getAsBoolean()) {
            return new Settings(key, true, null, fpmm);
        }
        try {
            ComfyFormat f = o.has("format") ? ComfyFormat.parse(o.get("format").getAsString()) : d.format();
            boolean perRow = o.has("scaling_mode") ? parseMode(o.get("scaling_mode").getAsString())
                    : f == d.format() && d.perRow();
            int convrot = f == d.format() ? d.convrot() : 0;
            if (o.has("convrot")) {
                JsonElement c = o.get("convrot");
                convrot = c.getAsJsonPrimitive().isBoolean() ? (c.getAsBoolean() ? CodecSpec.DEFAULT_CONVROT : 0) : c.getAsInt();
            }
            if (o.has("convrot_groupsize") && convrot != 0) {
                convrot = o.get("convrot_groupsize").getAsInt();
            }
            if (f == ComfyFormat.CONVROT_W4A4 && convrot == 0) {
                convrot = o.has("convrot_groupsize") ? o.get("convrot_groupsize").getAsInt() : CodecSpec.DEFAULT_CONVROT;
            }
            if (f == ComfyFormat.INT8_TENSORWISE && convrot != 0 && !o.has("scaling_mode")) {
                perRow = true;
            }
            int group = o.has("group_size") ? o.get("group_size").getAsInt()
                    : o.has("block_size") ? o.get("block_size").getAsInt() : d.groupSize();
            return new Settings(key, false, new CodecSpec(f, perRow && f == ComfyFormat.INT8_TENSORWISE, convrot, group), fpmm);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new QlensException(file + ": entry '" + key + "': " + e.getMessage());
        }
    }

    private static boolean parseMode(String mode) {
        switch (mode.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "row":
                return true;
            case "tensor":
                return false;
            default:
                throw new IllegalArgumentException("scaling_mode '" + mode + "' is not tensor or row");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The settings for a weight, or null when no entry (nor {@code _default}) applies. */
    public Settings settingsFor(String weightName) {
        String base = weightName.endsWith(".weight") ? weightName.substring(0, weightName.length() - 7) : weightName;
        Entry best = null;
        for (Entry e : entries) {
            boolean hit = fullMatch ? e.regex.matcher(base).matches() : e.regex.matcher(base).find();
            if (hit && (best == null || e.tier < best.tier || (e.tier == best.tier && e.literal > best.literal))) {
                best = e;
            }
        }
        return best != null ? best.settings : fallbackDefault;
    }

    /** Settings the file holds that qlens ignores. */
    public List<String> warnings() {
        return warnings;
    }

    /** The patterns, for reports. */
    public Map<String, Settings> entries() {
        Map<String, Settings> m = new LinkedHashMap<>();
        entries.forEach(e -> m.put(e.pattern, e.settings));
        return m;
    }
}
