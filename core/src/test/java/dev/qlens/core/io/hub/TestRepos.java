package dev.qlens.core.io.hub;

import dev.qlens.core.io.safetensors.SafetensorsWriter;
import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/** Repositories for {@link FakeHub}: sharded safetensors models written by qlens' own writer. */
public final class TestRepos {
    /** A fixed commit. */
    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private TestRepos() {
    }

    /**
     * A model of {@code layers} layers with two float32 weights each ({@code model.layers.K.mlp.up_proj.weight}
     * of rows x cols, {@code ...self_attn.q_proj.weight} of cols x cols), split into shards of at most
     * {@code shardBytes}, with its index, under {@code folder} ("" for the top); plus a README.
     */
    public static Map<String, byte[]> model(Path work, String folder, int layers, int rows, int cols, long shardBytes)
            throws IOException {
        Path dir = Files.createDirectories(work.resolve("repo-" + System.nanoTime()));
        SafetensorsWriter w = SafetensorsWriter.to(dir.resolve("model.safetensors")).maxShardBytes(shardBytes);
        SplittableRandom rnd = new SplittableRandom(42);
        for (int l = 0; l < layers; l++) {
            w.add(f32("model.layers." + l + ".mlp.up_proj.weight", rows, cols, rnd));
            w.add(f32("model.layers." + l + ".self_attn.q_proj.weight", cols, cols, rnd));
        }
        w.write();
        Map<String, byte[]> files = new LinkedHashMap<>();
        String prefix = folder.isEmpty() ? "" : folder + "/";
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                files.put(prefix + p.getFileName(), Files.readAllBytes(p));
            }
        }
        files.put("README.md", "# a test model\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return files;
    }

    /** The acceptance repository: eight float32 tensors of 1024 x 1024 in two shards of 16 MiB, with the index. */
    public static Map<String, byte[]> twoShardModel(Path work) throws IOException {
        return model(work, "", 4, 1024, 1024, (16L << 20) + 4096);
    }

    private static SafetensorsWriter.TensorSpec f32(String name, int rows, int cols, SplittableRandom rnd) {
        byte[] b = new byte[rows * cols * 4];
        for (int i = 0; i < rows * cols; i++) {
            LittleEndian.putInt(b, 4 * i, Float.floatToRawIntBits((float) (rnd.nextDouble() * 2 - 1) * 0.05f));
        }
        return new SafetensorsWriter.TensorSpec(name, DType.F32, new long[] {rows, cols},
                sink -> sink.write(b, 0, b.length));
    }

    /** Settings that talk to the fake hub and use {@code cache}, quietly, with retries that do not sleep long. */
    public static HubSettings settings(FakeHub hub, Path cache) {
        return HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", hub.endpoint().toString(), "HF_HUB_CACHE",
                cache.toString(), "HF_HUB_DISABLE_IMPLICIT_TOKEN", "1"), cache.resolve("home"))
                .withListener(HubListener.SILENT);
    }
}
