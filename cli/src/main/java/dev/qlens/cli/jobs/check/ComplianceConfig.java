package dev.qlens.cli.jobs.check;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qlens.core.QlensException;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.QuantFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which catalog format each tensor must comply with, in the spirit of QBench's compliance config: a
 * JSON object {@code {"default": "fp8_e4m3", "tensors": {"regex": "format" or null}}}. The first
 * pattern (in file order) found in a tensor name decides; null skips the tensor. Without a default,
 * tensors no pattern matches are not checked. With only {@code --format}, every floating-point tensor
 * of two or more dimensions (weights) is checked, or those {@code --only} selects.
 */
final class ComplianceConfig {
    private record Rule(Pattern pattern, QuantFormat format) {
    }

    private final List<Rule> rules;
    private final QuantFormat fallback;
    private final boolean weightsOnly;

    private ComplianceConfig(List<Rule> rules, QuantFormat fallback, boolean weightsOnly) {
        this.rules = rules;
        this.fallback = fallback;
        this.weightsOnly = weightsOnly;
    }

    static ComplianceConfig of(CheckOptions o) throws IOException {
        if (o.config() == null) {
            QuantFormat f = parse(o.format(), "--format");
            List<Rule> rules = new ArrayList<>();
            if (o.only() != null) {
                rules.add(new Rule(o.only(), f));
                return new ComplianceConfig(rules, null, false);
            }
            return new ComplianceConfig(rules, f, true);
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(o.config(), StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new QlensException(o.config() + ": not valid JSON (" + String.valueOf(e.getMessage()).split("\n")[0] + ")");
        }
        if (!root.isJsonObject()) {
            throw new QlensException(o.config() + ": expected {\"default\": FORMAT, \"tensors\": {REGEX: FORMAT}}");
        }
        JsonObject obj = root.getAsJsonObject();
        QuantFormat def = obj.has("default") && !obj.get("default").isJsonNull()
                ? parse(obj.get("default").getAsString(), o.config() + " default")
                : o.format() == null ? null : parse(o.format(), "--format");
        List<Rule> rules = new ArrayList<>();
        if (obj.has("tensors")) {
            for (Map.Entry<String, JsonElement> e : obj.getAsJsonObject("tensors").entrySet()) {
                Pattern p;
                try {
                    p = Pattern.compile(e.getKey());
                } catch (java.util.regex.PatternSyntaxException ex) {
                    throw new QlensException(o.config() + ": '" + e.getKey() + "' is not a valid regular expression");
                }
                rules.add(new Rule(p, e.getValue().isJsonNull() ? null
                        : parse(e.getValue().getAsString(), o.config() + " entry '" + e.getKey() + "'")));
            }
        }
        return new ComplianceConfig(rules, def, false);
    }

    private static QuantFormat parse(String name, String where) {
        try {
            return FormatCatalog.parse(name);
        } catch (IllegalArgumentException e) {
            throw new QlensException(where + ": " + e.getMessage());
        }
    }

    /** The format a tensor must comply with, or null when it is not checked. */
    QuantFormat formatFor(String name, long[] shape) {
        for (Rule r : rules) {
            if (r.pattern.matcher(name).find()) {
                return r.format;
            }
        }
        if (weightsOnly && shape.length < 2) {
            return null;
        }
        return fallback;
    }
}
