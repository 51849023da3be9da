package dev.qlens.formats.comfy;

import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;

/** Name suffix, dtype and shape of a tensor a codec writes, known before any value is computed. */
public record TensorLayout(String suffix, DType dtype, long[] shape) {
    /** Bytes of the tensor's data. */
    public long bytes() {
        return dtype.byteSize(Shapes.numel(shape));
    }
}
