package dev.qlens.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.CliRunner;
import dev.qlens.core.testing.SafetensorsBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qlens sweep} on the command line: outputs, results folder, cache, config errors, reconstruct. */
class SweepCommandTest {
    @TempDir
    Path dir;

    private Path model() throws Exception {
        Random r = new Random(3);
        float[] a = new float[64 * 96];
        float[] b = new float[64];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * 0.02);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextGaussian();
        }
        return new SafetensorsBuilder().f32("blocks.0.attn.weight", new long[] {64, 96}, a)
                .f32("blocks.0.attn.bias", new long[] {64}, b)
                .f32("blocks.1.mlp.weight", new long[] {64, 96}, a)
                .write(dir.resolve("tiny.safetensors"));
    }

    private static JsonObject json(CliRunner.Result r) {
        assertEquals(0, r.exitCode(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    @Test
    void tableAndResultsFolder() throws Exception {
        Path out = dir.resolve("results");
        CliRunner.Result r = CliRunner.run("sweep", model().toString(), "-c", "bf16", "-c", "fp8_e4m3", "-c", "mxfp4",
                "--summary", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("blocks.0.attn.weight"), r.out());
        assertFalse(r.out().contains("blocks.0.attn.bias"), "only weights are swept");
        assertTrue(r.out().contains("SUMMARY"), r.out());
        assertTrue(r.out().contains("recommended: "), r.out());
        Path run;
        try (Stream<Path> s = Files.list(out.resolve("tiny").resolve("none"))) {
            run = s.findFirst().orElseThrow();
        }
        assertTrue(Files.exists(run.resolve("results.json")));
        assertTrue(Files.exists(run.resolve("compression_config.used.json")));
        String table = Files.readString(run.resolve("table.txt"));
        assertFalse(table.contains("\u001B["), "table.txt has no ANSI codes");
        assertTrue(table.contains("MXFP4"), table);
    }

    @Test
    void jsonRowsAreCachedAndIdentical() throws Exception {
        Path m = model();
        Path out = dir.resolve("r");
        JsonObject first = json(CliRunner.run("sweep", m.toString(), "-c", "nvfp4", "-c", "int8_ch", "--format", "json",
                "--out", out.toString()));
        JsonObject second = json(CliRunner.run("sweep", m.toString(), "-c", "nvfp4", "-c", "int8_ch", "--format", "json",
                "--out", out.toString()));
        JsonArray a = first.getAsJsonArray("tensors").get(0).getAsJsonObject().getAsJsonArray("results");
        JsonArray b = second.getAsJsonArray("tensors").get(0).getAsJsonObject().getAsJsonArray("results");
        assertFalse(a.get(0).getAsJsonObject().get("cached").getAsBoolean());
        assertTrue(b.get(0).getAsJsonObject().get("cached").getAsBoolean());
        for (String k : List.of("pcc", "mae", "atol", "snr_db", "bytes", "bits_per_element")) {
            assertEquals(a.get(0).getAsJsonObject().get(k), b.get(0).getAsJsonObject().get(k), k);
        }
        JsonObject third = json(CliRunner.run("sweep", m.toString(), "-c", "nvfp4", "--format", "json", "--recompute",
                "--out", out.toString()));
        assertFalse(third.getAsJsonArray("tensors").get(0).getAsJsonObject().getAsJsonArray("results").get(0)
                .getAsJsonObject().get("cached").getAsBoolean());
        // NVFP4 takes 4.5 bits per element on a 64 x 96 tensor (E4M3 scale per 16, one float32).
        double bits = a.get(0).getAsJsonObject().get("bits_per_element").getAsDouble();
        assertEquals(8.0 * (64 * 96 / 2 + 64 * 96 / 16 + 4) / (64 * 96), bits, 1e-12);
    }

    @Test
    void csvAndFilters() throws Exception {
        CliRunner.Result r = CliRunner.run("sweep", model().toString(), "blocks.1", "-c", "bfp8", "--format", "csv",
                "--no-save");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(2, lines.length, r.out());
        assertTrue(lines[1].startsWith("blocks.1.mlp.weight,"), lines[1]);
    }

    @Test
    void badInputsAreClearErrors() throws Exception {
        Path m = model();
        CliRunner.Result r = CliRunner.run("sweep", m.toString(), "-c", "fp9", "--no-save");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("fp9"), r.err());
        Path cfg = dir.resolve("bad.json");
        Files.writeString(cfg, "{\"algorithm\": \"mixed-tile-magic\"}");
        r = CliRunner.run("sweep", m.toString(), "--compression-config", cfg.toString(), "--no-save");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("bad.json") && r.err().contains("mixed-tile-magic"), r.err());
        r = CliRunner.run("sweep", m.toString(), "nothing.matches", "--no-save");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("no tensor matches"), r.err());
    }

    @Test
    void randomSeedIsDrawnAndRecordedAndReconstructWorks() throws Exception {
        Path m = model();
        Path cfg = dir.resolve("random.json");
        Files.writeString(cfg, "{\"algorithm\": \"mixed-tile-random\", \"seed\": \"random\","
                + " \"params\": {\"metric\": \"pcc\", \"threshold\": 0.99, \"iters\": 3, \"formats\": \"bf16,bfp8,bfp4,bfp2\"}}");
        Path out = dir.resolve("res");
        CliRunner.Result r = CliRunner.run("sweep", m.toString(), "blocks.0", "--compression-config", cfg.toString(),
                "-c", "bfp8", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path run;
        try (Stream<Path> s = Files.list(out.resolve("tiny").resolve("mixed-tile-random"))) {
            run = s.findFirst().orElseThrow();
        }
        JsonObject used = JsonParser.parseString(Files.readString(run.resolve("compression_config.used.json")))
                .getAsJsonObject();
        assertEquals("random", used.get("seed_source").getAsString());
        assertTrue(Files.exists(run.resolve("mixed_tile_random").resolve("blocks.0.attn.weight.csv")));
        Path map = run.resolve("blocks.0.attn.weight_assignment.npy");
        Path rebuilt = dir.resolve("rebuilt.npy");
        r = CliRunner.run("sweep", m.toString(), "blocks.0.attn.weight", "--reconstruct", map.toString(),
                "--assignment-mapping", run.resolve("blocks.0.attn.weight_assignment_mapping.json").toString(),
                "-o", rebuilt.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.size(rebuilt) > 64 * 96 * 4);
    }
}
