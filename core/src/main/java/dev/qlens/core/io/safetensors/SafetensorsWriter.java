package dev.qlens.core.io.safetensors;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.stream.JsonWriter;
import dev.qlens.core.io.AtomicOutput;
import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Writes safetensors files in a single pass: the header is computed up front from the declared
 * shapes and dtypes (padded with spaces to a multiple of 8 bytes), then each tensor's bytes are
 * streamed to their final position. Output is atomic (temporary file, fsync, rename), an input file is
 * never overwritten, and the output can be split into shards with a {@code .safetensors.index.json}.
 */
public final class SafetensorsWriter {
    /** Produces a tensor's bytes. It must write exactly the declared number of bytes. */
    @FunctionalInterface
    public interface Payload {
        /** Writes the tensor's data to the sink, in order. */
        void writeTo(ByteSink sink) throws IOException;
    }

    /** Receives tensor bytes. */
    public interface ByteSink {
        /** Appends bytes. */
        void write(byte[] b, int off, int len) throws IOException;

        /**
         * Appends n zero bytes. The writer leaves a hole instead of writing them, so long runs of
         * zeros take no disk space on file systems with sparse files.
         */
        default void skip(long n) throws IOException {
            byte[] zeros = new byte[(int) Math.min(n, 1 << 16)];
            while (n > 0) {
                int k = (int) Math.min(n, zeros.length);
                write(zeros, 0, k);
                n -= k;
            }
        }
    }

    /** One tensor to write. */
    public record TensorSpec(String name, DType dtype, long[] shape, Payload payload) {
        /** Byte size from shape and dtype. */
        public long byteSize() {
            return dtype.byteSize(Shapes.numel(shape));
        }
    }

    private final Path output;
    private final List<TensorSpec> tensors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private Map<String, String> metadata = new LinkedHashMap<>();
    private Function<List<String>, Map<String, String>> shardMetadata;
    private final List<Path> inputs = new ArrayList<>();
    private boolean overwrite;
    private long maxShardBytes;
    private LongConsumer progress = b -> { };

    private SafetensorsWriter(Path output) {
        this.output = output;
    }

    /** A writer for {@code output} (a {@code .safetensors} path). */
    public static SafetensorsWriter to(Path output) {
        return new SafetensorsWriter(output);
    }

    /** Header {@code __metadata__} to write (kept in order). */
    public SafetensorsWriter metadata(Map<String, String> m) {
        this.metadata = new LinkedHashMap<>(m);
        return this;
    }

    /**
     * Header {@code __metadata__} computed per output file from the names of the tensors it holds
     * (for entries that describe tensors, such as ComfyUI's {@code _quantization_metadata}); replaces
     * {@link #metadata}.
     */
    public SafetensorsWriter metadataPerShard(Function<List<String>, Map<String, String>> m) {
        this.shardMetadata = m;
        return this;
    }

    /** Files that must never be overwritten (the inputs). */
    public SafetensorsWriter inputs(List<Path> files) {
        inputs.addAll(files);
        return this;
    }

    /** Whether an existing output (that is not an input) may be replaced. */
    public SafetensorsWriter overwrite(boolean allow) {
        this.overwrite = allow;
        return this;
    }

    /** Splits the output into shards of at most this many data bytes (0: a single file). */
    public SafetensorsWriter maxShardBytes(long bytes) {
        this.maxShardBytes = bytes;
        return this;
    }

    /** Called with the number of bytes written after each chunk. */
    public SafetensorsWriter progress(LongConsumer bytesWritten) {
        this.progress = bytesWritten;
        return this;
    }

    /** Adds a tensor; names must be unique and the shape must fit the dtype. */
    public SafetensorsWriter add(TensorSpec spec) {
        if (!names.add(spec.name())) {
            throw new IllegalArgumentException("duplicate tensor name '" + spec.name() + "'");
        }
        if (spec.name().equals("__metadata__")) {
            throw new IllegalArgumentException("'__metadata__' is reserved and cannot name a tensor");
        }
        try {
            spec.byteSize();
        } catch (ArithmeticException e) {
            throw new CheckpointException(output, spec.name(), "cannot be written as " + spec.dtype() + ": " + e.getMessage());
        }
        tensors.add(spec);
        return this;
    }

    /**
     * Writes everything.
     *
     * @return the files written (the shards, then the index when sharded)
     */
    public List<Path> write() throws IOException {
        List<List<TensorSpec>> shards = planShards();
        List<Path> targets = new ArrayList<>();
        if (shards.size() == 1) {
            targets.add(output);
        } else {
            for (int i = 0; i < shards.size(); i++) {
                targets.add(shardPath(output, i + 1, shards.size()));
            }
        }
        Path index = shards.size() > 1 ? indexPath(output) : null;
        for (Path t : targets) {
            AtomicOutput.checkTarget(t, inputs, overwrite);
        }
        if (index != null) {
            AtomicOutput.checkTarget(index, inputs, overwrite);
        }
        List<AtomicOutput> outs = new ArrayList<>();
        try {
            for (int i = 0; i < shards.size(); i++) {
                AtomicOutput out = AtomicOutput.create(targets.get(i));
                outs.add(out);
                writeFile(out.channel(), shards.get(i), targets.get(i));
            }
            syncer.drain();
            for (AtomicOutput out : outs) {
                out.commit();
            }
            if (index != null) {
                AtomicOutput.writeBytes(index, indexJson(shards, targets).getBytes(StandardCharsets.UTF_8));
            }
        } finally {
            for (AtomicOutput out : outs) {
                out.close();
            }
        }
        List<Path> written = new ArrayList<>(targets);
        if (index != null) {
            written.add(index);
        }
        return written;
    }

