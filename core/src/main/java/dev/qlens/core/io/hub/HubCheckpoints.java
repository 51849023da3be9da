package dev.qlens.core.io.hub;

import dev.qlens.core.io.ByteSource;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.MappedFile;
import dev.qlens.core.io.onnx.OnnxCheckpoint;
import dev.qlens.core.io.safetensors.SafetensorsFile;
import dev.qlens.core.io.safetensors.ShardedCheckpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * Opens a Hub repository (or a file or folder in it) as a checkpoint. Small files (an index) are downloaded
 * into the shared cache; safetensors shards are read by range, header first, unless they are cached already
 * or {@code --download} asks for whole files; ONNX models are downloaded. Offline, or when the Hub cannot be
 * reached or refuses and a cached copy exists, the cache is read instead, as huggingface_hub does.
 */
public final class HubCheckpoints {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final String INDEX = "model.safetensors.index.json";
    private static final int PARALLEL_HEADS = 8;

    private final HubReference ref;
    private final HubSettings settings;
    private final HubClient client;
    private final HubCacheWriter writer;
    private String commit;

    private HubCheckpoints(HubReference ref, HubSettings settings) {
        this.ref = ref;
        this.settings = settings;
        this.client = new HubClient(settings);
        this.writer = new HubCacheWriter(settings.cache());
    }

    /**
     * Opens {@code ref} with {@code settings}.
     *
     * @throws CheckpointException naming the reference and what went wrong
     */
    public static Checkpoint open(HubReference ref, HubSettings settings) {
        try {
            if (settings.offline()) {
                return Checkpoints.open(settings.cache().resolve(ref));
            }
            if (COMMIT.matcher(ref.revision()).matches() && isFile(ref.path())) {
                Path cached = new HubCacheWriter(settings.cache()).snapshotPath(ref.repoId(), ref.revision(), ref.path());
                if (Files.exists(cached)) {
                    return Checkpoints.open(cached); // pinned to a commit and cached: no request at all
                }
            }
            return new HubCheckpoints(ref, settings).openOnline();
        } catch (IOException e) {
            // The messages name the reference (or the Hub file) themselves.
            throw new CheckpointException(e.getMessage() == null ? ref + ": " + e : e.getMessage());
        }
    }

    private Checkpoint openOnline() throws IOException {
        Plan plan;
        try {
            plan = plan(0); // a quick first try, so that a cached copy serves at once when the Hub is away
        } catch (HubException e) {
            if (e.isTransient() || e.status() == 401 || e.status() == 403) {
                Path cached = cachedCopy();
                if (cached != null) {
                    settings.listener().warn(e.getMessage() + "; reading the cached copy " + cached);
                    return Checkpoints.open(cached);
                }
            }
            if (!e.isTransient()) {
                throw e;
            }
            plan = plan(settings.maxRetries());
        }
        Checkpoint opened = plan.open();
        return new HubCheckpoint(opened, client, ref.toString());
    }

    private Path cachedCopy() {
        try {
            return settings.cache().resolve(ref);
        } catch (IOException e) {
            return null;
        }
    }

    /** What to open: the files and how they make a checkpoint. */
    private interface Plan {
        Checkpoint open() throws IOException;
    }

    private Plan plan(int retries) throws IOException {
        String path = ref.path();
        if (isFile(path)) {
            HubClient.FileInfo f = head(path, retries);
            String name = path.toLowerCase(Locale.ROOT);
            if (name.endsWith(".json")) {
                return () -> openIndex(f);
            }
            if (name.endsWith(".onnx")) {
                return () -> openOnnx(f);
            }
            return () -> open(f);
        }
        String prefix = path.isEmpty() ? "" : path.replaceAll("/+$", "") + "/";
        HubClient.FileInfo index = headIfPresent(prefix + INDEX, retries);
        if (index != null) {
            return () -> openIndex(index);
        }
        HubClient.FileInfo single = headIfPresent(prefix + "model.safetensors", retries);
        if (single != null) {
            return () -> open(single);
        }
        List<String> files = client.listFolder(ref.repoId(), revisionToUse(), prefix.isEmpty() ? "" : prefix
                .substring(0, prefix.length() - 1));
        List<String> indexes = files.stream().filter(f -> f.endsWith(".safetensors.index.json")).sorted().toList();
        List<String> shards = files.stream().filter(f -> f.endsWith(".safetensors")).sorted().toList();
        List<String> onnx = files.stream().filter(f -> f.endsWith(".onnx")).sorted().toList();
        if (indexes.size() > 1) {
            throw new IOException(ref + " holds several index files (" + String.join(", ", indexes) + "); name one,"
                    + " e.g. hf://" + ref.repoId() + "/" + indexes.get(0));
        }
        if (indexes.size() == 1) {
            HubClient.FileInfo f = head(indexes.get(0), retries);
            return () -> openIndex(f);
        }
        if (!shards.isEmpty()) {
            return () -> openShards(shards);
        }
        if (onnx.size() == 1) {
            HubClient.FileInfo f = head(onnx.get(0), retries);
            return () -> openOnnx(f);
        }
        throw new IOException(ref + " has no safetensors file, index or single ONNX model"
                + (onnx.size() > 1 ? " (several ONNX models: name one, e.g. hf://" + ref.repoId() + "/" + onnx.get(0) + ")"
                : files.isEmpty() ? "" : " (it holds " + files.size() + " other files)"));
    }

