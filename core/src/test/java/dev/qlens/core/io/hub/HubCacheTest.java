package dev.qlens.core.io.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.testing.SafetensorsBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hub locations as users write them, and the shared Hugging Face cache read offline, laid out as huggingface_hub writes it. */
class HubCacheTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path dir;

    @Test
    void parsesRepoIdsHfUrisAndHubUrlsAsTheSeedCutsThem() {
        assertEquals(new HubReference("deepseek-ai/DeepSeek-R1", "main", ""), HubReference.parse("deepseek-ai/DeepSeek-R1", true));
        assertNull(HubReference.parse("deepseek-ai/DeepSeek-R1", false), "a bare id only when no local file has that name");
        assertNull(HubReference.parse("models/a/b.safetensors", true), "three parts are a local path");
        assertNull(HubReference.parse("out/model.safetensors", true), "a file name is a local path");
        assertNull(HubReference.parse("runs/config.JSON", true));
        assertEquals("v2", HubReference.parse("org/name", true, "v2").revision());
        assertEquals("v1", HubReference.parse("hf://org/name@v1", true, "v2").revision(), "an explicit revision wins");
        assertEquals(new HubReference("org/name", "v1.0", "sub/model.safetensors"),
                HubReference.parse("hf://org/name@v1.0/sub/model.safetensors", false));
        assertEquals(new HubReference("org/name", "main", ""), HubReference.parse("hf:/org/name", false),
                "java.nio collapses the double slash");
        assertEquals(new HubReference("org/name", "dev", "folder"),
                HubReference.parse("https://huggingface.co/org/name/tree/dev/folder", false));
        assertEquals(new HubReference("org/name", "main", ""),
                HubReference.parse("https://hf.co/org/name/discussions/3", false));
        assertEquals(new HubReference("org/name", "main", "model.safetensors"),
                HubReference.parse("https://huggingface.co/org/name/blob/main/model.safetensors?download=true", false));
        assertNull(HubReference.parse("https://example.com/org/name", false));
        assertThrows(IllegalArgumentException.class, () -> HubReference.parse("hf://org/name/../../etc/passwd", false));
        assertThrows(IllegalArgumentException.class, () -> HubReference.parse("hf://only-one-part", false));
        assertEquals("models--org--name", new HubReference("org/name", null, null).cacheFolder());
    }

    @Test
    void findsTheCacheAsTheHuggingFaceToolsDo() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/c"), HubCache.fromEnvironment(Map.of("HF_HUB_CACHE", "/c", "HF_HOME", "/h"), home).root());
        assertEquals(Path.of("/old"), HubCache.fromEnvironment(Map.of("HUGGINGFACE_HUB_CACHE", "/old", "HF_HOME", "/h"), home).root());
        assertEquals(Path.of("/h/hub"), HubCache.fromEnvironment(Map.of("HF_HOME", "/h", "XDG_CACHE_HOME", "/x"), home).root());
        assertEquals(Path.of("/x/huggingface/hub"), HubCache.fromEnvironment(Map.of("XDG_CACHE_HOME", "/x"), home).root());
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), HubCache.fromEnvironment(Map.of(), home).root());
        assertEquals(Path.of("/home/u/hf/hub"), HubCache.fromEnvironment(Map.of("HF_HOME", "~/hf"), home).root());
    }

    /** A cache entry made the way huggingface_hub makes one: blob named by its sha256, ref file, relative symlink. */
    private Path cachedRepo(Path root, byte[] model) throws Exception {
        Path repo = root.resolve("models--org--tiny");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
        Files.createDirectories(repo.resolve("blobs"));
        Files.write(repo.resolve("blobs").resolve(sha), model);
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs").resolve("main"), COMMIT, StandardCharsets.UTF_8);
        Path snap = repo.resolve("snapshots").resolve(COMMIT);
        Files.createDirectories(snap);
        Files.createSymbolicLink(snap.resolve("model.safetensors"), Path.of("../../blobs/" + sha));
        Files.createDirectories(repo.resolve(".no_exist").resolve(COMMIT));
        Files.createFile(repo.resolve(".no_exist").resolve(COMMIT).resolve("model.safetensors.index.json"));
        return repo;
    }

    @Test
    void readsACachedRepositoryOffline() throws Exception {
        Path local = new SafetensorsBuilder().f32("w", new long[] {2, 3}, 1, 2, 3, 4, 5, 6).write(dir.resolve("m.safetensors"));
        Path root = dir.resolve("hub");
        cachedRepo(root, Files.readAllBytes(local));
        HubCache cache = new HubCache(root);
        Path byRef = cache.resolve(HubReference.parse("org/tiny", true));
        assertEquals(root.resolve("models--org--tiny/snapshots/" + COMMIT), byRef);
        Path byCommit = cache.resolve(HubReference.parse("hf://org/tiny@" + COMMIT + "/model.safetensors", false));
        assertTrue(Files.isSymbolicLink(byCommit));
        try (Checkpoint a = Checkpoints.open(byRef); Checkpoint b = Checkpoints.open(local)) {
            assertEquals(1, a.tensors().size());
            assertArrayEquals(b.tensor("w").readAll(), a.tensor("w").readAll());
        }
        IOException missing = assertThrows(IOException.class, () -> cache.resolve(HubReference.parse("org/other", true)));
        assertTrue(missing.getMessage().contains("is not in the Hugging Face cache"), missing.getMessage());
        IOException rev = assertThrows(IOException.class, () -> cache.resolve(HubReference.parse("hf://org/tiny@dev", false)));
        assertTrue(rev.getMessage().contains("revision 'dev' is not in the cache"), rev.getMessage());
        IOException gone = assertThrows(IOException.class,
                () -> cache.resolve(HubReference.parse("hf://org/tiny/model.safetensors.index.json", false)));
        assertTrue(gone.getMessage().contains("the Hub has no such file"), gone.getMessage());
    }
}
