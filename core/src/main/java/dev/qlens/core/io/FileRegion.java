package dev.qlens.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Positional reads from an open file, with a clear error when the file ends early. */
public final class FileRegion {
    private FileRegion() {
    }

    /**
     * Reads exactly {@code len} bytes at absolute position {@code pos}.
     *
     * @throws CheckpointException when the file ends before {@code pos + len}
     */
    public static void readFully(FileChannel channel, Path file, long pos, byte[] dst, int off, int len)
            throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
        long p = pos;
        int end = off + len;
        while (buf.hasRemaining()) {
            // The JDK copies a heap read through a per-thread direct buffer of the request's size: pieces of
            // at most 8 MiB keep that buffer small.
            buf.limit(Math.min(end, buf.position() + (8 << 20)));
            int n = channel.read(buf, p);
            if (n < 0) {
                throw new CheckpointException(file, "unexpected end of file at byte " + p + " (needed "
                        + (pos + len) + " bytes; the file may be truncated)");
            }
            p += n;
            buf.limit(end);
        }
    }
}
