package dev.qlens.core.io.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The cache fixture in {@code core/src/test/hub-fixture/hub}: a Hugging Face cache written by huggingface_hub
 * itself (see the README there), and the repository it was downloaded from.
 */
final class HubFixture {
    static final String REPO = "qlens-test/tiny";
    /** The fixture cache (outside the test resources, so that Maven does not turn its symlinks into copies). */
    static final Path CACHE = Path.of("src/test/hub-fixture/hub");

    private HubFixture() {
    }

    /** The files served to make the fixture: a two-shard model and index, and one model in a subfolder. */
    static Map<String, byte[]> files(Path work) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>(TestRepos.model(work, "", 2, 16, 24, 4000));
        files.putAll(TestRepos.model(work, "transformer", 1, 8, 8, 1L << 30));
        Map<String, byte[]> out = new LinkedHashMap<>();
        files.forEach((k, v) -> out.put(k.replace("transformer/model.safetensors",
                "transformer/diffusion_pytorch_model.safetensors"), v));
        return out;
    }

    /** The files of the fixture's snapshot (what the fake Hub must serve to reproduce it). */
    static Map<String, byte[]> snapshotFiles() throws IOException {
        Path snapshot = CACHE.resolve("models--qlens-test--tiny/snapshots").resolve(TestRepos.COMMIT);
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(snapshot)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.put(snapshot.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
