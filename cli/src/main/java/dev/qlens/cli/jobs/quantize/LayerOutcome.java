package dev.qlens.cli.jobs.quantize;

import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.formats.comfy.LearnedRounding;
import dev.qlens.formats.comfy.StoredTensor;
import java.util.List;

/**
 * One quantized layer: the tensors to write and what quantizing cost.
 *
 * @param tensors every tensor of the layer with its full name, in file order (codes, scales,
 *     input scale, the {@code .comfy_quant} marker)
 * @param rtn error of plain round-to-nearest at the format's own scales
 * @param result error of what is written (equals {@code rtn} without scale search or learned rounding)
 * @param granularity scale granularity, e.g. "per row, ConvRot 256"
 * @param learned what learned rounding did, or null
 * @param startObjective the seed's top-k objective of the codes before learned rounding (NaN without it)
 * @param revertedToRtn learned rounding raised the Frobenius error, so round-to-nearest was written
 * @param correctedBias the bias after bias correction, or null
 * @param seconds wall time of the layer
 */
public record LayerOutcome(List<StoredTensor> tensors, ErrorMetrics rtn, ErrorMetrics result, String granularity,
                           LearnedRounding.Outcome learned, double startObjective, boolean revertedToRtn,
                           float[] correctedBias, double seconds) {
    /** The seed's top-k objective of the codes written (NaN without learned rounding). */
    public double writtenObjective() {
        return learned == null ? Double.NaN : revertedToRtn ? learned.startObjective() : learned.finalObjective();
    }

    /** Bytes of the layer's tensors. */
    public long bytes() {
        long sum = 0;
        for (StoredTensor t : tensors) {
            sum += t.data().length;
        }
        return sum;
    }
}
