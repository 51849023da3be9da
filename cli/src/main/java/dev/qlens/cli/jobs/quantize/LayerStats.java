package dev.qlens.cli.jobs.quantize;

import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.formats.comfy.LearnedRounding;

/**
 * What quantizing one layer cost and bought (no data, so reports can keep one per layer).
 *
 * @param rtn error of plain round-to-nearest at the format's own scales
 * @param result error of what is written (equals {@code rtn} without scale search or learned rounding)
 * @param granularity scale granularity, e.g. "per row, ConvRot 256"
 * @param learned what learned rounding did, or null
 * @param revertedToRtn learned rounding raised the Frobenius error, so the codes it started from were written
 * @param biasCorrected whether the bias was corrected
 * @param bytes bytes written for the layer
 * @param seconds wall time of the layer
 * @param gptq what GPTQ did, or null when it did not run on the layer
 * @param outputErrorRtn relative output error of round-to-nearest on the held-out inputs (NaN without them)
 * @param outputError relative output error of what is written on the held-out inputs (NaN without them)
 */
public record LayerStats(ErrorMetrics rtn, ErrorMetrics result, String granularity, LearnedRounding.Outcome learned,
                         boolean revertedToRtn, boolean biasCorrected, long bytes, double seconds,
                         dev.qlens.formats.gptq.Gptq.Outcome gptq, double outputErrorRtn, double outputError) {
    /** The seed's top-k objective of the codes written (NaN without learned rounding). */
    public double writtenObjective() {
        return learned == null ? Double.NaN : revertedToRtn ? learned.startObjective() : learned.finalObjective();
    }
}
