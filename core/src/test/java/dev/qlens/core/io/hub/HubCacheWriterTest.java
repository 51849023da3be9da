package dev.qlens.core.io.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubCacheWriterTest {
    @TempDir
    Path tmp;

    @Test
    void aPullRequestRevisionIsANestedRefAndACommitNeedsNone() throws Exception {
        HubCacheWriter w = new HubCacheWriter(new HubCache(tmp));
        w.writeRef("org/name", "refs/pr/1", TestRepos.COMMIT);
        Path ref = tmp.resolve("models--org--name/refs/refs/pr/1");
        assertEquals(TestRepos.COMMIT, Files.readString(ref, StandardCharsets.UTF_8), "no trailing newline");
        w.writeRef("org/name", TestRepos.COMMIT, TestRepos.COMMIT);
        try (Stream<Path> s = Files.walk(tmp.resolve("models--org--name/refs"))) {
            assertEquals(1, s.filter(Files::isRegularFile).count());
        }
        assertThrows(java.io.IOException.class, () -> w.writeRef("org/name", "../../evil", TestRepos.COMMIT));
        try (Stream<Path> s = Files.walk(tmp)) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void unsafeRepositoryFileNamesAreRefused() {
        HubCacheWriter w = new HubCacheWriter(new HubCache(tmp));
        for (String bad : List.of("../x.safetensors", "a/../../x", "/etc/passwd", "C:/x", "a\\b")) {
            assertThrows(IllegalArgumentException.class, () -> w.snapshotPath("org/name", TestRepos.COMMIT, bad), bad);
        }
        assertTrue(w.snapshotPath("org/name", TestRepos.COMMIT, "sub/x.safetensors").endsWith("sub/x.safetensors"));
    }

    @Test
    void theCacheTagIsHuggingFaceHubsTextAndIsWrittenOnce() throws Exception {
        HubCacheWriter w = new HubCacheWriter(new HubCache(tmp.resolve("hub")));
        w.tagCache();
        Path tag = tmp.resolve("hub/CACHEDIR.TAG");
        assertEquals(Files.readString(HubFixture.CACHE.resolve("CACHEDIR.TAG")), Files.readString(tag));
        Files.writeString(tag, "kept");
        w.tagCache();
        assertEquals("kept", Files.readString(tag));
        assertFalse(Files.list(tmp.resolve("hub")).anyMatch(p -> p.toString().endsWith(".tmp")));
    }
}