    private Checkpoint openIndex(HubClient.FileInfo f) throws IOException {
        Path pointer = download(f);
        ShardedCheckpoint.Index index = ShardedCheckpoint.Index.parse(pointer,
                Files.readString(pointer, StandardCharsets.UTF_8));
        Path dir = pointer.toAbsolutePath().getParent();
        String prefix = f.path().contains("/") ? f.path().substring(0, f.path().lastIndexOf('/') + 1) : "";
        List<String> repoPaths = new ArrayList<>();
        for (Path shard : index.shards()) {
            repoPaths.add(prefix + dir.relativize(shard).toString().replace('\\', '/'));
        }
        List<SafetensorsFile> files = openAll(repoPaths);
        Map<Path, SafetensorsFile> byIndexPath = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            byIndexPath.put(index.shards().get(i), files.get(i)); // same order as the index lists them
        }
        return ShardedCheckpoint.of(ref.toString(), index, byIndexPath::get);
    }

    /**
     * An ONNX model, downloaded whole (protobuf is read front to back), with the external data files beside it
     * that follow the usual names ({@code <stem>.onnx_data}, {@code <stem>.onnx.data}, {@code <stem>.data}).
     */
    private Checkpoint openOnnx(HubClient.FileInfo f) throws IOException {
        Path model = download(f);
        int slash = f.path().lastIndexOf('/');
        String folder = slash < 0 ? "" : f.path().substring(0, slash);
        String stem = f.path().substring(slash + 1).replaceAll("(?i)\\.onnx$", "");
        for (String p : client.listFolder(ref.repoId(), revisionToUse(), folder)) {
            String n = p.substring(p.lastIndexOf('/') + 1);
            if (n.startsWith(stem) && (n.endsWith(".onnx_data") || n.endsWith(".onnx.data") || n.endsWith(".data"))) {
                download(head(p, settings.maxRetries()));
            }
        }
        return OnnxCheckpoint.open(model);
    }

    private Checkpoint openShards(List<String> repoPaths) throws IOException {
        Map<Path, SafetensorsFile> opened = new LinkedHashMap<>();
        for (SafetensorsFile f : openAll(repoPaths)) {
            opened.put(f.path(), f);
        }
        return ShardedCheckpoint.of(ref.toString(), new ArrayList<>(opened.keySet()), opened::get);
    }

    /** Opens every shard: HEAD and header read in parallel (two requests per shard), in the given order. */
    private List<SafetensorsFile> openAll(List<String> repoPaths) throws IOException {
        HubListener.Transfer progress = settings.listener().opening(ref.toString(), repoPaths.size());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_HEADS, repoPaths.size()), r -> {
            Thread t = new Thread(r, "qlens-hub-open");
            t.setDaemon(true);
            return t;
        });
        List<Future<SafetensorsFile>> futures = new ArrayList<>();
        try {
            for (String p : repoPaths) {
                futures.add(pool.submit(() -> {
                    SafetensorsFile sf = open(head(p, settings.maxRetries()));
                    progress.advance(1);
                    return sf;
                }));
            }
            List<SafetensorsFile> out = new ArrayList<>();
            for (Future<SafetensorsFile> fu : futures) {
                out.add(fu.get());
            }
            return out;
        } catch (ExecutionException e) {
            closeAll(futures);
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAll(futures);
            throw new java.io.InterruptedIOException("interrupted while opening " + ref);
        } finally {
            pool.shutdown();
            progress.close();
        }
    }

    private static void closeAll(List<Future<SafetensorsFile>> futures) {
        for (Future<SafetensorsFile> f : futures) {
            try {
                if (f.isDone() && !f.isCancelled()) {
                    f.get().close();
                } else {
                    f.cancel(true);
                }
            } catch (ExecutionException | InterruptedException | RuntimeException ignored) {
                // it failed on its own, or is being torn down
            }
        }
    }

    /** One safetensors file: the cached blob when there is one, a download when asked, else ranges. */
    private SafetensorsFile open(HubClient.FileInfo f) throws IOException {
        Path pointer = writer.snapshotPath(f.repoId(), f.commit(), f.path());
        ByteSource source;
        if (Files.exists(writer.blob(f.repoId(), f.etag())) || settings.downloadWhole()) {
            pointer = download(f);
            source = MappedFile.open(pointer);
        } else {
            source = new RemoteFile(client, writer, f, ref.revision());
        }
        return SafetensorsFile.open(source, pointer);
    }

    private Path download(HubClient.FileInfo f) throws IOException {
        return HubDownload.toCache(client, writer, f, ref.revision());
    }

    /** HEADs a file; the first answer fixes the commit every later request asks for. */
    private HubClient.FileInfo head(String path, int retries) throws IOException {
        HubClient.FileInfo f = client.head(ref.repoId(), revisionToUse(), path, retries);
        synchronized (this) {
            if (commit == null) {
                commit = f.commit();
            }
        }
        return f;
    }

    private HubClient.FileInfo headIfPresent(String path, int retries) throws IOException {
        try {
            return head(path, retries);
        } catch (HubException e) {
            if (e.isMissingFile()) {
                if (e.commit() != null && COMMIT.matcher(e.commit()).matches()) {
                    try {
                        writer.recordMissing(ref.repoId(), e.commit(), path); // as huggingface_hub records a 404
                    } catch (IOException ignored) {
                        // a read-only cache: the note is an optimisation only
                    }
                }
                return null;
            }
            throw e;
        }
    }

    private synchronized String revisionToUse() {
        return commit != null ? commit : ref.revision();
    }

    /** A path that names a file (by its extension) rather than a folder. */
    static boolean isFile(String path) {
        String n = path.toLowerCase(Locale.ROOT);
        return n.endsWith(".safetensors") || n.endsWith(".json") || n.endsWith(".onnx");
    }
}
