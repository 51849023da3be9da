package dev.qlens.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.CliRunner;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.testing.RealModels;
import dev.qlens.formats.gptq.CalibrationFile;
import dev.qlens.formats.gptq.InputStatistics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qlens calibrate, then qlens quantize --method gptq, on a small random BERT. */
class GptqCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path stats;
    static String tokenizer;

    @BeforeAll
    static void calibrate() throws Exception {
        model = TinyBert.write(dir.resolve("tiny.safetensors"), 13);
        Path cal = dir.resolve("cal.txt");
        Files.write(cal, EvalTexts.corpus().subList(800, 860), StandardCharsets.UTF_8);
        Path held = dir.resolve("held.txt");
        Files.write(held, EvalTexts.corpus().subList(0, 30), StandardCharsets.UTF_8);
        tokenizer = RealModels.extract(RealModels.MINILM_TOKENIZER).toString();
        stats = dir.resolve("stats.safetensors");
        CliRunner.Result r = CliRunner.run("calibrate", "--model", model.toString(), "--tokenizer", tokenizer, "--heads", "4",
                "--calibration-text", cal.toString(), "--text", held.toString(), "-o", stats.toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.err() + r.out());
    }

    @Test
    void calibrationHoldsEveryLinearLayerWithConsistentStatistics() {
        CalibrationFile f = CalibrationFile.read(stats);
        assertEquals(6 * TinyBert.LAYERS, f.layers().size());
        assertEquals(f.layers().size(), f.heldout().size());
        InputStatistics s = f.find("encoder.layer.1.output.dense");
        assertEquals(TinyBert.INTERMEDIATE, s.features());
        assertTrue(s.tokens() > 60, "every calibration token");
        double[] h = s.secondMoment();
        int n = s.features();
        for (int i = 0; i < n; i++) {
            // The diagonal is the sum of squares: at least (sum of values)^2 / tokens, and symmetric.
            assertTrue(h[i * n + i] + 1e-3 >= s.sum()[i] * s.sum()[i] / s.tokens(), "diagonal " + i);
            assertTrue(s.min()[i] <= s.max()[i]);
            for (int j = 0; j < n; j++) {
                assertEquals(h[i * n + j], h[j * n + i], 1e-6 * Math.abs(h[i * n + i] + h[j * n + j]));
            }
        }
        assertNotEquals(s.tokens(), f.findHeldout("encoder.layer.1.output.dense").tokens());
    }

    private static JsonObject quantize(String method, String format, Path out, String... extra) throws Exception {
        Path report = dir.resolve(out.getFileName() + ".json");
        List<String> args = new ArrayList<>(List.of("quantize", model.toString(), "-o", out.toString(), "--format", format,
                "--method", method, "--calibration", stats.toString(), "--report", report.toString(), "--no-progress",
                "--force"));
        args.addAll(Arrays.asList(extra));
        CliRunner.Result r = CliRunner.run(args.toArray(new String[0]));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("out err"), r.out());
        return JsonParser.parseString(Files.readString(report)).getAsJsonObject();
    }

    @Test
    void gptqWritesTheSameLayoutAndLowersEveryHeldOutOutputError() throws Exception {
        for (String[] f : new String[][] {{"convrot_w4a4", "--convrot", "16"}, {"nvfp4"}, {"int8_tensorwise", "--scaling-mode", "row"}}) {
            Path rtn = dir.resolve(f[0] + "-rtn.safetensors");
            Path gptq = dir.resolve(f[0] + "-gptq.safetensors");
            String[] extra = Arrays.copyOfRange(f, 1, f.length);
            quantize("rtn", f[0], rtn, extra);
            JsonObject g = quantize("gptq", f[0], gptq, extra);
            try (Checkpoint a = Checkpoints.open(rtn); Checkpoint b = Checkpoints.open(gptq)) {
                assertEquals(a.tensors().size(), b.tensors().size());
                for (TensorEntry t : a.tensors()) {
                    TensorEntry u = b.tensor(t.name());
                    assertEquals(t.dtype(), u.dtype(), t.name());
                    assertTrue(Arrays.equals(t.shape(), u.shape()), t.name());
                }
            }
            int layers = 0;
            for (JsonElement e : (JsonArray) g.get("layers")) {
                JsonObject l = e.getAsJsonObject();
                if (!l.get("action").getAsString().equals("quantized")) {
                    continue;
                }
                layers++;
                double before = l.get("heldout_output_error_round_to_nearest").getAsDouble();
                double after = l.get("heldout_output_error").getAsDouble();
                assertTrue(after < before, f[0] + " " + l.get("layer_name") + ": " + after + " vs " + before);
                assertTrue(l.has("gptq"), l.toString());
            }
            // convrot_w4a4 needs 64 input columns: only the 64-wide output projections qualify.
            assertEquals(f[0].equals("convrot_w4a4") ? TinyBert.LAYERS : 6 * TinyBert.LAYERS, layers, f[0]);
        }
    }

    @Test
    void theDefaultOutputNameSaysGptq() throws Exception {
        CliRunner.Result r = CliRunner.run("quantize", model.toString(), "--format", "nvfp4", "--method", "gptq",
                "--calibration", stats.toString(), "--no-progress", "--force");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.exists(dir.resolve("tiny_nvfp4_gptq.safetensors")), r.out());
    }

    @Test
    void missingOrForeignStatisticsGetClearErrors() throws Exception {
        Path out = dir.resolve("never.safetensors");
        CliRunner.Result r = CliRunner.run("quantize", model.toString(), "-o", out.toString(), "--format", "nvfp4",
                "--method", "gptq", "--no-progress");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--calibration"), r.err());
        r = CliRunner.run("quantize", model.toString(), "-o", out.toString(), "--format", "nvfp4", "--method", "gptq",
                "--calibration", model.toString(), "--no-progress");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("not a qlens calibration file"), r.err());
        r = CliRunner.run("quantize", model.toString(), "-o", out.toString(), "--format", "nvfp4", "--method", "gptq",
                "--calibration", stats.toString(), "--learned-rounding", "--no-progress");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("alternatives"), r.err());
        r = CliRunner.run("quantize", model.toString(), "-o", out.toString(), "--format", "nvfp4", "--method", "best",
                "--no-progress");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains("--method must be rtn or gptq"), r.err());
        assertFalse(Files.exists(out));
    }
}
