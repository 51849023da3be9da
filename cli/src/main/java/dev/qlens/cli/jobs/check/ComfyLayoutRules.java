package dev.qlens.cli.jobs.check;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.qlens.cli.jobs.Parallel;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;
import dev.qlens.formats.comfy.ComfyLoaders;
import dev.qlens.formats.comfy.ConvRot;
import dev.qlens.formats.convention.BlockedScaleLayout;
import java.util.List;
import java.util.Locale;

/**
 * The per-layer rules of ComfyUI's quantized layouts (comfyui-formats.md sections 1-4): the format is
 * one ComfyUI loads, the weight has the storage dtype ComfyUI converts it to (a value conversion, so a
 * wrong dtype silently changes the numbers), the scale tensors exist with the dtype and shape the layout
 * needs, padding is as the format requires, and the scale values are valid. The scans of the stored
 * codes are queued as tasks (they read the weight).
 */
final class ComfyLayoutRules {
    private final Checkpoint c;
    private final List<Finding> out;
    private final List<Parallel.Task<List<Finding>>> scans;

    ComfyLayoutRules(Checkpoint c, List<Finding> out, List<Parallel.Task<List<Finding>>> scans) {
        this.c = c;
        this.out = out;
        this.scans = scans;
    }

    void check(String layer, JsonObject cfg) throws java.io.IOException {
        JsonElement f = cfg.get("format");
        if (f == null || !f.isJsonPrimitive()) {
            out.add(Finding.error(layer, "format-missing", "the configuration has no \"format\"; ComfyUI fails to load"
                    + " the layer"));
            return;
        }
        String format = f.getAsString();
        ComfyLoaders.Loader loader = ComfyLoaders.of(format);
        if (loader == null) {
            out.add(Finding.error(layer, "format-unknown", "format '" + format + "' is not in ComfyUI's QUANT_ALGOS"
                    + " (mainline raises KeyError) nor a known custom node's"));
            return;
        }
        if (!loader.mainline()) {
            out.add(Finding.warning(layer, "format-custom-node", format + " is not loaded by mainline ComfyUI (KeyError);"
                    + " only " + loader.since() + " reads it"));
        }
        JsonElement fpmm = ComfyLayerConfigs.entry(cfg, "full_precision_matrix_mult");
        if (fpmm != null && !(fpmm.isJsonPrimitive() && fpmm.getAsJsonPrimitive().isBoolean())) {
            out.add(Finding.warning(layer, "config-type", "full_precision_matrix_mult is " + fpmm + ", not true or false"));
        }
        TensorEntry w = c.tensor(layer + ".weight");
        if (w == null) {
            out.add(Finding.error(layer, "weight-missing", "configured as " + format + " but the checkpoint has no "
                    + layer + ".weight"));
            return;
        }
        long[] s = w.shape();
        switch (format.toLowerCase(Locale.ROOT)) {
            case "float8_e4m3fn":
            case "float8_e5m2":
                fp8(layer, w, format.endsWith("e5m2") ? DType.F8_E5M2 : DType.F8_E4M3);
                break;
            case "int8_tensorwise":
                int8(layer, w, cfg);
                break;
            case "nvfp4":
                nvfp4(layer, w);
                break;
            case "mxfp8":
                mxfp8(layer, w);
                break;
            case "convrot_w4a4":
                w4a4(layer, w, cfg);
                break;
            case "float8_e4m3fn_rowwise":
                storage(layer, w, DType.F8_E4M3);
                floatScale(layer, s.length == 2 ? s[0] : -1, "[out]");
                scans.add(() -> CodeScans.fp8(layer, w));
                break;
            case "float8_e4m3fn_blockwise":
            case "int8_blockwise":
                blockwise(layer, w, cfg, format.startsWith("int8") ? DType.I8 : DType.F8_E4M3);
                break;
            default:
                out.add(Finding.info(layer, "format-unverified", format + " loads in ComfyUI (" + loader.since()
                        + "); qlens does not verify its layout"));
        }
        TensorEntry in = c.tensor(layer + ".input_scale");
        if (in != null) {
            scalarScale(layer, in, "input_scale");
        }
    }

    private boolean storage(String layer, TensorEntry w, DType expected) {
        if (w.dtype() != expected) {
            out.add(Finding.error(layer, "weight-dtype", layer + ".weight is " + w.dtype() + "; the format stores "
                    + expected + ", and ComfyUI converts the values (not the bits) to it, so every weight changes"));
            return false;
        }
        return true;
    }

    private void fp8(String layer, TensorEntry w, DType codes) throws java.io.IOException {
        if (storage(layer, w, codes)) {
            scans.add(() -> CodeScans.fp8(layer, w));
        }
        TensorEntry sc = scale(layer, "weight_scale");
        if (sc != null && floatDtype(layer, sc) && sc.numel() != 1) {
            out.add(Finding.error(layer, "scale-shape", "weight_scale has shape " + Shapes.toString(sc.shape())
                    + "; the " + w.dtype() + " layout takes exactly one per-tensor scale (per-row or block FP8 needs"
                    + " float8_e4m3fn_rowwise/blockwise and the seed tool's custom node)"));
        } else if (sc != null && sc.numel() == 1) {
            scalarScale(layer, sc, "weight_scale");
        }
    }

