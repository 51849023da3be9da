package dev.qlens.formats.catalog;

/**
 * Streaming fake quantization (float32 → format → float32) of one tensor. Callers feed chunks whose
 * start is a multiple of {@link #unit()} (the last chunk may be shorter); when
 * {@link #needsCalibration()} is true, every chunk is first passed to {@link #calibrate} in order
 * (for per-tensor or per-channel scales), then to {@link #apply}. The result is identical to
 * decode(encode(x)) for the whole tensor.
 */
public interface FakeQuantizer {
    /** Chunk alignment in elements (blocks never straddle a chunk boundary). */
    long unit();

    /** Whether a calibration pass over the whole tensor must come first. */
    boolean needsCalibration();

    /** Calibration pass: called with consecutive chunks starting at element {@code start}. */
    void calibrate(long start, float[] x, int off, int n);

    /** Writes the fake-quantized values of elements [start, start + n) to {@code out}. */
    void apply(long start, float[] x, int off, int n, float[] out, int outOff);

    /** Number of elements clipped so far (-1 when the format does not track clipping). */
    default long clipped() {
        return -1;
    }
}
