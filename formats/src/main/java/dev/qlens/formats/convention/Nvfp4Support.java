package dev.qlens.formats.convention;

import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.util.List;

/**
 * Dequantization of stored NVFP4 weights: packed E2M1 codes [rows, cols/2], E4M3 block scales (one
 * per 16 elements along a row, plain [rows, cols/16] or cuBLAS blocked) and a float32 per-tensor
 * scale. value = e2m1(code) * (float32(scale_e4m3) * global), as ModelOpt and comfy-kitchen compute it.
 * ComfyUI (comfy-kitchen) packs the first element in the high nibble and decodes code 0x8 as -0.0;
 * ModelOpt packs it in the low nibble and decodes 0x8 as +0.0.
 */
final class Nvfp4Support {
    private Nvfp4Support() {
    }

    static LogicalTensor view(TensorEntry w, TensorEntry blockScale, TensorEntry global, boolean highNibbleFirst,
                              Convention convention, List<String> sources) {
        long[] s = w.shape();
        String fmt = "nvfp4";
        if (s.length != 2 || !(w.dtype() == DType.U8 || w.dtype() == DType.F4 || w.dtype() == DType.I8)) {
            return LogicalTensor.unsupported(w.name(), s, w.dtype(), convention, fmt, sources, w.origin(),
                    "NVFP4 data must be a 2-D uint8 tensor of packed E2M1 pairs");
        }
        if (blockScale == null || global == null) {
            return LogicalTensor.unsupported(w.name(), s, w.dtype(), convention, fmt, sources, w.origin(),
                    "NVFP4 needs weight_scale (E4M3 block scales) and weight_scale_2 (per-tensor scale)");
        }
        PackedFp4View probe = new PackedFp4View(w, highNibbleFirst, highNibbleFirst);
        long[] logical = probe.shape();
        if (logical[1] % 16 != 0) {
            return LogicalTensor.unsupported(w.name(), logical, w.dtype(), convention, fmt, sources, w.origin(),
                    "NVFP4 rows must hold a multiple of 16 elements, not " + logical[1]);
        }
        int rows = (int) logical[0];
        int cols = (int) (logical[1] / 16);
        long plain = (long) rows * cols;
        long blocked = BlockedScaleLayout.paddedRows(rows) * BlockedScaleLayout.paddedCols(cols);
        long n = blockScale.numel();
        if (n != plain && n != blocked) {
            return LogicalTensor.unsupported(w.name(), logical, w.dtype(), convention, fmt, sources, w.origin(),
                    "weight_scale holds " + n + " block scales; expected " + plain + " or " + blocked + " (blocked layout)");
        }
        if (global.numel() != 1) {
            return LogicalTensor.unsupported(w.name(), logical, w.dtype(), convention, fmt, sources, w.origin(),
                    "weight_scale_2 must be a single value, not " + global.numel());
        }
        // ComfyUI always stores blocked scales (the shapes coincide when rows % 128 == 0 and cols/16 % 4 == 0).
        boolean isBlocked = n != plain || (highNibbleFirst && n == blocked);
        ScaleBroadcast b = ScaleBroadcast.of(logical, new long[] {rows, cols}, null);
        LogicalTensor.Opener open = () -> new ScaledDequantView(new PackedFp4View(w, highNibbleFirst, highNibbleFirst),
                totals(blockScale, global, rows, cols, isBlocked), null, b);
        String granularity = "block 1x16, " + (isBlocked ? "blocked" : "plain") + " E4M3 scales, "
                + (highNibbleFirst ? "high nibble first" : "low nibble first");
        return LogicalTensor.quantized(w.name(), logical, w.dtype(), convention, fmt, granularity, 16, sources,
                w.origin(), open, () -> Scales.summarize(totals(blockScale, global, rows, cols, isBlocked)));
    }

    /** float32(block scale) * global for every block, row-major. */
    private static float[] totals(TensorEntry blockScale, TensorEntry global, int rows, int cols, boolean blocked)
            throws IOException {
        float g = Scales.floats(global)[0];
        byte[] raw = Scales.bytes(blockScale);
        byte[] plain = blocked ? BlockedScaleLayout.unswizzle(raw, rows, cols) : raw;
        float[] out = new float[rows * cols];
        for (int i = 0; i < out.length; i++) {
            out[i] = FloatFormat.FP8_E4M3FN.decode(plain[i] & 0xFF) * g;
        }
        return out;
    }
}