    private void int8(String layer, TensorEntry w, JsonObject cfg) throws java.io.IOException {
        storage(layer, w, DType.I8);
        long[] s = w.shape();
        TensorEntry sc = scale(layer, "weight_scale");
        boolean perRow = false;
        if (sc != null && floatDtype(layer, sc)) {
            long[] ss = sc.shape();
            long out0 = s.length >= 2 ? s[s.length - 2] : -1;
            if (sc.numel() == 1) {
                scalarScale(layer, sc, "weight_scale");
            } else if (ss.length == s.length && ss[ss.length - 1] == 1 && sc.numel() * s[s.length - 1] == w.numel()) {
                perRow = true;
                scans.add(() -> CodeScans.positiveScales(layer, sc));
            } else if (ss.length == 1 && ss[0] == out0) {
                out.add(Finding.error(layer, "scale-shape-trap", "weight_scale has shape [" + out0 + "]: the INT8 GEMM"
                        + " accepts it, but ComfyUI's dequantization (LoRA, fallback and offload paths) broadcasts it along"
                        + " the input axis; store per-row scales as [" + out0 + ", 1]"));
            } else {
                out.add(Finding.error(layer, "scale-shape", "weight_scale has shape " + Shapes.toString(ss)
                        + "; int8_tensorwise takes one scale ([] or [1]) or one per row ([out, 1])"));
            }
        }
        JsonElement rot = ComfyLayerConfigs.entry(cfg, "convrot");
        if (rot != null && rot.isJsonPrimitive() && rot.getAsJsonPrimitive().isBoolean() && rot.getAsBoolean()) {
            int g = group(cfg);
            if (!ConvRot.validGroup(g)) {
                out.add(Finding.error(layer, "convrot-group", "convrot_groupsize " + g + " is not a power of 4;"
                        + " ComfyUI raises \"Regular Hadamard size must be a power of 4\""));
            } else if (s.length >= 2 && s[s.length - 1] % g != 0) {
                out.add(Finding.error(layer, "convrot-group", "convrot_groupsize " + g + " does not divide the "
                        + s[s.length - 1] + " input columns"));
            }
            if (sc != null && !perRow) {
                out.add(Finding.error(layer, "convrot-scale", "ConvRot is only defined with per-row scales ([out, 1])"));
            }
        }
    }

    private void nvfp4(String layer, TensorEntry w) throws java.io.IOException {
        if (!storage(layer, w, DType.U8) || w.shape().length != 2) {
            return;
        }
        long rows = w.shape()[0];
        long cols = 2 * w.shape()[1];
        if (rows % 16 != 0 || cols % 16 != 0) {
            out.add(Finding.error(layer, "padding", "NVFP4 data of " + rows + " x " + cols + " elements; ComfyUI pads"
                    + " both dimensions to multiples of 16"));
            return;
        }
        TensorEntry bs = scale(layer, "weight_scale");
        TensorEntry g = scale(layer, "weight_scale_2");
        if (g != null && floatDtype(layer, g)) {
            if (g.numel() != 1) {
                out.add(Finding.error(layer, "scale-shape", "weight_scale_2 holds " + g.numel() + " values; NVFP4 takes"
                        + " one float32 per-tensor scale"));
            } else {
                scalarScale(layer, g, "weight_scale_2");
            }
        }
        if (bs == null) {
            return;
        }
        long expected = BlockedScaleLayout.paddedRows(rows) * BlockedScaleLayout.paddedCols(cols / 16);
        if (!(bs.dtype() == DType.F8_E4M3 || bs.dtype() == DType.U8)) {
            out.add(Finding.error(layer, "scale-dtype", "weight_scale is " + bs.dtype() + "; NVFP4 block scales are"
                    + " E4M3 bytes (F8_E4M3, or U8 reinterpreted)"));
        } else if (bs.numel() != expected) {
            out.add(Finding.error(layer, "scale-shape", "weight_scale holds " + bs.numel() + " block scales; the"
                    + " blocked layout of " + rows + " x " + cols / 16 + " needs " + expected + " ["
                    + BlockedScaleLayout.paddedRows(rows) + ", " + BlockedScaleLayout.paddedCols(cols / 16) + "]"));
        } else {
            scans.add(() -> CodeScans.nvfp4(layer, w, bs, (int) rows, (int) (cols / 16)));
        }
    }

