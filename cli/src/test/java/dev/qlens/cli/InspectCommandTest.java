package dev.qlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.testing.RealModels;
import dev.qlens.core.testing.SafetensorsBuilder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    private static final Pattern LINEAR = Pattern.compile("encoder\\.layer\\.[0-5]\\..*(query|key|value|dense)\\.weight");

    @TempDir
    Path dir;

    private static Map<String, JsonObject> tensors(CliRunner.Result r) {
        assertEquals(0, r.exitCode(), r.err());
        JsonObject root = JsonParser.parseString(r.out()).getAsJsonObject();
        Map<String, JsonObject> out = new HashMap<>();
        for (JsonElement e : root.getAsJsonArray("tensors")) {
            out.put(e.getAsJsonObject().get("name").getAsString(), e.getAsJsonObject());
        }
        return out;
    }

    private static long[] shape(JsonObject t) {
        JsonArray a = t.getAsJsonArray("shape");
        long[] s = new long[a.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.get(i).getAsLong();
        }
        return s;
    }

    @Test
    void miniLmFp32ListsLinearWeightsUnderPyTorchNamesWithOutInShapes() {
        Map<String, JsonObject> t = tensors(CliRunner.run("inspect", RealModels.miniLmFp32().toString(), "--json"));
        List<String> linear = t.keySet().stream().filter(n -> LINEAR.matcher(n).matches()).sorted().toList();
        assertEquals(36, linear.size(), linear.toString());
        assertEquals(List.of(1536L, 384L), toList(shape(t.get("encoder.layer.4.intermediate.dense.weight"))));
        assertEquals(List.of(384L, 1536L), toList(shape(t.get("encoder.layer.4.output.dense.weight"))));
        assertTrue(t.get("encoder.layer.0.attention.self.query.weight").get("scheme").getAsString().contains("transposed from onnx::MatMul_"));
    }

    @Test
    void miniLmInt8ReportsPerChannelInt8AndStatsAgreeWithTheOriginalWithinOneStep() throws Exception {
        Map<String, JsonObject> q = tensors(CliRunner.run("inspect", RealModels.miniLmInt8().toString(), "--json", "--stats", "--threads", "2"));
        Map<String, JsonObject> f = tensors(CliRunner.run("inspect", RealModels.miniLmFp32().toString(), "--json", "--stats"));
        int checked = 0;
        try (Checkpoint raw = Checkpoints.open(RealModels.miniLmInt8())) {
            for (Map.Entry<String, JsonObject> e : q.entrySet()) {
                if (!LINEAR.matcher(e.getKey()).matches()) {
                    continue;
                }
                JsonObject t = e.getValue();
                assertEquals("I8", t.get("dtype").getAsString());
                assertEquals("onnxruntime", t.get("convention").getAsString());
                assertEquals("int8", t.get("format").getAsString());
                assertTrue(t.get("scheme").getAsString().startsWith("onnxruntime int8 per-channel (axis 0)"), t.get("scheme").getAsString());
                float[] scale = new DecodedTensor(raw.tensor(e.getKey() + "_scale")).readAll();
                double step = 0;
                for (float s : scale) {
                    step = Math.max(step, s);
                }
                JsonObject sq = t.getAsJsonObject("stats");
                JsonObject sf = f.get(e.getKey()).getAsJsonObject("stats");
                for (String k : new String[] {"min", "max", "amax"}) {
                    assertTrue(Math.abs(sq.get(k).getAsDouble() - sf.get(k).getAsDouble()) <= 0.5 * step * 1.0001,
                            e.getKey() + " " + k + ": " + sq.get(k) + " vs " + sf.get(k) + " (step " + step + ")");
                }
                assertTrue(Math.abs(sq.get("mean").getAsDouble() - sf.get("mean").getAsDouble()) <= 0.5 * step);
                assertTrue(Math.abs(sq.get("std").getAsDouble() - sf.get("std").getAsDouble()) <= 0.5 * step);
                assertEquals(0, sq.get("nan").getAsLong());
                checked++;
            }
        }
        assertEquals(36, checked);
    }

    @Test
    void filtersFollowTheSeedToolsSemantics() throws Exception {
        Path file = new SafetensorsBuilder()
                .f32("model.layers.1.mlp.weight", new long[] {1}, 1f)
                .f32("model.layers.10.mlp.weight", new long[] {1}, 1f)
                .f32("model.layers.1.attn.q_proj.weight", new long[] {1}, 1f)
                .f32("lm_head.weight", new long[] {1}, 1f)
                .write(dir.resolve("m.safetensors"));
        assertEquals(List.of("model.layers.1.attn.q_proj.weight", "model.layers.1.mlp.weight"),
                tensors(CliRunner.run("inspect", file.toString(), "model.layers.1", "--json")).keySet().stream().sorted().toList());
        assertEquals(List.of("model.layers.1.attn.q_proj.weight"),
                tensors(CliRunner.run("inspect", file.toString(), "Q_PROJ", "--json")).keySet().stream().toList());
        assertEquals(List.of("model.layers.10.mlp.weight"),
                tensors(CliRunner.run("inspect", file.toString(), "layers\\.1\\d", "--regex", "--json")).keySet().stream().toList());
        CliRunner.Result none = CliRunner.run("inspect", file.toString(), "nothing.matches");
        assertEquals(1, none.exitCode());
        assertTrue(none.err().contains("no tensor matches"));
    }

    @Test
    void statsCountZerosNaNAndInfinities() throws Exception {
        Path file = new SafetensorsBuilder()
                .f32("x", new long[] {6}, 0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, -3f, 5f)
                .bytes("c", DType.F8_E4M3, new long[] {2}, 0x7F, 0x38)
                .write(dir.resolve("s.safetensors"));
        Map<String, JsonObject> t = tensors(CliRunner.run("inspect", file.toString(), "--json", "--stats"));
        JsonObject s = t.get("x").getAsJsonObject("stats");
        assertEquals(2, s.get("zeros").getAsLong());
        assertEquals(1, s.get("nan").getAsLong());
        assertEquals(1, s.get("inf").getAsLong());
        assertEquals(-3, s.get("min").getAsDouble());
        assertEquals(5, s.get("amax").getAsDouble());
        assertEquals(0.5, s.get("mean").getAsDouble());
        assertEquals(1, t.get("c").getAsJsonObject("stats").get("nan").getAsLong());
    }

    @Test
    void missingOrInvalidInputIsAClearError() throws Exception {
        CliRunner.Result r = CliRunner.run("inspect", dir.resolve("absent.safetensors").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("absent.safetensors") && r.err().contains("no such file"), r.err());
        Path bad = dir.resolve("bad.safetensors");
        java.nio.file.Files.write(bad, new byte[] {1, 2, 3});
        CliRunner.Result b = CliRunner.run("inspect", bad.toString());
        assertEquals(1, b.exitCode());
        assertTrue(b.err().contains("bad.safetensors") && b.err().contains("too short"), b.err());
    }

    private static List<Long> toList(long[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
