package dev.qlens.cli.jobs.quantize;

import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.formats.comfy.LearnedRounding;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code qlens quantize} did (or, for a dry run, would do).
 *
 * @param input the input path
 * @param outputs files written (empty for a dry run)
 * @param format the default format, described
 * @param mainline whether every format written loads in mainline ComfyUI
 * @param method rounding method: round-to-nearest, with scale search and/or learned rounding
 * @param layers every quantization candidate, in input order
 * @param copied other tensors copied unchanged
 * @param bytesIn bytes of every input tensor
 * @param bytesOut bytes of every output tensor
 * @param seconds wall time
 * @param dryRun whether nothing was written
 * @param warnings problems that did not stop the run
 */
public record QuantizeReport(Path input, List<Path> outputs, String format, boolean mainline, String method,
                             List<Layer> layers, int copied, long bytesIn, long bytesOut, double seconds, boolean dryRun,
                             List<String> warnings) {
    /**
     * One candidate weight.
     *
     * @param name weight name
     * @param action quantized, kept or dropped
     * @param format format written, or null
     * @param reason why this action (null for the default format)
     * @param shape weight shape
     * @param dtype stored dtype of the input
     * @param bytesIn input bytes of the weight
     * @param bytesOut bytes written for it (codes, scales, markers)
     * @param measured error of the format when it was measured (also for layers kept by --keep-if), or null
     * @param stats the quantization, or null when not quantized
     */
    public record Layer(String name, String action, String format, String reason, long[] shape, String dtype,
                        long bytesIn, long bytesOut, ErrorMetrics measured, LayerStats stats) {
        /** Round-to-nearest error, or null. */
        public ErrorMetrics rtn() {
            return stats == null ? null : stats.rtn();
        }

        /** Error of what is written, or null. */
        public ErrorMetrics result() {
            return stats == null ? null : stats.result();
        }

        /** Learned rounding, or null. */
        public LearnedRounding.Outcome learned() {
            return stats == null ? null : stats.learned();
        }
    }

    /** Output bytes over input bytes. */
    public double ratio() {
        return bytesIn == 0 ? 1 : (double) bytesOut / bytesIn;
    }

    /** Number of layers with the given action. */
    public long count(String action) {
        return layers.stream().filter(l -> l.action().equals(action)).count();
    }
}
