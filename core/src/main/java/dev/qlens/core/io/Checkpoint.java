package dev.qlens.core.io;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A set of named tensors read from one or more files. Tensors are read lazily; close releases the files. */
public interface Checkpoint extends Closeable {
    /** A name for messages: the path the user gave. */
    String displayName();

    /** Short description of the storage, e.g. {@code safetensors}, {@code safetensors, 3 shards}, {@code onnx}. */
    String format();

    /** Every file the tensors are read from (used to refuse overwriting an input). */
    List<Path> files();

    /** All tensors, in file order. */
    List<TensorEntry> tensors();

    /** The tensor with this name, or null. */
    TensorEntry tensor(String name);

    /** String metadata: safetensors {@code __metadata__}, or ONNX model facts. */
    Map<String, String> metadata();

    /** Total bytes of tensor data. */
    default long totalBytes() {
        long sum = 0;
        for (TensorEntry t : tensors()) {
            sum += t.byteSize();
        }
        return sum;
    }

    @Override
    void close();

    /** Warnings collected while opening (tensors skipped), if the format records any. */
    default List<String> warnings() {
        return List.of();
    }

    /**
     * Tells the checkpoint which stored tensors a command is about to read, so a remote checkpoint can fetch
     * a file whole when most of it is needed rather than range by range. Local checkpoints ignore it.
     *
     * @throws java.io.IOException when fetching fails
     */
    default void willRead(java.util.Collection<String> storedNames) throws java.io.IOException {
    }
}
