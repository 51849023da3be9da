package dev.qlens.core.io.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.io.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hub repositories as checkpoints: header-only opening, ranged tensor reads, downloads into the shared cache. */
class HubCheckpointsTest {
    @TempDir
    Path tmp;
    FakeHub hub;
    Map<String, byte[]> model;
    long repoBytes;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        model = TestRepos.twoShardModel(tmp);
        repoBytes = model.values().stream().mapToLong(b -> b.length).sum();
        hub.addRepo("org/big", TestRepos.COMMIT, model, null);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubSettings settings() {
        return TestRepos.settings(hub, tmp.resolve("cache")).withToken("hf_secret");
    }

    private static HubReference ref(String text) {
        return HubReference.parse(text, true);
    }

    @Test
    void openingAShardedRepoReadsOnlyTheIndexAndTheHeaders() throws Exception {
        assertEquals(3, model.keySet().stream().filter(k -> k.startsWith("model")).count(), "index + 2 shards");
        try (Checkpoint c = HubCheckpoints.open(ref("org/big"), settings())) {
            assertEquals(8, c.tensors().size());
            assertEquals("hf://org/big", c.displayName());
            assertTrue(c.format().contains("2 shards"), c.format());
        }
        assertTrue(hub.bytesSent.get() < repoBytes / 100, hub.bytesSent.get() + " of " + repoBytes + " bytes sent");
        assertEquals(List.of(), hub.tokensSeenByCdn());
        Path blobs = tmp.resolve("cache/models--org--big/blobs");
        try (Stream<Path> s = Files.list(blobs)) {
            assertEquals(List.of(FakeHub.gitSha1(model.get("model.safetensors.index.json"))),
                    s.map(p -> p.getFileName().toString()).toList(), "only the index is downloaded");
        }
    }

    @Test
    void aTensorIsReadByRangeAndOnlyItsBytesCross() throws Exception {
        String name = "model.layers.3.mlp.up_proj.weight";
        try (Checkpoint c = HubCheckpoints.open(ref("hf://org/big"), settings())) {
            long opened = hub.bytesSent.get();
            TensorEntry t = c.tensor(name);
            byte[] all = new byte[(int) t.byteSize()];
            for (int off = 0; off < all.length; off += 1 << 20) {
                t.readBytes(off, all, off, Math.min(1 << 20, all.length - off)); // chunk by chunk, as commands stream
            }
            long sent = hub.bytesSent.get() - opened;
            assertTrue(sent <= t.byteSize(), sent + " bytes sent for a tensor of " + t.byteSize());
            try (SafetensorsFile local = SafetensorsFile.open(Files.write(tmp.resolve("shard.safetensors"),
                    model.get(t.origin())))) {
                byte[] expected = new byte[all.length];
                local.tensor(name).readBytes(0, expected, 0, expected.length);
                assertArrayEquals(expected, all);
            }
        }
    }

    @Test
    void smallTensorsSideBySideCostOneRequest() throws Exception {
        dev.qlens.core.testing.SafetensorsBuilder b = new dev.qlens.core.testing.SafetensorsBuilder();
        b.f32("big.weight", new long[] {256, 1024}, new float[256 * 1024]);
        for (int i = 0; i < 40; i++) {
            b.f32("layers." + i + ".scale", new long[] {64}, new float[64]); // 256 bytes each, stored together
        }
        byte[] file = Files.readAllBytes(b.write(tmp.resolve("small.safetensors")));
        hub.addRepo("org/small", TestRepos.COMMIT, Map.of("model.safetensors", file), null);
        try (Checkpoint c = HubCheckpoints.open(ref("org/small"), settings())) {
            long before = hub.seen.size();
            byte[] buf = new byte[256];
            for (int i = 0; i < 40; i++) {
                c.tensor("layers." + i + ".scale").readBytes(0, buf, 0, buf.length);
            }
            long ranges = hub.seen.size() - before;
            assertTrue(ranges <= 1, ranges + " requests for 40 small tensors stored side by side");
        }
    }

