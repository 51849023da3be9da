package dev.qlens.formats.convention;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;
import dev.qlens.formats.comfy.ConvRot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * ComfyUI's quantized checkpoints: per layer a {@code <layer>.comfy_quant} uint8 tensor holding JSON
 * (or an entry of the header's {@code _quantization_metadata}), the quantized {@code <layer>.weight}
 * and its {@code <layer>.weight_scale} dequant multiplier. FP8 and INT8 scales of any layout are
 * broadcast by shape; NVFP4 stores E2M1 pairs with the first element in the high nibble, E4M3 block
 * scales (16 elements) in cuBLAS blocked layout and the per-tensor {@code weight_scale_2}; MXFP8 stores
 * FP8 with E8M0 block scales (32 elements) in blocked layout. Also the legacy {@code scaled_fp8} marker
 * with {@code <layer>.scale_weight}.
 */
final class ComfyDetector {
    private ComfyDetector() {
    }

    static void detect(Checkpoint c, Claims claims, Set<Convention> enabled) {
        Map<String, JsonObject> layers = new LinkedHashMap<>();
        Map<String, String> markerTensor = new LinkedHashMap<>();
        if (enabled.contains(Convention.COMFY)) {
            for (TensorEntry t : c.tensors()) {
                if (t.name().endsWith(".comfy_quant")) {
                    String layer = t.name().substring(0, t.name().length() - ".comfy_quant".length());
                    JsonObject cfg = parseConfig(t, claims);
                    claims.auxiliary(t.name());
                    if (cfg != null) {
                        layers.put(layer, cfg);
                        markerTensor.put(layer, t.name());
                    }
                }
            }
            String meta = c.metadata().get("_quantization_metadata");
            if (meta != null) {
                try {
                    JsonElement root = JsonParser.parseString(meta);
                    JsonElement ls = root.isJsonObject() ? root.getAsJsonObject().get("layers") : null;
                    if (ls != null && ls.isJsonObject()) {
                        for (Map.Entry<String, JsonElement> e : ls.getAsJsonObject().entrySet()) {
                            if (e.getValue().isJsonObject()) {
                                layers.putIfAbsent(e.getKey(), e.getValue().getAsJsonObject());
                            }
                        }
                    }
                } catch (JsonParseException e) {
                    claims.warnings.add("header _quantization_metadata is not valid JSON: " + e.getMessage());
                }
            }
        }
        for (Map.Entry<String, JsonObject> e : layers.entrySet()) {
            layer(c, claims, e.getKey(), e.getValue(), markerTensor.get(e.getKey()));
        }
        if (enabled.contains(Convention.SCALED_FP8) && c.tensor("scaled_fp8") != null
                && c.metadata().get("_quantization_metadata") == null) {
            claims.auxiliary("scaled_fp8");
            for (TensorEntry t : c.tensors()) {
                if (t.name().endsWith(".scale_weight")) {
                    String layer = t.name().substring(0, t.name().length() - ".scale_weight".length());
                    legacy(c, claims, layer);
                }
            }
        }
    }

    private static JsonObject parseConfig(TensorEntry t, Claims claims) {
        try {
            if (t.byteSize() > (1 << 20)) {
                claims.warnings.add(t.name() + " is too large to be a comfy_quant marker; ignored");
                return null;
            }
            String json = new String(t.readAll(), StandardCharsets.UTF_8);
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                claims.warnings.add(t.name() + " does not hold a JSON object; ignored");
                return null;
            }
            JsonObject o = e.getAsJsonObject();
            // Older converters nest group_size under "params".
            JsonElement params = o.get("params");
            if (params != null && params.isJsonObject() && params.getAsJsonObject().has("group_size") && !o.has("group_size")) {
                o.add("group_size", params.getAsJsonObject().get("group_size"));
            }
            return o;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (JsonParseException | IllegalStateException ex) {
            claims.warnings.add(t.name() + " is not valid JSON (" + ex.getMessage() + "); ignored");
            return null;
        }
    }

    private static void layer(Checkpoint c, Claims claims, String layer, JsonObject cfg, String marker) {
        String weightName = layer + ".weight";
        TensorEntry w = c.tensor(weightName);
        if (w == null || claims.taken(weightName)) {
            if (w == null) {
                claims.warnings.add("ComfyUI layer " + layer + " has a quantization config but no tensor " + weightName);
            }
            return;
        }
        String format = cfg.has("format") && cfg.get("format").isJsonPrimitive()
                ? cfg.get("format").getAsString().toLowerCase(Locale.ROOT) : "";
        List<String> sources = new ArrayList<>(List.of(weightName));
        if (marker != null) {
            sources.add(marker);
        }
        for (String aux : new String[] {".weight_scale", ".weight_scale_2", ".input_scale", ".input_scale_2"}) {
            if (c.tensor(layer + aux) != null) {
                sources.add(layer + aux);
            }
        }
        TensorEntry scale = c.tensor(layer + ".weight_scale");
        LogicalTensor t;
        if (format.startsWith("float8_e4m3fn") || format.startsWith("float8_e5m2")) {
            DType expected = format.startsWith("float8_e5m2") ? DType.F8_E5M2 : DType.F8_E4M3;
            t = scaled(w, scale, expected, Convention.COMFY, format, sources);
        } else if (format.startsWith("int8")) {
            t = scaled(w, scale, DType.I8, Convention.COMFY, format, sources);
            int group = convrotGroup(cfg);
            if (format.equals("int8_tensorwise") && flag(cfg, "convrot") && t.kind() == LogicalTensor.Kind.QUANTIZED) {
                t = rotated(t, w, group, sources);
            }
        } else if (format.equals("convrot_w4a4")) {
            t = w4a4(w, scale, convrotGroup(cfg), sources);
        } else if (format.equals("nvfp4")) {
            t = Nvfp4Support.view(w, scale, c.tensor(layer + ".weight_scale_2"), true, Convention.COMFY, sources);
        } else if (format.equals("mxfp8")) {
            t = mxfp8(w, scale, sources);
        } else {
            t = LogicalTensor.unsupported(weightName, w.shape(), w.dtype(), Convention.COMFY, format.isEmpty() ? "?" : format,
                    sources, w.origin(), "ComfyUI format '" + format + "' is not supported by qlens");
        }
        claims.claim(weightName, t);
    }

    /** A config entry, at the top level or inside the older "params" object. */
    private static JsonElement entry(JsonObject cfg, String key) {
        if (cfg.has(key)) {
            return cfg.get(key);
        }
        JsonElement params = cfg.get("params");
        return params != null && params.isJsonObject() ? params.getAsJsonObject().get(key) : null;
    }

    private static boolean flag(JsonObject cfg, String key) {
        JsonElement e = entry(cfg, key);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }

    /** {@code convrot_groupsize}, ComfyUI's default 256 when absent. */
    static int convrotGroup(JsonObject cfg) {
        JsonElement e = entry(cfg, "convrot_groupsize");
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            return e.getAsInt();
        }
        return 256;
    }

    /** An int8 view whose stored weight is ConvRot-rotated: the rotation is undone on reading. */
    private static LogicalTensor rotated(LogicalTensor t, TensorEntry w, int group, List<String> sources) {
        long[] s = w.shape();
        if (!ConvRot.validGroup(group) || s.length != 2 || s[1] % group != 0) {
            return LogicalTensor.unsupported(w.name(), s, w.dtype(), Convention.COMFY, "int8_tensorwise", sources,
                    w.origin(), "convrot_groupsize " + group + " is not a power of 4 dividing the " + (s.length == 2 ? s[1] : 0)
                            + " input columns");
        }
        return LogicalTensor.quantized(w.name(), s, w.dtype(), Convention.COMFY, "int8_tensorwise",
                t.granularity() + ", ConvRot " + group, t.blockSize(), sources, w.origin(),
                () -> new RotatedView(t.open(), group), t::scaleSummary);
    }

    /** convrot_w4a4: signed int4 pairs (low nibble first), float32 scale per row, ConvRot undone. */
    private static LogicalTensor w4a4(TensorEntry w, TensorEntry scale, int group, List<String> sources) {
        long[] s = w.shape();
        String fmt = "convrot_w4a4";
        if (s.length != 2 || !(w.dtype() == DType.I8 || w.dtype() == DType.U8) || scale == null) {
            return LogicalTensor.unsupported(w.name(), s, w.dtype(), Convention.COMFY, fmt, sources, w.origin(),
                    "convrot_w4a4 needs a 2-D int8 tensor of packed int4 pairs and a weight_scale");
        }
        long[] logical = {s[0], s[1] * 2};
        if (!ConvRot.validGroup(group) || logical[1] % group != 0) {
            return LogicalTensor.unsupported(w.name(), logical, w.dtype(), Convention.COMFY, fmt, sources, w.origin(),
                    "convrot_groupsize " + group + " is not a power of 4 dividing the " + logical[1] + " input columns");
        }
        if (scale.numel() != s[0]) {
            return LogicalTensor.unsupported(w.name(), logical, w.dtype(), Convention.COMFY, fmt, sources, w.origin(),
                    "weight_scale holds " + scale.numel() + " values; expected one per row (" + s[0] + ")");
        }
        ScaleBroadcast b = ScaleBroadcast.of(logical, new long[] {s[0], 1}, null);
        return LogicalTensor.quantized(w.name(), logical, w.dtype(), Convention.COMFY, fmt,
                "per row, int4, ConvRot " + group, 0, sources, w.origin(),
                () -> new RotatedView(new ScaledDequantView(new PackedInt4View(w), Scales.floats(scale), null, b), group),
                () -> Scales.summarize(Scales.floats(scale)));
    }

    private static void legacy(Checkpoint c, Claims claims, String layer) {
        String weightName = layer + ".weight";
        TensorEntry w = c.tensor(weightName);
        if (w == null || claims.taken(weightName)) {
            return;
        }
        List<String> sources = new ArrayList<>(List.of(weightName, layer + ".scale_weight", "scaled_fp8"));
        if (c.tensor(layer + ".scale_input") != null) {
            sources.add(layer + ".scale_input");
        }
        DType expected = w.dtype() == DType.F8_E5M2 ? DType.F8_E5M2 : DType.F8_E4M3;
        String format = expected == DType.F8_E5M2 ? "float8_e5m2" : "float8_e4m3fn";
        claims.claim(weightName, scaled(w, c.tensor(layer + ".scale_weight"), expected, Convention.SCALED_FP8, format, sources));
    }

    /** Codes times broadcast scales: the FP8 and INT8 layouts of every tool. */
    static LogicalTensor scaled(TensorEntry w, TensorEntry scale, DType expected, Convention convention, String format,
                                List<String> sources) {
        if (w.dtype() != expected) {
            return LogicalTensor.unsupported(w.name(), w.shape(), w.dtype(), convention, format, sources, w.origin(),
                    "format " + format + " needs " + expected + " data but the tensor is " + w.dtype());
        }
        if (scale == null) {
            return LogicalTensor.unsupported(w.name(), w.shape(), w.dtype(), convention, format, sources, w.origin(),
                    "no scale tensor found (expected " + sources.stream().filter(s -> s.contains("scale")).findFirst()
                            .orElse(w.name() + "_scale") + ")");
        }
        ScaleBroadcast b;
        try {
            b = ScaleBroadcast.of(w.shape(), scale.shape(), null);
        } catch (IllegalArgumentException e) {
            return LogicalTensor.unsupported(w.name(), w.shape(), w.dtype(), convention, format, sources, w.origin(),
                    e.getMessage());
        }
        return LogicalTensor.quantized(w.name(), w.shape(), w.dtype(), convention, format, b.describe(), b.blockSize(),
                sources, w.origin(),
                () -> new ScaledDequantView(new DecodedTensor(w), Scales.floats(scale), null, b),
                () -> Scales.summarize(Scales.floats(scale)));
    }

    private static LogicalTensor mxfp8(TensorEntry w, TensorEntry scale, List<String> sources) {
        long[] s = w.shape();
        if (s.length != 2 || s[1] % 32 != 0 || !(w.dtype() == DType.F8_E4M3 || w.dtype() == DType.F8_E5M2) || scale == null) {
            return LogicalTensor.unsupported(w.name(), s, w.dtype(), Convention.COMFY, "mxfp8", sources, w.origin(),
                    "mxfp8 needs 2-D FP8 data with a multiple of 32 columns and a weight_scale");
        }
        int rows = (int) s[0];
        int cols = (int) (s[1] / 32);
        long plain = (long) rows * cols;
        long blocked = BlockedScaleLayout.paddedRows(rows) * BlockedScaleLayout.paddedCols(cols);
        long n = scale.numel();
        if (n != blocked && n != plain) {
            return LogicalTensor.unsupported(w.name(), s, w.dtype(), Convention.COMFY, "mxfp8", sources, w.origin(),
                    "weight_scale holds " + n + " E8M0 values; expected " + blocked + " (blocked) or " + plain);
        }
        ScaleBroadcast b = ScaleBroadcast.of(s, new long[] {rows, cols}, null);
        LogicalTensor.Opener open = () -> new ScaledDequantView(new DecodedTensor(w), e8m0(scale, rows, cols, n == blocked), null, b);
        return LogicalTensor.quantized(w.name(), s, w.dtype(), Convention.COMFY, "mxfp8", b.describe()
                        + (n == blocked ? ", blocked scale layout" : ""), 32, sources, w.origin(), open,
                () -> Scales.summarize(e8m0(scale, rows, cols, n == blocked)));
    }

    private static float[] e8m0(TensorEntry scale, int rows, int cols, boolean blocked) throws IOException {
        byte[] raw = Scales.bytes(scale);
        byte[] plain = blocked ? BlockedScaleLayout.unswizzle(raw, rows, cols) : raw;
        float[] out = new float[plain.length];
        for (int i = 0; i < plain.length; i++) {
            out[i] = FloatFormat.E8M0.decode(plain[i] & 0xFF);
        }
        return out;
    }

    static String shape(long[] s) {
        return Shapes.toString(s);
    }
}
