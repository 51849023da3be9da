package dev.qlens.cli.jobs.check;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.TensorEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ComfyUI layer configurations of a checkpoint, from both places ComfyUI reads them: the
 * {@code <layer>.comfy_quant} tensors and the header's {@code _quantization_metadata}. Checks that each
 * is valid JSON and that the two agree (ComfyUI lets the header win); the effective configuration of
 * each layer is the header's when there is one.
 */
final class ComfyLayerConfigs {
    final Map<String, JsonObject> effective = new LinkedHashMap<>();
    final Map<String, String> markerTensor = new LinkedHashMap<>();

    static ComfyLayerConfigs read(Checkpoint c, List<Finding> out) throws IOException {
        ComfyLayerConfigs r = new ComfyLayerConfigs();
        Map<String, JsonObject> fromTensors = new LinkedHashMap<>();
        for (TensorEntry t : c.tensors()) {
            if (!t.name().endsWith(".comfy_quant")) {
                continue;
            }
            String layer = t.name().substring(0, t.name().length() - ".comfy_quant".length());
            r.markerTensor.put(layer, t.name());
            if (t.dtype().bits() != 8 || t.shape().length != 1) {
                out.add(Finding.error(layer, "comfy-quant-dtype", t.name() + " is " + t.dtype() + " "
                        + java.util.Arrays.toString(t.shape()) + "; ComfyUI expects a 1-D uint8 tensor of UTF-8 JSON"));
            }
            if (t.byteSize() > (1 << 20)) {
                out.add(Finding.error(layer, "comfy-quant-json", t.name() + " holds " + t.byteSize()
                        + " bytes, far too many for a layer configuration"));
                continue;
            }
            JsonObject o = parseObject(new String(t.readAll(), StandardCharsets.UTF_8), layer, t.name(), out);
            if (o != null) {
                fromTensors.put(layer, o);
            }
        }
        Map<String, JsonObject> fromHeader = new LinkedHashMap<>();
        String meta = c.metadata().get("_quantization_metadata");
        if (meta != null) {
            JsonObject root = parseObject(meta, "-", "header _quantization_metadata", out);
            if (root != null) {
                JsonElement layers = root.get("layers");
                if (layers == null || !layers.isJsonObject()) {
                    out.add(Finding.error("-", "header-json", "header _quantization_metadata has no \"layers\" object"));
                } else {
                    for (Map.Entry<String, JsonElement> e : layers.getAsJsonObject().entrySet()) {
                        if (e.getValue().isJsonObject()) {
                            fromHeader.put(e.getKey(), e.getValue().getAsJsonObject());
                        } else {
                            out.add(Finding.error(e.getKey(), "header-json", "header entry for " + e.getKey()
                                    + " is not a JSON object"));
                        }
                    }
                }
                JsonElement version = root.get("format_version");
                if (version == null) {
                    out.add(Finding.warning("-", "header-version", "header _quantization_metadata has no"
                            + " format_version (ComfyUI ignores it; its QUANTIZATION.md documents \"1.0\")"));
                }
            }
        }
        r.effective.putAll(fromTensors);
        for (Map.Entry<String, JsonObject> e : fromHeader.entrySet()) {
            JsonObject tensor = fromTensors.get(e.getKey());
            if (tensor != null && !tensor.equals(e.getValue())) {
                out.add(Finding.error(e.getKey(), "header-mismatch", "the .comfy_quant tensor says " + tensor
                        + " but the header says " + e.getValue() + "; ComfyUI uses the header's"));
            }
            r.effective.put(e.getKey(), e.getValue());
        }
        return r;
    }

    private static JsonObject parseObject(String json, String layer, String where, List<Finding> out) {
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                out.add(Finding.error(layer, where.startsWith("header") ? "header-json" : "comfy-quant-json",
                        where + " is not a JSON object"));
                return null;
            }
            return e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException ex) {
            String msg = ex.getMessage() == null ? "" : ex.getMessage().split("\n")[0];
            out.add(Finding.error(layer, where.startsWith("header") ? "header-json" : "comfy-quant-json",
                    where + " is not valid JSON (" + msg + "); ComfyUI fails to load it"));
            return null;
        }
    }

    /** A string entry at the top level or inside the older "params" object, or null. */
    static JsonElement entry(JsonObject cfg, String key) {
        if (cfg.has(key)) {
            return cfg.get(key);
        }
        JsonElement p = cfg.get("params");
        return p != null && p.isJsonObject() ? p.getAsJsonObject().get(key) : null;
    }
}
