package dev.qlens.core.io.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP side against {@link FakeHub}: metadata, redirects and the token, ranges, errors, retries, resume. */
class HubClientTest {
    @TempDir
    Path tmp;
    FakeHub hub;
    byte[] big;
    byte[] small;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        big = new byte[300_000];
        new java.util.Random(1).nextBytes(big);
        small = "{\"a\": 1}\n".getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("weights/big.bin", big);
        files.put("config.json", small);
        hub.addRepo("org/model", TestRepos.COMMIT, files, null);
        hub.addRepo("org/gated", TestRepos.COMMIT, files, "good-token");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private HubClient client(String token) {
        return new HubClient(TestRepos.settings(hub, tmp.resolve("cache")).withToken(token));
    }

    @Test
    void headOfALargeFileGivesCommitSha256SizeAndTheCdnLocation() throws Exception {
        HubClient.FileInfo f = client("secret").head("org/model", "main", "weights/big.bin", 0);
        assertEquals(TestRepos.COMMIT, f.commit());
        assertEquals(FakeHub.sha256(big), f.etag());
        assertEquals(big.length, f.size());
        assertFalse(HubHttp.sameOrigin(f.location(), hub.endpoint()), "large files live on the cdn");
    }

    @Test
    void headOfASmallFileGivesTheGitBlobSha1() throws Exception {
        HubClient.FileInfo f = client(null).head("org/model", "main", "config.json", 0);
        assertEquals(FakeHub.gitSha1(small), f.etag());
        assertEquals(small.length, f.size());
    }

    @Test
    void theTokenGoesToTheHubButNeverToTheCdn() throws Exception {
        HubClient c = client("secret");
        HubClient.FileInfo f = c.head("org/model", "main", "weights/big.bin", 0);
        byte[] part = c.range(f, 1000, 5000);
        assertArrayEquals(Arrays.copyOfRange(big, 1000, 6000), part);
        assertTrue(hub.seen.stream().anyMatch(s -> s.server().equals("hub") && "Bearer secret".equals(s.authorization())));
        assertTrue(hub.seen.stream().anyMatch(s -> s.server().equals("cdn")), "the range went to the cdn");
        assertEquals(List.of(), hub.tokensSeenByCdn());
        assertTrue(hub.seen.stream().anyMatch(s -> "bytes=1000-5999".equals(s.range())));
    }

    @Test
    void rangeReadsAreExactAtTheEdges() throws Exception {
        HubClient c = client(null);
        HubClient.FileInfo f = c.head("org/model", "main", "weights/big.bin", 0);
        assertArrayEquals(Arrays.copyOfRange(big, 0, 1), c.range(f, 0, 1));
        assertArrayEquals(Arrays.copyOfRange(big, big.length - 7, big.length), c.range(f, big.length - 7, 7));
        long before = hub.bytesSent.get();
        c.range(f, 100, 10_000);
        assertEquals(10_000, hub.bytesSent.get() - before, "exactly the bytes asked for cross the wire");
    }

    @Test
    void errorsSayWhatIsWrong() throws Exception {
        HubException missingAnon = assertThrows(HubException.class,
                () -> client(null).head("org/nothing", "main", "config.json", 0));
        assertEquals(401, missingAnon.status());
        assertTrue(missingAnon.getMessage().contains("repository not found, or it is private or gated and no token"),
                missingAnon.getMessage());
        HubException missing = assertThrows(HubException.class,
                () -> client("secret").head("org/nothing", "main", "config.json", 0));
        assertTrue(missing.getMessage().contains("repository not found"), missing.getMessage());
        HubException gatedAnon = assertThrows(HubException.class,
                () -> client(null).head("org/gated", "main", "config.json", 0));
        assertEquals(401, gatedAnon.status());
        assertTrue(gatedAnon.getMessage().contains("gated"), gatedAnon.getMessage());
        HubException gatedDenied = assertThrows(HubException.class,
                () -> client("other").head("org/gated", "main", "config.json", 0));
        assertEquals(403, gatedDenied.status());
        assertTrue(gatedDenied.getMessage().contains("not in its authorized list"), gatedDenied.getMessage());
        assertTrue(gatedDenied.getMessage().contains("https://huggingface.co/org/gated"), gatedDenied.getMessage());
        HubException invalid = assertThrows(HubException.class,
                () -> client("invalid").head("org/model", "main", "config.json", 0));
        assertTrue(invalid.getMessage().contains("token was rejected"), invalid.getMessage());
        HubException revision = assertThrows(HubException.class,
                () -> client(null).head("org/model", "v9", "config.json", 0));
        assertEquals(404, revision.status());
        assertTrue(revision.getMessage().contains("no such revision"), revision.getMessage());
        assertFalse(revision.isMissingFile());
        HubException file = assertThrows(HubException.class,
                () -> client(null).head("org/model", "main", "nope.json", 0));
        assertTrue(file.isMissingFile());
        assertEquals(TestRepos.COMMIT, file.commit());
        assertTrue(file.getMessage().startsWith("hf://org/model@main/nope.json: no such file"), file.getMessage());
        assertEquals(small.length, client("good-token").head("org/gated", "main", "config.json", 0).size());
    }