    private void mxfp8(String layer, TensorEntry w) {
        if (!storage(layer, w, DType.F8_E4M3) || w.shape().length != 2) {
            return;
        }
        long rows = w.shape()[0];
        long cols = w.shape()[1];
        if (rows % 32 != 0 || cols % 32 != 0) {
            out.add(Finding.error(layer, "padding", "MXFP8 data of " + rows + " x " + cols + "; ComfyUI pads both"
                    + " dimensions to multiples of 32"));
            return;
        }
        scans.add(() -> CodeScans.fp8(layer, w));
        TensorEntry bs = scale(layer, "weight_scale");
        if (bs == null) {
            return;
        }
        long expected = BlockedScaleLayout.paddedRows(rows) * BlockedScaleLayout.paddedCols(cols / 32);
        if (bs.dtype().bits() != 8 || bs.dtype() == DType.F8_E4M3 || bs.dtype() == DType.I8) {
            out.add(Finding.error(layer, "scale-dtype", "weight_scale is " + bs.dtype() + "; MXFP8 scales are E8M0"
                    + " exponents (F8_E8M0, or U8 reinterpreted)"));
        } else if (bs.numel() != expected) {
            out.add(Finding.error(layer, "scale-shape", "weight_scale holds " + bs.numel() + " exponents; the blocked"
                    + " layout of " + rows + " x " + cols / 32 + " needs " + expected));
        } else {
            scans.add(() -> CodeScans.e8m0(layer, bs));
        }
    }

    private void w4a4(String layer, TensorEntry w, JsonObject cfg) {
        if (!storage(layer, w, DType.I8) || w.shape().length != 2) {
            return;
        }
        long in = 2 * w.shape()[1];
        int g = group(cfg);
        if (!ConvRot.validGroup(g) || in % g != 0 || in % 64 != 0) {
            out.add(Finding.error(layer, "convrot-group", "convrot_w4a4 with " + in + " input columns and"
                    + " convrot_groupsize " + g + ": the width must be a multiple of 64 and of the group, a power of 4"));
        }
        floatScale(layer, w.shape()[0], "[out]");
        scans.add(() -> CodeScans.int4(layer, w));
    }

    private void blockwise(String layer, TensorEntry w, JsonObject cfg, DType codes) {
        storage(layer, w, codes);
        JsonElement gs = ComfyLayerConfigs.entry(cfg, "group_size");
        long[] s = w.shape();
        if (gs == null || !gs.isJsonPrimitive() || !gs.getAsJsonPrimitive().isNumber() || s.length != 2) {
            out.add(Finding.error(layer, "config-group", "the block format needs an integer group_size"));
            return;
        }
        int g = gs.getAsInt();
        TensorEntry sc = scale(layer, "weight_scale");
        if (sc != null && floatDtype(layer, sc)) {
            long[] want = {s[0] / g, s[1] / g};
            if (s[0] % g != 0 || s[1] % g != 0 || !java.util.Arrays.equals(sc.shape(), want)) {
                out.add(Finding.error(layer, "scale-shape", "weight_scale has shape " + Shapes.toString(sc.shape())
                        + "; " + Shapes.toString(s) + " in tiles of " + g + " needs " + Shapes.toString(want)));
            } else {
                scans.add(() -> CodeScans.positiveScales(layer, sc));
            }
        }
        if (codes == DType.I8) {
            scans.add(() -> CodeScans.int8Symmetric(layer, w));
        } else {
            scans.add(() -> CodeScans.fp8(layer, w));
        }
    }

    private static int group(JsonObject cfg) {
        JsonElement g = ComfyLayerConfigs.entry(cfg, "convrot_groupsize");
        return g != null && g.isJsonPrimitive() && g.getAsJsonPrimitive().isNumber() ? g.getAsInt() : 256;
    }

    private TensorEntry scale(String layer, String suffix) {
        TensorEntry t = c.tensor(layer + "." + suffix);
        if (t == null) {
            out.add(Finding.error(layer, "scale-missing", "no " + layer + "." + suffix + "; the format needs it"));
        }
        return t;
    }

    private boolean floatDtype(String layer, TensorEntry t) {
        if (!t.dtype().isFloatingPoint() || t.dtype().bits() < 16) {
            out.add(Finding.error(layer, "scale-dtype", t.name() + " is " + t.dtype() + "; ComfyUI converts it to float32"
                    + " by value, so it must be stored as F32, F16 or BF16"));
            return false;
        }
        return true;
    }

    private void floatScale(String layer, long rows, String what) {
        TensorEntry sc = scale(layer, "weight_scale");
        if (sc == null || !floatDtype(layer, sc)) {
            return;
        }
        if (sc.numel() != rows) {
            out.add(Finding.error(layer, "scale-shape", "weight_scale holds " + sc.numel() + " values; the layout takes "
                    + what + " = " + rows));
        } else {
            scans.add(() -> CodeScans.positiveScales(layer, sc));
        }
    }

    private void scalarScale(String layer, TensorEntry t, String what) throws java.io.IOException {
        if (!floatDtype(layer, t)) {
            return;
        }
        if (t.numel() != 1) {
            out.add(Finding.error(layer, "scale-shape", what + " holds " + t.numel() + " values; one is expected"));
            return;
        }
        float v = new dev.qlens.core.io.DecodedTensor(t).readAll()[0];
        if (!(v > 0) || !Float.isFinite(v)) {
            out.add(Finding.error(layer, what.equals("input_scale") ? "input-scale" : "scale-value", what + " is " + v
                    + "; it must be finite and positive"));
        }
    }
}
