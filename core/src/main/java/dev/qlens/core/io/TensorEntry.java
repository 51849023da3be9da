package dev.qlens.core.io;

import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;
import java.io.IOException;
import java.util.Map;

/**
 * One stored tensor of a checkpoint: its name, dtype, shape, and lazy access to its raw bytes.
 * Reading never loads more than the requested range.
 */
public interface TensorEntry {
    /** The tensor's name in the checkpoint (for ONNX, the recovered PyTorch name when there is one). */
    String name();

    /** Element type. */
    DType dtype();

    /** Shape (a copy). */
    long[] shape();

    /** Number of elements. */
    default long numel() {
        return Shapes.numel(shape());
    }

    /** Size of the raw data in bytes. */
    long byteSize();

    /**
     * Reads {@code len} raw bytes starting {@code offset} bytes into the tensor's data.
     *
     * @throws IOException on a read error; a {@link CheckpointException} when the file is shorter than declared
     */
    void readBytes(long offset, byte[] dst, int dstOff, int len) throws IOException;

    /** Where the data lives, for messages: a file name, plus how the tensor was derived. */
    String origin();

    /**
     * Extra facts about the tensor recorded by the reader, for example {@code transposed_from} for an
     * ONNX MatMul weight presented as [out, in], or {@code axis} for a per-channel quantized tensor.
     */
    default Map<String, String> attributes() {
        return Map.of();
    }

    /** Reads the whole tensor (only for small tensors such as scales; refuses more than 1 GiB). */
    default byte[] readAll() throws IOException {
        long size = byteSize();
        if (size > (1L << 30)) {
            throw new CheckpointException(origin() + ": tensor '" + name() + "' is " + size
                    + " bytes, too large to read at once");
        }
        byte[] out = new byte[(int) size];
        readBytes(0, out, 0, out.length);
        return out;
    }
}
