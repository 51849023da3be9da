package dev.qlens.formats.convention;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The quantized-checkpoint conventions qlens understands (see {@code docs/conventions.md}). */
public enum Convention {
    /** ComfyUI: {@code <layer>.comfy_quant} JSON (or the header's {@code _quantization_metadata}) plus {@code weight_scale}. */
    COMFY("comfy"),
    /** The legacy {@code scaled_fp8} marker tensor with {@code <layer>.scale_weight}. */
    SCALED_FP8("scaled_fp8"),
    /** DeepSeek-style {@code <name>_scale_inv} block scales. */
    DEEPSEEK("deepseek"),
    /** ONNX Runtime {@code X_quantized}, {@code X_scale}, {@code X_zero_point}. */
    ONNXRUNTIME("onnxruntime"),
    /** ModelOpt / generic {@code weight_scale} (and NVFP4's {@code weight_scale_2}) without ComfyUI markers. */
    MODELOPT("modelopt");

    private final String cliName;

    Convention(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in reports. */
    public String cliName() {
        return cliName;
    }

    /**
     * Parses a comma-separated selection: {@code auto} (all), {@code none}, or names of conventions.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Set<Convention> parseSelection(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto") || t.equals("all")) {
            return EnumSet.allOf(Convention.class);
        }
        if (t.equals("none")) {
            return EnumSet.noneOf(Convention.class);
        }
        EnumSet<Convention> out = EnumSet.noneOf(Convention.class);
        for (String part : t.split(",")) {
            String p = part.trim().replace('-', '_');
            Convention found = null;
            for (Convention c : values()) {
                if (c.cliName.equals(p) || (p.equals("ort") && c == ONNXRUNTIME) || (p.equals("comfyui") && c == COMFY)) {
                    found = c;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown convention '" + part + "': expected auto, none, comfy,"
                        + " scaled_fp8, deepseek, onnxruntime (ort) or modelopt");
            }
            out.add(found);
        }
        return out;
    }
}
