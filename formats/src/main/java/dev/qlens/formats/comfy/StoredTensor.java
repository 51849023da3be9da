package dev.qlens.formats.comfy;

import dev.qlens.core.tensor.DType;

/**
 * One tensor of a quantized layer as it is written: the name suffix after the layer name (for example
 * {@code weight}, {@code weight_scale}), the safetensors dtype and shape, and the little-endian bytes.
 */
public record StoredTensor(String suffix, DType dtype, long[] shape, byte[] data) {
    /** Checks that the bytes match the shape and dtype. */
    public StoredTensor {
        long expected = dtype.byteSize(dev.qlens.core.tensor.Shapes.numel(shape));
        if (expected != data.length) {
            throw new IllegalArgumentException(suffix + ": " + data.length + " bytes for " + dtype + " "
                    + dev.qlens.core.tensor.Shapes.toString(shape) + " (expected " + expected + ")");
        }
    }
}