    @Test
    void aRateLimitIsWaitedOutAsTheHeadersSay() throws Exception {
        HubClient c = client(null);
        List<Duration> waits = new ArrayList<>();
        c.http.sleeper = waits::add;
        hub.rateLimited.set(2);
        hub.rateLimitReset = 7;
        HubClient.FileInfo f = c.head("org/model", "main", "config.json", 5);
        assertEquals(small.length, f.size());
        assertEquals(List.of(Duration.ofSeconds(8), Duration.ofSeconds(8)), waits, "t+1 seconds, as huggingface_hub waits");
    }

    @Test
    void aRateLimitLongerThanQlensWaitsFailsWithTheWait() {
        HubClient c = client(null);
        c.http.sleeper = d -> { };
        hub.rateLimited.set(1);
        hub.rateLimitReset = 3600;
        HubException e = assertThrows(HubException.class, () -> c.head("org/model", "main", "config.json", 5));
        assertEquals(429, e.status());
        assertTrue(e.getMessage().contains("wait 3601 s"), e.getMessage());
        assertTrue(e.getMessage().contains("bucket: resolvers"), e.getMessage());
    }

    @Test
    void retriesAreBounded() {
        HubClient c = client(null);
        List<Duration> waits = new ArrayList<>();
        c.http.sleeper = waits::add;
        hub.rateLimited.set(100);
        hub.rateLimitReset = 1;
        HubException e = assertThrows(HubException.class, () -> c.head("org/model", "main", "config.json", 5));
        assertEquals(429, e.status());
        assertEquals(5, waits.size());
        assertTrue(e.getMessage().contains("rate limited"), e.getMessage());
    }

    @Test
    void anUnreachableHubIsANetworkErrorAfterBoundedRetries() throws Exception {
        HubSettings s = TestRepos.settings(hub, tmp);
        hub.close();
        HubClient c = new HubClient(s);
        List<Duration> waits = new ArrayList<>();
        c.http.sleeper = waits::add;
        HubException e = assertThrows(HubException.class, () -> c.head("org/model", "main", "config.json", 2));
        assertTrue(e.isTransient());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), waits);
        assertTrue(e.getMessage().contains("could not be reached"), e.getMessage());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
    }

    @Test
    void aRenamedRepositoryIsFollowedByItsRelativeRedirect() throws Exception {
        hub.rename("old/name", "org/model");
        HubClient.FileInfo f = client(null).head("old/name", "main", "config.json", 0);
        assertEquals(FakeHub.gitSha1(small), f.etag());
    }

    @Test
    void treeListingFollowsPages() throws Exception {
        hub.pageSize = 1;
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            files.put("f" + i + ".safetensors", new byte[] {1});
        }
        files.put("sub/inner.safetensors", new byte[] {1});
        hub.addRepo("org/many", TestRepos.COMMIT, files, null);
        List<String> listed = client(null).listFolder("org/many", "main", "");
        assertEquals(List.of("f0.safetensors", "f1.safetensors", "f2.safetensors", "f3.safetensors", "f4.safetensors"),
                listed);
        assertEquals(List.of("sub/inner.safetensors"), client(null).listFolder("org/many", "main", "sub"));
    }

    @Test
    void revisionsAreEncodedWithoutSafeCharactersAndPathsKeepSlashes() {
        assertEquals("refs%2Fpr%2F1", HubClient.encode("refs/pr/1", false));
        assertEquals("sub%20dir/a%2Bb.safetensors", HubClient.encode("sub dir/a+b.safetensors", true));
        assertEquals("abc", HubClient.normalizeEtag("W/\"abc\""));
    }

    @Test
    void theTokenIsLookedUpAsTheHuggingFaceToolsDo() throws Exception {
        Path home = tmp.resolve("home");
        Path hfHome = Files.createDirectories(tmp.resolve("hf"));
        Files.writeString(hfHome.resolve("token"), "hf_file\r\n");
        assertEquals("hf_env", HubSettings.token(Map.of("HF_TOKEN", " hf_env\n", "HUGGING_FACE_HUB_TOKEN", "x"), home));
        assertEquals("hf_legacy", HubSettings.token(Map.of("HUGGING_FACE_HUB_TOKEN", "hf_legacy"), home));
        assertEquals("hf_file", HubSettings.token(Map.of("HF_HOME", hfHome.toString()), home));
        Path elsewhere = tmp.resolve("tok");
        Files.writeString(elsewhere, "hf_path");
        assertEquals("hf_path", HubSettings.token(Map.of("HF_TOKEN_PATH", elsewhere.toString(), "HF_HOME",
                hfHome.toString()), home));
        assertEquals(null, HubSettings.token(Map.of("HF_TOKEN", "hf_env", "HF_HUB_DISABLE_IMPLICIT_TOKEN", "1"), home));
        assertEquals(null, HubSettings.token(Map.of(), home));
        assertFalse(HubSettings.fromEnvironment(Map.of("HF_TOKEN", "hf_secret"), home).toString().contains("hf_secret"));
    }

    @Test
    void environmentChoosesEndpointOfflineAndTimeouts() {
        Path home = tmp.resolve("home");
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "https://mirror.example/", "HF_HUB_OFFLINE",
                "yes", "HF_HUB_ETAG_TIMEOUT", "2.5"), home);
        assertEquals("https://mirror.example", s.endpoint().toString());
        assertTrue(s.offline());
        assertEquals(Duration.ofMillis(2500), s.metadataTimeout());
        assertFalse(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0"), home).offline());
        assertTrue(HubSettings.fromEnvironment(Map.of("TRANSFORMERS_OFFLINE", "1"), home).offline());
        assertThrows(IllegalArgumentException.class,
                () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x"), home));
    }
}
