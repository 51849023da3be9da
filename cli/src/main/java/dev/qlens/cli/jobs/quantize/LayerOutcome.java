package dev.qlens.cli.jobs.quantize;

import dev.qlens.formats.comfy.StoredTensor;
import java.util.List;

/**
 * One quantized layer, ready to write.
 *
 * @param tensors every tensor of the layer with its full name, in file order (codes, scales,
 *     input scale, the {@code .comfy_quant} marker)
 * @param correctedBias the bias after bias correction, or null
 * @param stats what quantizing cost and bought
 */
public record LayerOutcome(List<StoredTensor> tensors, float[] correctedBias, LayerStats stats) {
}
