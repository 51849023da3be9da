package dev.qlens.formats.comfy;

import java.util.Locale;

/**
 * The quantized weight formats qlens writes for ComfyUI: the ones mainline ComfyUI loads (its
 * {@code QUANT_ALGOS} table, with comfy-kitchen's layouts), the formats of the convert_to_quant seed
 * tool that only its custom node (ComfyUI-QuantOps) loads, and the legacy {@code scaled_fp8} layout.
 */
public enum ComfyFormat {
    /** FP8 E4M3 codes with one float32 scale per tensor. */
    FLOAT8_E4M3FN("float8_e4m3fn", true, "2025-10-28 (PR #10498)", true,
            "FP8 E4M3 weights, one float32 scale per tensor"),
    /** FP8 E5M2 codes with one float32 scale per tensor. */
    FLOAT8_E5M2("float8_e5m2", true, "2025-10-28 (PR #10498)", true,
            "FP8 E5M2 weights, one float32 scale per tensor"),
    /** NVFP4: E2M1 pairs (even element in the high nibble), blocked E4M3 scales per 16, float32 global scale. */
    NVFP4("nvfp4", true, "2026-01-05 (PR #11635)", false,
            "NVFP4: E2M1 codes, E4M3 scale per 16 elements (blocked layout), float32 per-tensor scale"),
    /** MXFP8: FP8 E4M3 codes, blocked E8M0 scales per 32 elements. */
    MXFP8("mxfp8", true, "2026-03-15 (PR #12907; needs comfy-kitchen with MXFP8)", false,
            "MXFP8: FP8 E4M3 codes, E8M0 scale per 32 elements (blocked layout)"),
    /** INT8 with a float32 scale per tensor or per row, optionally ConvRot-rotated. */
    INT8_TENSORWISE("int8_tensorwise", true, "2026-06-25 (PR #14636)", true,
            "INT8 weights, float32 scale per tensor or per row ([out, 1]), optional ConvRot"),
    /** ConvRot W4A4: rotated signed int4 pairs (even column in the low nibble), float32 scale per row. */
    CONVROT_W4A4("convrot_w4a4", true, "2026-07-09 (PR #14859)", false,
            "ConvRot W4A4: Hadamard-rotated signed int4 (two per byte), float32 scale per row"),
    /** The seed tool's FP8 with one scale per row (custom node only). */
    FLOAT8_E4M3FN_ROWWISE("float8_e4m3fn_rowwise", false, null, false,
            "FP8 E4M3, float32 scale per row [out] (convert_to_quant's custom node only)"),
    /** The seed tool's FP8 with one scale per 2-D block (custom node only). */
    FLOAT8_E4M3FN_BLOCKWISE("float8_e4m3fn_blockwise", false, null, false,
            "FP8 E4M3, float32 scale per group_size x group_size block (convert_to_quant's custom node only)"),
    /** The seed tool's INT8 with one scale per 2-D block (custom node only). */
    INT8_BLOCKWISE("int8_blockwise", false, null, false,
            "INT8 in [-127, 127], float32 scale per group_size x group_size block (convert_to_quant's custom node only)"),
    /** The legacy layout: {@code scale_weight} per layer and a {@code scaled_fp8} marker tensor. */
    SCALED_FP8("scaled_fp8", true, "2025-12-05 (PR #11000)", false,
            "legacy scaled FP8: E4M3 weights, scale_weight per layer, scaled_fp8 marker tensor");

    private final String cliName;
    private final boolean mainline;
    private final String since;
    private final boolean embeddings;
    private final String description;

    ComfyFormat(String cliName, boolean mainline, String since, boolean embeddings, String description) {
        this.cliName = cliName;
        this.mainline = mainline;
        this.since = since;
        this.embeddings = embeddings;
        this.description = description;
    }

    /** The {@code format} string of the {@code .comfy_quant} JSON (and the command-line name). */
    public String cliName() {
        return cliName;
    }

    /** Whether mainline ComfyUI loads the format (false: only the seed tool's custom node does). */
    public boolean mainline() {
        return mainline;
    }

    /** When mainline ComfyUI started loading it (date and pull request), or null for custom-node formats. */
    public String since() {
        return since;
    }

    /** Whether ComfyUI's quantized Embedding accepts the format (FP8 and INT8 per tensor or row only). */
    public boolean embeddings() {
        return embeddings;
    }

    /** One line describing the layout. */
    public String description() {
        return description;
    }

    /**
     * Parses a format name.
     *
     * @throws IllegalArgumentException listing the accepted names
     */
    public static ComfyFormat parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (ComfyFormat f : values()) {
            if (f.cliName.equals(t)) {
                return f;
            }
        }
        if (t.equals("fp8") || t.equals("float8_e4m3")) {
            return FLOAT8_E4M3FN;
        }
        if (t.equals("int8")) {
            return INT8_TENSORWISE;
        }
        StringBuilder sb = new StringBuilder();
        for (ComfyFormat f : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(f.cliName);
        }
        throw new IllegalArgumentException("unknown ComfyUI format '" + text + "'; expected one of " + sb);
    }
}
