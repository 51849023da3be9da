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
        while (buf.hasRemaining()) {
            int n = channel.read(buf, p);
            if (n < 0) {
                throw new CheckpointException(file, "unexpected end of file at byte " + p + " (needed "
                        + (pos + len) + " bytes; the file may be truncated)");
            }
            p += n;
        }
    }
}
