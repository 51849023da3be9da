package dev.qlens.formats.comfy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which ComfyUI loads each {@code .comfy_quant} {@code format} string: mainline ComfyUI's
 * {@code QUANT_ALGOS} (with the date and pull request that added it), the seed tool's custom node, or
 * nothing (mainline raises KeyError). From {@code shared/docs/comfyui-formats.md} sections 2, 8 and 9.
 */
public final class ComfyLoaders {
    /**
     * @param mainline loaded by mainline ComfyUI
     * @param since first mainline version or date and pull request, or the custom node that loads it
     * @param writable qlens writes and fully checks it
     */
    public record Loader(String format, boolean mainline, String since, boolean writable) {
    }

    private static final Map<String, Loader> KNOWN = new LinkedHashMap<>();

    static {
        for (ComfyFormat f : ComfyFormat.values()) {
            if (f != ComfyFormat.SCALED_FP8) {
                KNOWN.put(f.cliName(), new Loader(f.cliName(), f.mainline(),
                        f.mainline() ? f.since() : "the seed tool's ComfyUI-QuantOps custom node", true));
            }
        }
        KNOWN.put("asym_w4a8_int8", new Loader("asym_w4a8_int8", true, "v0.31.0 (2026-08-08, PR #15308)", false));
        KNOWN.put("awq_w4a16", new Loader("awq_w4a16", true, "August 2026 (load only)", false));
        KNOWN.put("hybrid_mxfp8", new Loader("hybrid_mxfp8", false, "the seed tool's ComfyUI-QuantOps custom node", false));
        KNOWN.put("float8_e4m3fn_block3d", new Loader("float8_e4m3fn_block3d", false,
                "older releases of the seed tool's custom node", false));
        KNOWN.put("svdquant_w4a4", new Loader("svdquant_w4a4", false, "a ComfyUI fork and nunchaku's own nodes", false));
    }

    private ComfyLoaders() {
    }

    /** The loader of a format string, or null when no ComfyUI is known to load it. */
    public static Loader of(String format) {
        return format == null ? null : KNOWN.get(format.toLowerCase(Locale.ROOT));
    }
}
