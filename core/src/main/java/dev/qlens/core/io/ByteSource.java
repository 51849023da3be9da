package dev.qlens.core.io;

import java.io.Closeable;
import java.io.IOException;

/**
 * The bytes of one checkpoint file, read by position: a local file ({@link MappedFile}) or a file on a
 * server read with HTTP range requests. The readers of every format go through this, so where the bytes
 * live is decided once, when the file is opened.
 */
public interface ByteSource extends Closeable {
    /** The file's length in bytes. */
    long size();

    /**
     * Reads exactly {@code len} bytes at absolute position {@code pos}. {@code usefulEnd} says how far the
     * caller will go on reading sequentially (the end of the tensor being streamed): a remote source may
     * fetch ahead up to there, never beyond; a local one ignores it.
     *
     * @throws CheckpointException when the file ends before {@code pos + len}
     */
    void readFully(long pos, byte[] dst, int off, int len, long usefulEnd) throws IOException;

    /** Reads exactly {@code len} bytes at {@code pos}, with no read-ahead. */
    default void readFully(long pos, byte[] dst, int off, int len) throws IOException {
        readFully(pos, dst, off, len, pos + len);
    }

    /**
     * Tells the source that a command is about to read {@code bytes} of it (the tensors it selected), so a
     * remote source can decide to fetch the whole file instead of many ranges. Local sources ignore it.
     */
    default void willRead(long bytes) throws IOException {
    }

    @Override
    void close() throws IOException;
}
