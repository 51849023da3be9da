package dev.qlens.cli.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.safetensors.SafetensorsWriter;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole command in a JVM whose heap is a quarter of the checkpoint: streaming keeps only a few layers. */
class QuantizeMemoryTest {
    static final int LAYERS = 256;
    static final int SIDE = 512;

    @TempDir
    Path dir;

    @Test
    void quantizesACheckpointFourTimesLargerThanItsHeap() throws Exception {
        Path in = dir.resolve("big.safetensors");
        SafetensorsWriter w = SafetensorsWriter.to(in);
        for (int i = 0; i < LAYERS; i++) {
            int seed = i;
            w.add(new SafetensorsWriter.TensorSpec("blocks." + i + ".linear.weight", DType.BF16, new long[] {SIDE, SIDE},
                    sink -> {
                        Random r = new Random(seed);
                        for (int row = 0; row < SIDE; row++) {
                            byte[] b = TestModels.bf16(r, SIDE, 0.02);
                            sink.write(b, 0, b.length);
                        }
                    }));
        }
        w.write();
        long size = Files.size(in);
        assertTrue(size >= 4L * 32 * 1024 * 1024, "checkpoint of " + size + " bytes");
        Path out = dir.resolve("out.safetensors");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx32m", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), "dev.qlens.cli.Main", "quantize", in.toString(),
                "-o", out.toString(), "--format", "int8_tensorwise", "--scaling-mode", "row", "--threads", "2",
                "--no-progress").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "finished");
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("quantized " + LAYERS + " layers"), log);
        try (Checkpoint c = Checkpoints.open(out)) {
            assertEquals(2 * LAYERS + LAYERS, c.tensors().size());
            assertEquals(DType.I8, c.tensor("blocks." + (LAYERS - 1) + ".linear.weight").dtype());
        }
    }

    static void cleanup(Path p) throws IOException {
        Files.deleteIfExists(p);
    }
}
