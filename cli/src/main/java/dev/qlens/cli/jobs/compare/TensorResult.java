package dev.qlens.cli.jobs.compare;

import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.formats.convention.LogicalTensor;

/**
 * The comparison of one tensor.
 *
 * @param name the tensor name
 * @param originalDtype stored dtype of the original (torch-style name)
 * @param quantizedDtype stored dtype of the quantized tensor's data
 * @param shape logical shape
 * @param scheme how the quantized side was read, e.g. {@code comfy float8_e4m3fn per-tensor}
 * @param convention the convention that dequantized it, or null
 * @param format the quantized format, or null
 * @param granularity scale granularity, e.g. {@code per-channel (axis 0)}, or null
 * @param blockSize block size of block scales, or 0
 * @param scale statistics of the quantized side's scales, or null
 * @param metrics the error metrics
 * @param energyOriginal sum of x^2 (for the aggregate SNR)
 * @param energyQuantized sum of y^2
 * @param energyError sum of (y - x)^2
 * @param sumAbsError sum of |y - x| (for element-weighted means)
 * @param sumAbsOriginal sum of |x|
 */
public record TensorResult(String name, String originalDtype, String quantizedDtype, long[] shape, String scheme,
                           String convention, String format, String granularity, long blockSize, LogicalTensor.ScaleSummary scale,
                           ErrorMetrics metrics, double energyOriginal, double energyQuantized, double energyError,
                           double sumAbsError, double sumAbsOriginal) {
    /** Number of elements. */
    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
