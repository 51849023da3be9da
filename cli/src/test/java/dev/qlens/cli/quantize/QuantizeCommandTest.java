package dev.qlens.cli.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.CliRunner;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.TensorEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QuantizeCommandTest {
    @TempDir
    Path dir;

    private static JsonObject json(Path p) throws IOException {
        return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private static Map<String, JsonObject> byName(JsonArray layers) {
        Map<String, JsonObject> m = new HashMap<>();
        for (JsonElement e : layers) {
            m.put(e.getAsJsonObject().get("layer_name").getAsString(), e.getAsJsonObject());
        }
        return m;
    }

    /** Every mainline format (and padding) reads back through compare with exactly the report's errors. */
    @ParameterizedTest
    @ValueSource(strings = {"float8_e4m3fn", "float8_e5m2", "nvfp4", "mxfp8", "int8_tensorwise",
        "int8_tensorwise --scaling-mode row", "int8_tensorwise --convrot 16", "convrot_w4a4 --convrot 64",
        "scaled_fp8", "float8_e4m3fn_rowwise --quant-ops", "float8_e4m3fn_blockwise --group-size 32 --quant-ops",
        "int8_blockwise --group-size 32 --quant-ops"})
    void compareReadsBackTheErrorsTheReportGives(String format) throws IOException {
        Path in = TestModels.diffusionLike(dir.resolve("in.safetensors"));
        Path out = dir.resolve("out.safetensors");
        Path rep = dir.resolve("q.json");
        Path cmp = dir.resolve("c.json");
        String[] f = format.split(" ");
        String[] args = Stream.concat(Stream.of("quantize", in.toString(), "-o", out.toString(), "--report",
                rep.toString(), "--no-progress", "--format"), Stream.of(f)).toArray(String[]::new);
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), r.err());
        CliRunner.Result c = CliRunner.run("compare", in.toString(), out.toString(), "--report", cmp.toString());
        assertEquals(0, c.exitCode(), c.err());
        Map<String, JsonObject> compared = byName(json(cmp).getAsJsonArray("layers"));
        int quantized = 0;
        for (JsonElement e : json(rep).getAsJsonArray("layers")) {
            JsonObject l = e.getAsJsonObject();
            if (!l.get("action").getAsString().equals("quantized")) {
                continue;
            }
            quantized++;
            JsonObject c1 = compared.get(l.get("layer_name").getAsString());
            assertNotNull(c1, l.get("layer_name") + " missing from compare: " + c.out());
            JsonObject fin = l.getAsJsonObject("final");
            assertEquals(fin.get("snr_db").getAsDouble(), c1.get("snr_db").getAsDouble(), 0.0, l.toString());
            assertEquals(fin.get("mean_absolute_error").getAsDouble(), c1.get("mean_absolute_error").getAsDouble(), 0.0);
        }
        assertTrue(quantized >= 4, r.out());
        CliRunner.Result i = CliRunner.run("inspect", out.toString());
        assertEquals(0, i.exitCode(), i.err());
        String scheme = f[0].equals("scaled_fp8") ? "scaled_fp8 float8_e4m3fn" : "comfy " + f[0];
        assertTrue(i.out().lines().anyMatch(line -> line.startsWith("blocks.0.attn.qkv.weight") && line.contains(scheme)),
                i.out());
    }

    @Test
    void writesComfyUisLayoutAndKeepsEverythingElseByteForByte() throws IOException {
        Path in = TestModels.diffusionLike(dir.resolve("in.safetensors"));
        Path out = dir.resolve("out.safetensors");
        CliRunner.Result r = CliRunner.run("quantize", in.toString(), "-o", out.toString(), "--format", "int8_tensorwise",
                "--convrot", "16", "--full-precision-mm", "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        try (Checkpoint a = Checkpoints.open(in); Checkpoint b = Checkpoints.open(out)) {
            String expectedJson = "{\"format\": \"int8_tensorwise\", \"convrot\": true, \"convrot_groupsize\": 16,"
                    + " \"full_precision_matrix_mult\": true}";
            TensorEntry marker = b.tensor("blocks.0.attn.qkv.comfy_quant");
            assertEquals(expectedJson, new String(marker.readAll(), StandardCharsets.UTF_8));
            JsonObject meta = JsonParser.parseString(b.metadata().get("_quantization_metadata")).getAsJsonObject();
            assertEquals("1.0", meta.get("format_version").getAsString());
            assertTrue(b.metadata().get("_quantization_metadata").contains("\"blocks.0.attn.qkv\": " + expectedJson));
            assertEquals("tiny test model", b.metadata().get("modelspec.title"));
            assertArrayEquals(new long[] {192, 1}, b.tensor("blocks.0.attn.qkv.weight_scale").shape());
            for (String same : List.of("blocks.0.norm1.weight", "blocks.0.attn.qkv.bias", "conv.weight", "step",
                    "embed.word_embeddings.weight")) {
                assertArrayEquals(a.tensor(same).readAll(), b.tensor(same).readAll(), same);
                assertEquals(a.tensor(same).dtype(), b.tensor(same).dtype());
            }
            // The 100 x 72 layer: 72 is not a multiple of 16, so ConvRot cannot rotate it; kept with the reason.
            assertEquals(a.tensor("odd.weight").dtype(), b.tensor("odd.weight").dtype());
            assertTrue(r.out().contains("odd.weight") && r.out().contains("not a multiple of the ConvRot group size 16"),
                    r.out());
            assertNull(b.tensor("odd.comfy_quant"));
        }
    }

    @Test
    void presetsExcludesIncludesAndLayerConfigDecideEachLayer() throws IOException {
        Path in = TestModels.diffusionLike(dir.resolve("in.safetensors"));
        Path cfg = dir.resolve("layers.json");
        Files.writeString(cfg, "{\"blocks\\\\.1\\\\.mlp\": {\"format\": \"int8_tensorwise\", \"scaling_mode\": \"row\"},"
                + " \"blocks\\\\.1\\\\.mlp\\\\.fc2\": {\"skip\": true}, \"_comment\": {}}");
        Path out = dir.resolve("out.safetensors");
        CliRunner.Result r = CliRunner.run("quantize", in.toString(), "-o", out.toString(), "--preset", "t5xxl,flux2",
                "--exclude", "attn\\.proj", "--include", "decoder_never", "--layer-config", cfg.toString(),
                "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        try (Checkpoint b = Checkpoints.open(out)) {
            assertNull(b.tensor("decoder.block.0.weight"), "t5xxl removes the decoder");
            assertEquals("BF16", b.tensor("final_layer.linear.weight").dtype().name(), "flux2 keeps final_layer");
            assertEquals("BF16", b.tensor("blocks.0.attn.proj.weight").dtype().name(), "--exclude");
            assertEquals("F8_E4M3", b.tensor("blocks.0.mlp.fc1.weight").dtype().name());
            assertEquals("I8", b.tensor("blocks.1.mlp.fc1.weight").dtype().name(), "layer config");
            assertEquals("BF16", b.tensor("blocks.1.mlp.fc2.weight").dtype().name(), "the more specific skip wins");
        }
        assertTrue(r.out().contains("preset t5xxl removes 'decoder'"), r.out());
    }

    @Test
    void keepIfProtectsLayersOrGivesThemTheFallback() throws IOException {
        Path in = TestModels.diffusionLike(dir.resolve("in.safetensors"));
        Path out = dir.resolve("out.safetensors");
        Path rep = dir.resolve("r.json");
        CliRunner.Result r = CliRunner.run("quantize", in.toString(), "-o", out.toString(), "--format", "nvfp4",
                "--keep-if", "snr<25", "--fallback", "int8_tensorwise", "--report", rep.toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, JsonObject> layers = byName(json(rep).getAsJsonArray("layers"));
        JsonObject qkv = layers.get("blocks.0.attn.qkv.weight");
        assertEquals("quantized", qkv.get("action").getAsString());
        assertTrue(qkv.get("format").getAsString().startsWith("int8_tensorwise"), qkv.toString());
        assertTrue(qkv.get("reason").getAsString().contains("measured snr"), qkv.toString());
        assertTrue(qkv.getAsJsonObject("final").get("snr_db").getAsDouble() >= 25);
        // Without a fallback the layer stays in bf16.
        Path out2 = dir.resolve("out2.safetensors");
        CliRunner.Result r2 = CliRunner.run("quantize", in.toString(), "-o", out2.toString(), "--format", "nvfp4",
                "--keep-if", "snr<25", "--no-progress");
        assertEquals(0, r2.exitCode(), r2.err());
        try (Checkpoint b = Checkpoints.open(out2)) {
            assertEquals("BF16", b.tensor("blocks.0.attn.qkv.weight").dtype().name());
        }
    }

    @Test
    void dryRunPrintsThePlanAndWritesNothing() throws IOException {
        Path in = TestModels.diffusionLike(dir.resolve("in.safetensors"));
        Path out = dir.resolve("out.safetensors");
        CliRunner.Result r = CliRunner.run("quantize", in.toString(), "-o", out.toString(), "--dry-run", "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(Files.exists(out));
        assertTrue(r.out().contains("plan (dry run") && r.out().contains("blocks.0.attn.qkv.weight"), r.out());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "only the input");
        }
    }

    @Test
    void badInputsGiveClearErrorsAndLoseNothing() throws IOException {
        Path in = TestModels.diffusionLike(dir.resolve("in.safetensors"));
        byte[] before = Files.readAllBytes(in);
        CliRunner.Result self = CliRunner.run("quantize", in.toString(), "-o", in.toString(), "--force", "--no-progress");
        assertEquals(1, self.exitCode());
        assertTrue(self.err().contains("refusing to overwrite an input"), self.err());
        assertArrayEquals(before, Files.readAllBytes(in));
        CliRunner.Result custom = CliRunner.run("quantize", in.toString(), "--format", "int8_blockwise");
        assertEquals(1, custom.exitCode());
        assertTrue(custom.err().contains("not loaded by mainline ComfyUI") && custom.err().contains("--quant-ops"),
                custom.err());
        // A NaN in a weight: the layer and the index are named, nothing is left behind.
        Path nan = dir.resolve("nan.safetensors");
        float[] w = new float[64 * 64];
        w[77] = Float.NaN;
        new dev.qlens.core.testing.SafetensorsBuilder().f32("a.weight", new long[] {64, 64}, w).write(nan);
        Path out = dir.resolve("nan_out.safetensors");
        CliRunner.Result bad = CliRunner.run("quantize", nan.toString(), "-o", out.toString(), "--no-progress");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("a.weight") && bad.err().contains("element 77") && bad.err().contains("NaN"),
                bad.err());
        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("qlens-tmp")), "no temp file left");
        }
    }

    @Test
    void outputIsIdenticalForAnyThreadCountAndShardsCarryTheirOwnLayers() throws IOException {
        Path in = TestModels.diffusionLike(dir.resolve("in.safetensors"));
        Path one = dir.resolve("one.safetensors");
        Path two = dir.resolve("two.safetensors");
        assertEquals(0, CliRunner.run("quantize", in.toString(), "-o", one.toString(), "--format", "nvfp4",
                "--scale-search", "--threads", "1", "--no-progress").exitCode());
        assertEquals(0, CliRunner.run("quantize", in.toString(), "-o", two.toString(), "--format", "nvfp4",
                "--scale-search", "--threads", "2", "--no-progress").exitCode());
        assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two));
        Path sharded = dir.resolve("sh.safetensors");
        CliRunner.Result r = CliRunner.run("quantize", in.toString(), "-o", sharded.toString(), "--shard-size", "40KB",
                "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        Path index = dir.resolve("sh.safetensors.index.json");
        assertTrue(Files.exists(index));
        try (Checkpoint c = Checkpoints.open(index)) {
            assertEquals("F8_E4M3", c.tensor("blocks.1.mlp.fc2.weight").dtype().name());
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path shard : s.filter(p -> p.getFileName().toString().startsWith("sh-")).toList()) {
                try (Checkpoint c = Checkpoints.open(shard)) {
                    String meta = c.metadata().getOrDefault("_quantization_metadata", "{\"layers\": {}}");
                    JsonObject layers = JsonParser.parseString(meta).getAsJsonObject().getAsJsonObject("layers");
                    for (String layer : layers.keySet()) {
                        assertNotNull(c.tensor(layer + ".weight"), shard + " lists " + layer + " but does not hold it");
                    }
                }
            }
        }
    }

    @Test
    void inputScaleAndBiasCorrection() throws IOException {
        Path in = TestModels.diffusionLike(dir.resolve("in.safetensors"));
        Path out = dir.resolve("out.safetensors");
        CliRunner.Result r = CliRunner.run("quantize", in.toString(), "-o", out.toString(), "--input-scale", "weight",
                "--bias-correction", "--calib-samples", "64", "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        try (Checkpoint a = Checkpoints.open(in); Checkpoint b = Checkpoints.open(out)) {
            assertArrayEquals(b.tensor("blocks.0.attn.qkv.weight_scale").readAll(),
                    b.tensor("blocks.0.attn.qkv.input_scale").readAll());
            assertEquals(a.tensor("blocks.0.attn.qkv.bias").dtype(), b.tensor("blocks.0.attn.qkv.bias").dtype());
            assertFalse(java.util.Arrays.equals(a.tensor("blocks.0.attn.qkv.bias").readAll(),
                    b.tensor("blocks.0.attn.qkv.bias").readAll()), "bias corrected");
        }
        CliRunner.Result bad = CliRunner.run("quantize", in.toString(), "--format", "mxfp8", "--input-scale", "2");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("quantizes activations dynamically"), bad.err());
    }
}
