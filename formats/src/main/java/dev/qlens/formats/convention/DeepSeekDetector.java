package dev.qlens.formats.convention;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import java.util.List;

/**
 * DeepSeek-style block scales: {@code <name>_scale_inv} holds a grid of dequant multipliers for
 * {@code <name>} (despite its name), with block = ceil(dim / scale_dim) along every dimension.
 */
final class DeepSeekDetector {
    /** DeepSeek's weight_block_size: 128 x 128, the last blocks of a dimension partial. */
    static final long BLOCK = 128;

    private DeepSeekDetector() {
    }

    static void detect(Checkpoint c, Claims claims) {
        for (TensorEntry s : c.tensors()) {
            String n = s.name();
            if (!n.endsWith("_scale_inv") || claims.taken(n)) {
                continue;
            }
            String base = n.substring(0, n.length() - "_scale_inv".length());
            TensorEntry w = c.tensor(base);
            if (w == null || claims.taken(base)) {
                continue;
            }
            List<String> sources = List.of(base, n);
            String format = w.dtype().torchName().replace("torch.", "");
            LogicalTensor t;
            try {
                ScaleBroadcast b = ScaleBroadcast.of(w.shape(), s.shape(), null, BLOCK);
                t = LogicalTensor.quantized(base, w.shape(), w.dtype(), Convention.DEEPSEEK, format, b.describe(),
                        b.blockSize(), sources, w.origin(),
                        () -> new ScaledDequantView(new DecodedTensor(w), Scales.floats(s), null, b),
                        () -> Scales.summarize(Scales.floats(s)));
            } catch (IllegalArgumentException e) {
                t = LogicalTensor.unsupported(base, w.shape(), w.dtype(), Convention.DEEPSEEK, format, sources, w.origin(),
                        e.getMessage());
            }
            claims.claim(base, t);
        }
    }
}
