package dev.qlens.core.io.safetensors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.io.TensorEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Several safetensors shards seen as one tensor map: either the files named by a
 * {@code *.safetensors.index.json} (its {@code weight_map}), or every {@code *.safetensors} file of a
 * directory. Shards are opened when first needed and tensor names must be unique across shards.
 */
public final class ShardedCheckpoint implements Checkpoint {
    private final String displayName;
    private final List<Path> files;
    private final Map<Path, SafetensorsFile> open = new LinkedHashMap<>();
    private final List<TensorEntry> tensors;
    private final Map<String, TensorEntry> byName;
    private final Map<String, String> metadata;

    private ShardedCheckpoint(String displayName, List<Path> files, Map<String, Path> weightMap,
                              Map<String, String> indexMetadata, Path indexFile,
                              Function<Path, SafetensorsFile> opener) {
        this.displayName = displayName;
        this.files = List.copyOf(files);
        Map<String, TensorEntry> map = new LinkedHashMap<>();
        List<TensorEntry> list = new ArrayList<>();
        Map<String, String> meta = new LinkedHashMap<>();
        try {
            for (Path f : files) {
                SafetensorsFile shard = opener.apply(f);
                open.put(f, shard);
                if (meta.isEmpty()) {
                    meta.putAll(shard.metadata());
                }
                for (TensorEntry t : shard.tensors()) {
                    if (weightMap != null) {
                        Path expected = weightMap.get(t.name());
                        if (expected == null) {
                            continue; // not listed in the index: not part of the model
                        }
                        if (!expected.equals(f)) {
                            continue; // the index assigns it to another shard
                        }
                    }
                    TensorEntry previous = map.put(t.name(), t);
                    if (previous != null) {
                        throw new CheckpointException(f, t.name(), "also present in " + previous.origin()
                                + " (tensor names must be unique across shards)");
                    }
                    list.add(t);
                }
            }
            if (weightMap != null) {
                for (Map.Entry<String, Path> e : weightMap.entrySet()) {
                    if (!map.containsKey(e.getKey())) {
                        throw new CheckpointException(indexFile, e.getKey(), "listed in weight_map for "
                                + e.getValue().getFileName() + " but that shard has no such tensor");
                    }
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        meta.putAll(indexMetadata);
        this.tensors = Collections.unmodifiableList(list);
        this.byName = map;
        this.metadata = Collections.unmodifiableMap(meta);
    }

    /**
     * Opens the shards listed by an index file ({@code weight_map}: tensor name → shard file name,
     * relative to the index file's directory).
     */
    public static ShardedCheckpoint fromIndex(Path index) {
        String text;
        try {
            text = Files.readString(index, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException(index, "cannot read index: " + e.getMessage(), e);
        }
        Index parsed = Index.parse(index, text);
        for (Map.Entry<String, Path> e : parsed.weightMap().entrySet()) {
            if (!Files.isRegularFile(e.getValue())) {
                throw new CheckpointException(index, e.getKey(), "shard file " + e.getValue() + " does not exist");
            }
        }
        return of(index.toString(), parsed, SafetensorsFile::open);
    }

    /**
     * The shards of a parsed index, each opened by {@code opener} (which may read it from anywhere, e.g. a
     * server); a file the opener returns is owned by the checkpoint.
     */
    public static ShardedCheckpoint of(String displayName, Index index, Function<Path, SafetensorsFile> opener) {
        return new ShardedCheckpoint(displayName, index.shards(), index.weightMap(), index.metadata(), index.file(),
                opener);
    }

    /** Shards without an index, opened by {@code opener} in the given order. */
    public static ShardedCheckpoint of(String displayName, List<Path> shards, Function<Path, SafetensorsFile> opener) {
        return new ShardedCheckpoint(displayName, shards, null, Map.of(), null, opener);
    }

    /**
     * A parsed {@code *.safetensors.index.json}.
     *
     * @param file the index file (shard names are relative to its folder)
     * @param weightMap tensor name → shard path, in the index's order
     * @param shards the distinct shard paths in order of first mention
     * @param metadata the index's {@code metadata} values, keys prefixed with {@code index.}
     */
    public record Index(Path file, Map<String, Path> weightMap, List<Path> shards, Map<String, String> metadata) {
        /**
         * Parses and validates index text (every shard inside the index's folder).
         *
         * @throws CheckpointException naming the index and what is wrong
         */
        public static Index parse(Path index, String text) {
            JsonObject root;
            try {
                JsonElement parsed = JsonParser.parseString(text);
                if (!parsed.isJsonObject()) {
                    throw new CheckpointException(index, "index is not a JSON object");
                }
                root = parsed.getAsJsonObject();
            } catch (JsonParseException e) {
                throw new CheckpointException(index, "the index file is " + dev.qlens.core.io.JsonErrors.describe(e));
            }
            JsonElement wm = root.get("weight_map");
            if (wm == null || !wm.isJsonObject()) {
                throw new CheckpointException(index, "index has no \"weight_map\" object");
            }
            Path dir = index.toAbsolutePath().getParent();
            Map<String, Path> weightMap = new LinkedHashMap<>();
            List<Path> shards = new ArrayList<>();
            for (Map.Entry<String, JsonElement> e : wm.getAsJsonObject().entrySet()) {
                if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                    throw new CheckpointException(index, e.getKey(), "weight_map value must be a shard file name");
                }
                String fileName = e.getValue().getAsString();
                Path shard = dir.resolve(fileName).normalize();
                if (!shard.startsWith(dir)) {
                    throw new CheckpointException(index, e.getKey(), "shard '" + fileName
                            + "' lies outside the index's directory");
                }
                weightMap.put(e.getKey(), shard);
                if (!shards.contains(shard)) {
                    shards.add(shard);
                }
            }
            Map<String, String> meta = new LinkedHashMap<>();
            JsonElement m = root.get("metadata");
            if (m != null && m.isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : m.getAsJsonObject().entrySet()) {
                    if (e.getValue().isJsonPrimitive()) {
                        meta.put("index." + e.getKey(), e.getValue().getAsString());
                    }
                }
            }
            return new Index(index, weightMap, shards, meta);
        }
    }

    /**
     * Opens a directory: through its {@code model.safetensors.index.json} (or the only
     * {@code *.safetensors.index.json}) when present, otherwise every {@code *.safetensors} file in it.
     */
    public static ShardedCheckpoint fromDirectory(Path dir) {
        List<Path> indexes = new ArrayList<>();
        List<Path> shards = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.endsWith(".safetensors.index.json")) {
                    indexes.add(p);
                } else if (n.endsWith(".safetensors") && Files.isRegularFile(p)) {
                    shards.add(p);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException(dir, "cannot list directory: " + e.getMessage(), e);
        }
        Path preferred = dir.resolve("model.safetensors.index.json");
        if (indexes.contains(preferred)) {
            return fromIndex(preferred);
        }
        if (indexes.size() == 1) {
            return fromIndex(indexes.get(0));
        }
        if (indexes.size() > 1) {
            throw new CheckpointException(dir, "holds several index files (" + indexes.size()
                    + "); pass the one to use");
        }
        if (shards.isEmpty()) {
            throw new CheckpointException(dir, "contains no .safetensors files");
        }
        Collections.sort(shards);
        return of(dir.toString(), shards, SafetensorsFile::open);
    }

    @Override
    public String displayName() {
        return displayName;
    }

    @Override
    public String format() {
        return "safetensors, " + files.size() + (files.size() == 1 ? " shard" : " shards");
    }

    @Override
    public List<Path> files() {
        return files;
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
        return metadata;
    }

    @Override
    public void willRead(java.util.Collection<String> storedNames) throws IOException {
        for (SafetensorsFile f : open.values()) {
            f.willRead(storedNames);
        }
    }

    @Override
    public void close() {
        for (SafetensorsFile f : open.values()) {
            try {
                f.close();
            } catch (RuntimeException ignored) {
                // keep closing the others
            }
        }
        open.clear();
    }
}
