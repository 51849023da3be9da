package dev.qlens.cli.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.CliRunner;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.testing.SafetensorsBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharded compare, sweep and quantize runs merged: the single run's output, byte for byte. */
class ShardMergeTest {
    @TempDir
    Path dir;
    Path model;
    Path quantized;

    @BeforeEach
    void checkpoints() throws Exception {
        Random r = new Random(3);
        SafetensorsBuilder b = new SafetensorsBuilder();
        int[][] shapes = {{96, 64}, {64, 64}, {128, 32}, {32, 160}, {64, 96}, {40, 72}};
        for (int i = 0; i < shapes.length; i++) {
            float[] w = new float[shapes[i][0] * shapes[i][1]];
            for (int j = 0; j < w.length; j++) {
                w[j] = (float) (r.nextGaussian() * 0.03 * (1 + j % 5));
            }
            b.f32("blocks." + i + ".proj.weight", new long[] {shapes[i][0], shapes[i][1]}, w);
            float[] bias = new float[shapes[i][0]];
            for (int j = 0; j < bias.length; j++) {
                bias[j] = (float) r.nextGaussian();
            }
            b.f32("blocks." + i + ".proj.bias", new long[] {shapes[i][0]}, bias);
        }
        model = b.write(dir.resolve("m.safetensors"));
        quantized = dir.resolve("q.safetensors");
        ok("cast", model.toString(), "-o", quantized.toString(), "--dtype", "F8_E4M3", "--saturate", "--only", "proj\\.weight");
    }