    private List<List<TensorSpec>> planShards() {
        List<List<TensorSpec>> shards = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long size = 0;
        for (TensorSpec t : tensors) {
            long b = t.byteSize();
            if (maxShardBytes > 0 && !current.isEmpty() && size + b > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(t);
            size += b;
        }
        shards.add(current);
        return shards;
    }

    /** The header JSON (without padding) for tensors laid out in the given order. */
    static String headerJson(List<TensorSpec> specs, Map<String, String> metadata) throws IOException {
        StringWriter sw = new StringWriter();
        try (JsonWriter w = new JsonWriter(sw)) {
            w.setHtmlSafe(false);
            w.beginObject();
            if (!metadata.isEmpty()) {
                w.name("__metadata__").beginObject();
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    w.name(e.getKey()).value(e.getValue());
                }
                w.endObject();
            }
            long offset = 0;
            for (TensorSpec t : specs) {
                long n = t.byteSize();
                w.name(t.name()).beginObject();
                w.name("dtype").value(t.dtype().name());
                w.name("shape").beginArray();
                for (long d : t.shape()) {
                    w.value(d);
                }
                w.endArray();
                w.name("data_offsets").beginArray().value(offset).value(offset + n).endArray();
                w.endObject();
                offset += n;
            }
            w.endObject();
        }
        return sw.toString();
    }

    private void writeFile(FileChannel ch, List<TensorSpec> specs, Path target) throws IOException {
        Map<String, String> meta = metadata;
        if (shardMetadata != null) {
            List<String> names = new ArrayList<>();
            specs.forEach(t -> names.add(t.name()));
            meta = shardMetadata.apply(names);
        }
        byte[] json = headerJson(specs, meta).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        writeAll(ch, head);
        BufferedSink sink = new BufferedSink(ch, head.limit());
        for (TensorSpec t : specs) {
            long before = sink.count;
            t.payload().writeTo(sink);
            sink.flush();
            long wrote = sink.count - before;
            if (wrote != t.byteSize()) {
                throw new IllegalStateException(target + ": tensor '" + t.name() + "' produced " + wrote
                        + " bytes, expected " + t.byteSize());
            }
        }
        sink.finish();
    }

    private String indexJson(List<List<TensorSpec>> shards, List<Path> targets) {
        long total = 0;
        for (TensorSpec t : tensors) {
            total += t.byteSize();
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (int i = 0; i < shards.size(); i++) {
            for (TensorSpec t : shards.get(i)) {
                weightMap.put(t.name(), targets.get(i).getFileName().toString());
            }
        }
        return indexJson(total, weightMap);
    }

    /** The text of a shard set's index: {@code {"metadata": {"total_size": N}, "weight_map": {tensor: file}}}. */
    public static String indexJson(long totalSize, Map<String, String> weightMap) {
        JsonObject root = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("total_size", totalSize);
        root.add("metadata", meta);
        JsonObject wm = new JsonObject();
        weightMap.forEach(wm::addProperty);
        root.add("weight_map", wm);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root) + "\n";
    }

    /** Shard {@code index} of {@code count} of a set named after {@code output}: {@code stem-0000K-of-0000N.safetensors} beside it. */
    public static Path shardPath(Path output, int index, int count) {
        return output.toAbsolutePath().getParent().resolve(String.format("%s-%05d-of-%05d.safetensors", stem(output), index, count));
    }

    /** The index of a set named after {@code output}: {@code stem.safetensors.index.json} beside it. */
    public static Path indexPath(Path output) {
        return output.toAbsolutePath().getParent().resolve(stem(output) + ".safetensors.index.json");
    }

    private static String stem(Path output) {
        String name = output.getFileName().toString();
        return name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
    }

    private static void writeAll(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /**
     * Bytes after which the data written so far is pushed to the disk in the background, so that the
     * fsync before the final rename waits only for the tail instead of the whole file.
     */
    static final long SYNC_EVERY = 256L << 20;

    private final BackgroundSync syncer = new BackgroundSync();

    /** Coalesces small writes into 4 MiB positional writes, leaves holes for skipped zeros, reports progress. */
    private final class BufferedSink implements ByteSink {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(4 << 20);
        private long position;
        private long synced;
        long count;

        BufferedSink(FileChannel ch, long start) {
            this.ch = ch;
            this.position = start;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, buf.remaining());
                buf.put(b, off, n);
                off += n;
                len -= n;
                count += n;
                if (!buf.hasRemaining()) {
                    flush();
                }
            }
        }

        @Override
        public void skip(long n) throws IOException {
            flush();
            position += n;
            count += n;
            progress.accept(n);
        }

        void flush() throws IOException {
            buf.flip();
            long n = buf.remaining();
            while (buf.hasRemaining()) {
                position += ch.write(buf, position);
            }
            buf.clear();
            if (n > 0) {
                progress.accept(n);
            }
            if (position - synced >= SYNC_EVERY) {
                synced = position;
                syncer.request(ch);
            }
        }

        /** Makes sure a trailing hole still extends the file to its full length. */
        void finish() throws IOException {
            flush();
            if (ch.size() < position) {
                ch.write(ByteBuffer.wrap(new byte[1]), position - 1);
            }
        }
    }
}
