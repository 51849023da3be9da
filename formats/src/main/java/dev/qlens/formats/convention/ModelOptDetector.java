package dev.qlens.formats.convention;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.tensor.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Quantized weights with a {@code weight_scale} and no ComfyUI marker, as ModelOpt's Hugging Face
 * export writes them: NVFP4 (uint8 packed pairs with the first element in the low nibble, E4M3 block
 * scales, {@code weight_scale_2}) and FP8 or INT8 with a dequant multiplier of any layout.
 */
final class ModelOptDetector {
    private ModelOptDetector() {
    }

    static void detect(Checkpoint c, Claims claims) {
        for (TensorEntry w : c.tensors()) {
            String n = w.name();
            if (!n.endsWith(".weight") || claims.taken(n)) {
                continue;
            }
            String layer = n.substring(0, n.length() - ".weight".length());
            TensorEntry scale = c.tensor(layer + ".weight_scale");
            if (scale == null || claims.taken(layer + ".weight_scale")) {
                continue;
            }
            List<String> sources = new ArrayList<>(List.of(n, layer + ".weight_scale"));
            for (String aux : new String[] {".weight_scale_2", ".input_scale"}) {
                if (c.tensor(layer + aux) != null) {
                    sources.add(layer + aux);
                }
            }
            TensorEntry global = c.tensor(layer + ".weight_scale_2");
            LogicalTensor t;
            if ((w.dtype() == DType.U8 || w.dtype() == DType.F4) && global != null) {
                t = Nvfp4Support.view(w, scale, global, false, Convention.MODELOPT, sources);
            } else if (w.dtype().floatFormat() != null && w.dtype().bits() == 8 || w.dtype() == DType.I8) {
                String format = w.dtype() == DType.I8 ? "int8" : w.dtype().torchName().replace("torch.", "");
                t = ComfyDetector.scaled(w, scale, w.dtype(), Convention.MODELOPT, format, sources);
            } else {
                continue;
            }
            claims.claim(n, t);
        }
    }
}