    private static CliRunner.Result ok(String... args) {
        List<String> a = new ArrayList<>(List.of("-q"));
        a.addAll(List.of(args));
        CliRunner.Result r = CliRunner.run(a.toArray(String[]::new));
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r.err());
        return r;
    }

    private String[] parts(String prefix, int n) {
        String[] p = new String[n];
        for (int k = 1; k <= n; k++) {
            p[k - 1] = dir.resolve(prefix + k + ".json").toString();
        }
        return p;
    }

    @Test
    void mergedCompareIsTheSingleReportByteForByte() throws Exception {
        Path single = dir.resolve("single.json");
        ok("compare", model.toString(), quantized.toString(), "--report", single.toString());
        String[] parts = parts("c", 4);
        for (int k = 1; k <= 4; k++) {
            CliRunner.Result r = ok("compare", model.toString(), quantized.toString(), "--shard", k + "/4", "--part", parts[k - 1]);
            assertTrue(r.out().contains("shard " + k + "/4"), r.out());
        }
        Path merged = dir.resolve("merged.json");
        List<String> args = new ArrayList<>(List.of("merge", "-o", merged.toString()));
        args.addAll(List.of(parts[2], parts[0], parts[3], parts[1]));
        ok(args.toArray(String[]::new));
        assertEquals(Files.readString(single), Files.readString(merged));
    }

    @Test
    void mergedSweepIsTheSingleResultsFolder() throws Exception {
        Path cfg = dir.resolve("mixed.json");
        Files.writeString(cfg, "{\"algorithm\": \"mixed-tile-random\", \"quantization_formats\": [\"bfp2\", \"bfp4\", \"bfp8\","
                + " \"bf16\"], \"params\": {\"metric\": \"pcc\", \"threshold\": 0.99, \"iters\": 8}, \"seed\": 5}");
        List<String> common = List.of(model.toString(), "-c", "bf16", "-c", "mxfp4", "-c", "int8_ch", "--compression-config",
                cfg.toString(), "--no-cache");
        List<String> single = new ArrayList<>(List.of("sweep"));
        single.addAll(common);
        single.addAll(List.of("--out", dir.resolve("res").toString()));
        ok(single.toArray(String[]::new));
        Path folder;
        try (Stream<Path> s = Files.walk(dir.resolve("res"))) {
            folder = s.filter(p -> p.getFileName().toString().equals("results.json")).findFirst().orElseThrow().getParent();
        }
        String[] parts = parts("s", 3);
        for (int k = 1; k <= 3; k++) {
            List<String> a = new ArrayList<>(List.of("sweep"));
            a.addAll(common);
            a.addAll(List.of("--shard", k + "/3", "--part", parts[k - 1]));
            ok(a.toArray(String[]::new));
        }
        Path merged = dir.resolve("merged");
        ok("merge", parts[0], parts[1], parts[2], "-o", merged.toString());
        List<String> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted().toList();
        }
        assertTrue(files.size() > 10, files.toString());
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(folder.resolve(f)), Files.readAllBytes(merged.resolve(f)), f);
        }
    }

    @Test
    void mergedQuantizeHasTheSingleRunsTensorBytes() throws Exception {
        Path single = dir.resolve("single.safetensors");
        ok("quantize", model.toString(), "-o", single.toString(), "--format", "float8_e4m3fn", "--report",
                dir.resolve("single.json").toString());
        Files.createDirectories(dir.resolve("set"));
        Path out = dir.resolve("set").resolve("model.safetensors");
        String[] parts = parts("q", 3);
        for (int k = 1; k <= 3; k++) {
            ok("quantize", model.toString(), "-o", out.toString(), "--format", "float8_e4m3fn", "--shard", k + "/3",
                    "--part", parts[k - 1]);
            assertTrue(Files.exists(dir.resolve("set").resolve(String.format("model-%05d-of-00003.safetensors", k))));
        }
        Path index = dir.resolve("set").resolve("model.safetensors.index.json");
        Path report = dir.resolve("merged.json");
        ok("merge", parts[0], parts[1], parts[2], "-o", index.toString(), "--report", report.toString());
        try (Checkpoint a = Checkpoints.open(single); Checkpoint b = Checkpoints.open(index)) {
            assertEquals(a.tensors().size(), b.tensors().size());
            for (TensorEntry e : a.tensors()) {
                TensorEntry f = b.tensor(e.name());
                assertEquals(e.dtype(), f.dtype(), e.name());
                assertArrayEquals(e.shape(), f.shape(), e.name());
                assertArrayEquals(e.readAll(), f.readAll(), e.name());
            }
        }
        JsonObject s = JsonParser.parseString(Files.readString(dir.resolve("single.json"))).getAsJsonObject();
        JsonObject m = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        assertEquals(withoutSeconds(s.getAsJsonArray("layers")), withoutSeconds(m.getAsJsonArray("layers")));
        s.getAsJsonObject("totals").remove("seconds");
        m.getAsJsonObject("totals").remove("seconds");
        assertEquals(s.get("totals"), m.get("totals"));
        assertEquals(4, m.getAsJsonArray("outputs").size(), "three files and the index");
    }

    private static JsonArray withoutSeconds(JsonArray layers) {
        JsonArray out = new JsonArray();
        for (JsonElement e : layers) {
            JsonObject o = e.getAsJsonObject().deepCopy();
            o.remove("seconds");
            out.add(o);
        }
        return out;
    }

    @Test
    void partsThatDoNotBelongTogetherAreRefused() throws Exception {
        String[] three = parts("t", 3);
        for (int k = 1; k <= 3; k++) {
            ok("compare", model.toString(), quantized.toString(), "--shard", k + "/3", "--part", three[k - 1]);
        }
        Path two = dir.resolve("two-1.json");
        ok("compare", model.toString(), quantized.toString(), "--shard", "1/2", "--part", two.toString());
        Path out = dir.resolve("m.json");
        CliRunner.Result missing = CliRunner.run("merge", three[0], three[2], "-o", out.toString());
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("missing shard(s) [2] of 3"), missing.err());
        CliRunner.Result twice = CliRunner.run("merge", three[0], three[0], three[1], three[2], "-o", out.toString());
        assertTrue(twice.err().contains("shard 1/3 is given twice"), twice.err());
        CliRunner.Result other = CliRunner.run("merge", three[0], three[1], three[2], two.toString(), "-o", out.toString());
        assertTrue(other.err().contains("belongs to another run"), other.err());
        CliRunner.Result noPart = CliRunner.run("compare", model.toString(), quantized.toString(), "--shard", "1/2");
        assertEquals(2, noPart.exitCode());
        assertTrue(noPart.err().contains("needs --part FILE"), noPart.err());
        CliRunner.Result bad = CliRunner.run("compare", model.toString(), quantized.toString(), "--shard", "3/2", "--part",
                dir.resolve("x.json").toString());
        assertTrue(bad.err().contains("1 <= K <= N"), bad.err());
        CliRunner.Result withReport = CliRunner.run("compare", model.toString(), quantized.toString(), "--shard", "1/2",
                "--part", dir.resolve("x.json").toString(), "--report", dir.resolve("r.json").toString());
        assertTrue(withReport.err().contains("come from qlens merge"), withReport.err());
        assertFalse(Files.exists(out));
    }
}