    @Test
    void readingMostOfAShardDownloadsItWholeIntoTheCache() throws Exception {
        try (Checkpoint c = HubCheckpoints.open(ref("org/big"), settings())) {
            List<String> firstShard = new ArrayList<>();
            for (TensorEntry t : c.tensors()) {
                if (t.origin().equals("model-00001-of-00002.safetensors")) {
                    firstShard.add(t.name());
                }
            }
            c.willRead(firstShard);
            Path blob = tmp.resolve("cache/models--org--big/blobs")
                    .resolve(FakeHub.sha256(model.get("model-00001-of-00002.safetensors")));
            assertTrue(Files.isRegularFile(blob));
            long before = hub.bytesSent.get();
            byte[] b = new byte[1000];
            c.tensor(firstShard.get(0)).readBytes(0, b, 0, b.length);
            assertEquals(before, hub.bytesSent.get(), "read from the downloaded blob");
        }
    }

    @Test
    void aBrokenDownloadIsResumedAndVerified() throws Exception {
        hub.cutBodies.set(2);
        try (Checkpoint c = HubCheckpoints.open(ref("org/big"), settings().withDownloadWhole(true))) {
            assertEquals(8, c.tensors().size());
        }
        assertTrue(hub.seen.stream().anyMatch(s -> s.server().equals("cdn") && s.range() != null
                && s.range().matches("bytes=[1-9][0-9]*-")), "resumed with an open-ended range: " + hub.seen);
        Path repo = tmp.resolve("cache/models--org--big");
        for (String shard : List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
            Path link = repo.resolve("snapshots").resolve(TestRepos.COMMIT).resolve(shard);
            assertArrayEquals(model.get(shard), Files.readAllBytes(link));
        }
        try (Stream<Path> s = Files.walk(tmp.resolve("cache"))) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".incomplete")).toList());
        }
    }

    @Test
    void corruptedBytesAreNeverStored() throws Exception {
        hub.corruptBodies = true;
        CheckpointException e = assertThrows(CheckpointException.class, () -> HubCheckpoints.open(
                ref("hf://org/big/model-00001-of-00002.safetensors"), settings().withDownloadWhole(true)));
        assertTrue(e.getMessage().contains("do not match the Hub's SHA-256"), e.getMessage());
        try (Stream<Path> s = Files.walk(tmp.resolve("cache"))) {
            assertEquals(List.of(), s.filter(p -> p.toString().contains("/blobs/") && Files.isRegularFile(p)).toList(),
                    "no blob, no temporary file");
        }
    }

    @Test
    void aStalledDownloadTimesOutAndResumes() throws Exception {
        hub.stallBodies.set(1);
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_HUB_CACHE",
                tmp.resolve("cache").toString(), "HF_HUB_DOWNLOAD_TIMEOUT", "0.5"), tmp).withListener(HubListener.SILENT)
                .withDownloadWhole(true);
        long start = System.nanoTime();
        try (Checkpoint c = HubCheckpoints.open(ref("hf://org/big/model-00001-of-00002.safetensors"), s)) {
            assertEquals(4, c.tensors().size());
        }
        assertTrue(System.nanoTime() - start < 4_000_000_000L, "the stall was cut short by the timeout");
        assertTrue(hub.seen.stream().anyMatch(x -> x.server().equals("cdn") && x.range() != null), hub.seen.toString());
    }

    @Test
    void anExpiredDownloadUrlIsResolvedAgain() throws Exception {
        try (Checkpoint c = HubCheckpoints.open(ref("org/big"), settings())) {
            hub.validGeneration.incrementAndGet(); // every signed URL handed out so far has expired
            byte[] b = new byte[4096];
            c.tensor("model.layers.3.mlp.up_proj.weight").readBytes(0, b, 0, b.length);
            assertArrayEquals(java.util.Arrays.copyOfRange(localBytes("model.layers.3.mlp.up_proj.weight"), 0, 4096), b);
        }
        assertTrue(hub.seen.stream().filter(s -> s.method().equals("HEAD")).count() > 3, "resolved again");
    }

    @Test
    void aDownloadTheServerCannotResumeStartsOver() throws Exception {
        hub.cutBodies.set(1);
        hub.ignoreRanges = true;
        try (Checkpoint c = HubCheckpoints.open(ref("hf://org/big/model-00002-of-00002.safetensors"),
                settings().withDownloadWhole(true))) {
            assertEquals(4, c.tensors().size());
        }
        Path link = tmp.resolve("cache/models--org--big/snapshots").resolve(TestRepos.COMMIT)
                .resolve("model-00002-of-00002.safetensors");
        assertArrayEquals(model.get("model-00002-of-00002.safetensors"), Files.readAllBytes(link));
    }

    private byte[] localBytes(String tensor) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("local"));
        for (Map.Entry<String, byte[]> e : model.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        try (Checkpoint c = dev.qlens.core.io.Checkpoints.open(dir)) {
            TensorEntry t = c.tensor(tensor);
            byte[] b = new byte[(int) t.byteSize()];
            t.readBytes(0, b, 0, b.length);
            return b;
        }
    }

    @Test
    void aServerThatIgnoresRangesGetsOneWholeDownload() throws Exception {
        hub.ignoreRanges = true;
        try (Checkpoint c = HubCheckpoints.open(ref("org/big"), settings())) {
            TensorEntry t = c.tensor("model.layers.0.self_attn.q_proj.weight");
            byte[] b = new byte[64];
            t.readBytes(128, b, 0, b.length);
            assertEquals(8, c.tensors().size());
        }
        assertTrue(Files.isDirectory(tmp.resolve("cache/models--org--big/blobs")));
        try (Stream<Path> s = Files.list(tmp.resolve("cache/models--org--big/blobs"))) {
            assertEquals(3, s.count(), "index and both shards downloaded once each");
        }
    }

    @Test
    void aCommitPinnedCachedFileNeedsNoRequest() throws Exception {
        try (Checkpoint c = HubCheckpoints.open(ref("org/big"), settings().withDownloadWhole(true))) {
            assertEquals(8, c.tensors().size());
        }
        hub.seen.clear();
        try (Checkpoint c = HubCheckpoints.open(ref("hf://org/big@" + TestRepos.COMMIT
                + "/model-00002-of-00002.safetensors"), settings())) {
            assertEquals(4, c.tensors().size());
        }
        assertEquals(List.of(), hub.seen);
    }

    @Test
    void whenTheHubIsUnreachableTheCachedCopyServes() throws Exception {
        try (Checkpoint c = HubCheckpoints.open(ref("org/big"), settings().withDownloadWhole(true))) {
            assertEquals(8, c.tensors().size());
        }
        HubSettings s = settings();
        hub.close();
        List<String> notes = new ArrayList<>();
        try (Checkpoint c = HubCheckpoints.open(ref("org/big"), s.withListener(listener(notes)))) {
            assertEquals(8, c.tensors().size());
        }
        assertTrue(notes.stream().anyMatch(n -> n.contains("could not be reached") && n.contains("cached copy")), notes.toString());
    }

    @Test
    void missingRevisionsAndFilesAreNamed() {
        CheckpointException rev = assertThrows(CheckpointException.class,
                () -> HubCheckpoints.open(ref("hf://org/big@v2"), settings()));
        assertTrue(rev.getMessage().contains("hf://org/big@v2") && rev.getMessage().contains("no such revision"),
                rev.getMessage());
        CheckpointException file = assertThrows(CheckpointException.class,
                () -> HubCheckpoints.open(ref("hf://org/big/nope.safetensors"), settings()));
        assertTrue(file.getMessage().contains("nope.safetensors") && file.getMessage().contains("no such file"),
                file.getMessage());
        CheckpointException repo = assertThrows(CheckpointException.class,
                () -> HubCheckpoints.open(ref("org/none"), settings()));
        assertTrue(repo.getMessage().contains("repository not found"), repo.getMessage());
    }

    @Test
    void aFolderWithoutAnIndexIsListedAndItsShardsOpened() throws Exception {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        model.forEach((k, v) -> {
            if (k.endsWith(".safetensors")) {
                files.put("unet/" + k.replace("model-", "part-"), v);
            }
        });
        hub.addRepo("org/folder", TestRepos.COMMIT, files, null);
        try (Checkpoint c = HubCheckpoints.open(ref("hf://org/folder/unet"), settings())) {
            assertEquals(8, c.tensors().size());
        }
        Path noExist = tmp.resolve("cache/models--org--folder/.no_exist").resolve(TestRepos.COMMIT).resolve("unet");
        assertTrue(Files.exists(noExist.resolve("model.safetensors.index.json")), "the 404 is recorded as the Hub tools do");
    }

    @Test
    void anOnnxModelIsDownloadedWithItsExternalData() throws Exception {
        float[] values = new float[600];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.25f;
        }
        byte[][] onnx = dev.qlens.core.io.onnx.OnnxTestModels.withExternalData("model.onnx_data", values);
        hub.addRepo("org/onnx", TestRepos.COMMIT, Map.of("onnx/model.onnx", onnx[0], "onnx/model.onnx_data", onnx[1],
                "onnx/unrelated.bin", new byte[5000]), null);
        try (Checkpoint c = HubCheckpoints.open(ref("hf://org/onnx/onnx"), settings())) {
            float[] read = new dev.qlens.core.io.DecodedTensor(c.tensor("w")).readAll();
            assertArrayEquals(values, read);
        }
        assertFalse(Files.exists(tmp.resolve("cache/models--org--onnx/snapshots").resolve(TestRepos.COMMIT)
                .resolve("onnx/unrelated.bin")), "only the model's own data files");
    }

    @Test
    void aCacheWrittenByQlensHasTheLayoutHuggingFaceHubWrote() throws Exception {
        hub.addRepo(HubFixture.REPO, TestRepos.COMMIT, HubFixture.snapshotFiles(), null);
        Path cache = tmp.resolve("qlens-cache");
        HubSettings s = TestRepos.settings(hub, cache).withDownloadWhole(true);
        try (Checkpoint c = HubCheckpoints.open(ref(HubFixture.REPO), s)) {
            assertEquals(4, c.tensors().size());
        }
        try (Checkpoint c = HubCheckpoints.open(ref("hf://" + HubFixture.REPO + "/transformer"), s)) {
            assertEquals(2, c.tensors().size());
        }
        assertEquals(withoutModes(CacheListing.of(HubFixture.CACHE)), withoutModes(CacheListing.of(cache)));
        Path probe = Files.createFile(cache.resolve("models--qlens-test--tiny/blobs/probe"));
        String fresh = PosixFilePermissions.toString(Files.getPosixFilePermissions(probe));
        Files.delete(probe);
        for (String line : CacheListing.of(cache)) {
            if (line.startsWith("file .locks/")) {
                assertTrue(line.contains(" rw-rw-r-- "), line + ": lock files are 0664, as huggingface_hub makes them");
            } else if (line.startsWith("file ")) {
                assertTrue(line.contains(" " + fresh + " "), line + ": a new file's permissions (" + fresh + ")");
            }
        }
    }

    @Test
    void theFixtureMadeByHuggingFaceHubIsReadOffline() throws Exception {
        HubSettings offline = TestRepos.settings(hub, HubFixture.CACHE).withOffline(true);
        try (Checkpoint c = HubCheckpoints.open(ref(HubFixture.REPO), offline)) {
            assertEquals(4, c.tensors().size());
            byte[] b = new byte[16];
            c.tensor("model.layers.1.mlp.up_proj.weight").readBytes(0, b, 0, b.length);
        }
        try (Checkpoint c = HubCheckpoints.open(ref("hf://" + HubFixture.REPO + "/transformer"), offline)) {
            assertEquals(2, c.tensors().size());
        }
        CheckpointException missing = assertThrows(CheckpointException.class, () -> HubCheckpoints.open(
                ref("hf://" + HubFixture.REPO + "/transformer/model.safetensors"), offline));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        assertEquals(List.of(), hub.seen, "offline means no request");
    }

    private static List<String> withoutModes(List<String> listing) {
        return listing.stream().map(l -> l.replaceAll(" [r-][w-][x-][r-][w-][x-][r-][w-][x-] ", " ")).toList();
    }

    private static HubListener listener(List<String> notes) {
        return notes::add;
    }

    @Test
    void settingsNeverHoldAFalseRevision() {
        assertFalse(settings().withRevision(null).revision().isEmpty());
    }
}
