package dev.qlens.core.io.safetensors;

import dev.qlens.core.io.ByteSource;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.io.MappedFile;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One safetensors file opened for lazy reading. Only the header is read on open; tensor bytes are
 * read on demand with positional reads (of a local file, or ranges of a remote one), so files and tensors of any size (over 2 GiB included) are
 * read in bounded chunks on every JDK.
 */
public final class SafetensorsFile implements Checkpoint {
    private final Path path;
    private final ByteSource source;
    private final SafetensorsHeader header;
    private final List<TensorEntry> tensors;
    private final Map<String, TensorEntry> byName;

    private SafetensorsFile(Path path, ByteSource source, SafetensorsHeader header) {
        this.path = path;
        this.source = source;
        this.header = header;
        List<TensorEntry> list = new ArrayList<>();
        Map<String, TensorEntry> map = new LinkedHashMap<>();
        for (SafetensorsHeader.Entry e : header.entries()) {
            Entry t = new Entry(e, header.dataStart() + e.begin());
            list.add(t);
            map.put(e.name(), t);
        }
        this.tensors = Collections.unmodifiableList(list);
        this.byName = map;
    }

    /**
     * Opens and validates a safetensors file.
     *
     * @throws CheckpointException when the file is not a valid safetensors file
     */
    public static SafetensorsFile open(Path path) {
        if (Files.isDirectory(path)) {
            throw new CheckpointException(path, "is a directory, not a safetensors file");
        }
        MappedFile file;
        try {
            file = MappedFile.open(path);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path, "no such file");
        } catch (IOException e) {
            throw new CheckpointException(path, "cannot open: " + e.getMessage(), e);
        }
        return open(file, path);
    }

    /**
     * Reads and validates the header of a file whose bytes come from {@code source} (a local or remote file);
     * {@code path} names it in messages and {@link #files()}. The file takes ownership of the source.
     *
     * @throws CheckpointException when the file is not a valid safetensors file (the source is then closed)
     */
    public static SafetensorsFile open(ByteSource source, Path path) {
        try {
            return new SafetensorsFile(path, source, SafetensorsHeader.read(source, path));
        } catch (IOException e) {
            closeQuietly(source);
            throw new CheckpointException(path, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(source);
            throw e;
        }
    }

    private static void closeQuietly(ByteSource source) {
        try {
            source.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /** The path this file was opened from. */
    public Path path() {
        return path;
    }

    /** The validated header. */
    public SafetensorsHeader header() {
        return header;
    }

    @Override
    public String displayName() {
        return path.toString();
    }

    @Override
    public String format() {
        return "safetensors";
    }

    @Override
    public List<Path> files() {
        return List.of(path);
    }

    @Override
    public List<TensorEntry> tensors() {
        return tensors;
    }

    @Override
    public TensorEntry tensor(String name) {
        return byName.get(name);
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public void willRead(java.util.Collection<String> names) throws IOException {
        long bytes = 0;
        for (String n : names) {
            TensorEntry t = byName.get(n);
            bytes += t == null ? 0 : t.byteSize();
        }
        if (bytes > 0) {
            source.willRead(bytes);
        }
    }

    @Override
    public void close() {
        try {
            source.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class Entry implements TensorEntry {
        private final SafetensorsHeader.Entry e;
        private final long position;

        Entry(SafetensorsHeader.Entry e, long position) {
            this.e = e;
            this.position = position;
        }

        @Override
        public String name() {
            return e.name();
        }

        @Override
        public DType dtype() {
            return e.dtype();
        }

        @Override
        public long[] shape() {
            return e.shape().clone();
        }

        @Override
        public long byteSize() {
            return e.length();
        }

        @Override
        public void readBytes(long offset, byte[] dst, int dstOff, int len) throws IOException {
            if (offset < 0 || len < 0 || offset + len > e.length()) {
                throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + len) + ") of tensor '"
                        + e.name() + "' (" + e.length() + " bytes)");
            }
            source.readFully(position + offset, dst, dstOff, len, position + e.length());
        }

        @Override
        public String origin() {
            return path.getFileName().toString();
        }

        @Override
        public String toString() {
            return e.name();
        }
    }
}
