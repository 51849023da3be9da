package dev.qlens.formats.catalog;

import dev.qlens.core.tensor.DType;

/**
 * A tensor quantized into a format's byte layout: packed element codes and the scales, as written by
 * {@code qlens encode}.
 *
 * @param format canonical format name
 * @param shape the tensor's shape
 * @param codes packed element codes (for BFP formats: the packed tiles, exponents included)
 * @param scales scale bytes, little-endian (empty when the format has none)
 * @param scaleDtype dtype of the scales (null when none)
 * @param scaleShape shape of the scale tensor (empty when none)
 * @param globalScale the per-tensor float32 scale of NVFP4, else NaN
 * @param zeroPoints zero-point bytes (int32 little-endian per scale) for affine integers, else empty
 * @param clipped number of elements clipped to the format's range (-1 when not tracked)
 */
public record Encoded(String format, long[] shape, byte[] codes, byte[] scales, DType scaleDtype, long[] scaleShape,
                      float globalScale, byte[] zeroPoints, long clipped) {
    /** Every byte a file with this tensor stores: codes, scales, zero points and the global scale. */
    public long totalBytes() {
        return codes.length + (long) scales.length + zeroPoints.length + (Float.isNaN(globalScale) ? 0 : 4);
    }
}
