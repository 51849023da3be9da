package dev.qlens.cli.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.CliRunner;
import dev.qlens.core.io.Npy;
import dev.qlens.core.testing.RealModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qlens eval on the command line: outputs, report, and clear errors for bad input. */
class EvalCommandTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path texts;
    static Path calibration;
    static String tokenizer;

    @BeforeAll
    static void setUp() throws Exception {
        model = TinyBert.write(dir.resolve("tiny.safetensors"), 9);
        texts = dir.resolve("texts.txt");
        Files.write(texts, EvalTexts.withEdges(24), StandardCharsets.UTF_8);
        calibration = dir.resolve("calibration.txt");
        Files.write(calibration, EvalTexts.corpus().subList(900, 920), StandardCharsets.UTF_8);
        tokenizer = RealModels.extract(RealModels.MINILM_TOKENIZER).toString();
    }

    private static CliRunner.Result eval(String... extra) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", model.toString(), "--tokenizer", tokenizer,
                "--heads", "4", "--text", texts.toString(), "--calibration-text", calibration.toString(), "--no-progress"));
        args.addAll(Arrays.asList(extra));
        return CliRunner.run(args.toArray(new String[0]));
    }

    @Test
    void writesTheTablesTheReportAndTheEmbeddings() throws Exception {
        Path npy = dir.resolve("static.npy");
        Path report = dir.resolve("report.json");
        CliRunner.Result r = eval("--scheme", "w8a8-static", "--save-embeddings", npy.toString(), "--report",
                report.toString(), "--neighbours", "3");
        assertEquals(0, r.exitCode(), r.err());
        int n = dev.qlens.cli.jobs.eval.EvalCorpus.readLines(texts, 0).size();
        assertTrue(r.out().contains("w8a8-static") && r.out().contains("overlap@3") && r.out().contains("clip %"), r.out());
        assertTrue(r.out().contains(n + " texts"), r.out());
        Npy.Array e = Npy.read(npy);
        assertArrayEquals(new long[] {n, TinyBert.HIDDEN}, e.shape());
        JsonObject json = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        JsonArray schemes = json.getAsJsonArray("schemes");
        assertEquals(2, schemes.size());
        JsonObject s = schemes.get(1).getAsJsonObject();
        assertEquals("w8a8-static", s.get("scheme").getAsString());
        assertEquals(3, s.getAsJsonObject("embedding").get("k").getAsInt());
        JsonArray layers = s.getAsJsonArray("layers");
        assertEquals(6 * TinyBert.LAYERS, layers.size());
        for (var l : layers) {
            JsonObject lo = l.getAsJsonObject();
            double clipped = lo.get("clipped_fraction").getAsDouble();
            assertTrue(clipped >= 0 && clipped < 0.05, lo.toString());
            assertTrue(lo.getAsJsonObject("own").get("snr_db").getAsDouble() > 0, lo.toString());
        }
        assertEquals(20, json.getAsJsonObject("texts").get("calibration_texts").getAsInt());
        // The saved rows are the scheme's embeddings: unit length.
        float[] v = e.toFloats(npy);
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < TinyBert.HIDDEN; j++) {
                norm += v[i * TinyBert.HIDDEN + j] * v[i * TinyBert.HIDDEN + j];
            }
            assertEquals(1, norm, 1e-5, "row " + i);
        }
    }

    @Test
    void jsonOnStdoutAndOwnLayerTable() {
        CliRunner.Result r = eval("--scheme", "nvfp4", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("nvfp4", json.getAsJsonArray("schemes").get(1).getAsJsonObject().get("scheme").getAsString());
        CliRunner.Result own = eval("--scheme", "nvfp4", "--layers", "own");
        assertTrue(own.out().contains("own output SNR"), own.out());
    }

    @Test
    void aQuantizedCheckpointRunsThroughItsConvention() throws Exception {
        Path q = dir.resolve("tiny-fp8.safetensors");
        CliRunner.Result made = CliRunner.run("quantize", model.toString(), "-o", q.toString(), "--format", "float8_e4m3fn",
                "--no-progress");
        assertEquals(0, made.exitCode(), made.err() + made.out());
        Path a = dir.resolve("ckpt.npy");
        Path b = dir.resolve("catalog.npy");
        assertEquals(0, eval("--scheme", q.toString(), "--save-embeddings", a.toString()).exitCode());
        CliRunner.Result r = eval("--scheme", "fp8_e4m3_t", "--save-embeddings", b.toString());
        assertEquals(0, r.exitCode(), r.err());
        // ComfyUI's float8_e4m3fn (one float32 scale per tensor, amax / 448) on float32 weights is the
        // catalog's fp8_e4m3_t: the same model, the same bits.
        assertArrayEquals(Npy.read(b).toFloats(b), Npy.read(a).toFloats(a));
    }

    @Test
    void badInputGetsAClearErrorAndNoOutput() throws Exception {
        Path npy = dir.resolve("never.npy");
        CliRunner.Result r = eval("--scheme", "fp9", "--save-embeddings", npy.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("unknown scheme fp9"), r.err());
        assertFalse(Files.exists(npy));

        r = CliRunner.run("eval", "--model", dir.resolve("missing.onnx").toString(), "--no-progress");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("neither a built-in model"), r.err());

        r = CliRunner.run("eval", "--model", model.toString(), "--tokenizer", tokenizer, "--text", texts.toString(),
                "--scheme", "w8", "--no-progress");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--heads"), "safetensors has no graph to read heads from: " + r.err());

        r = eval("--scheme", "w8", "--scheme", "nvfp4", "--save-embeddings", npy.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("single scheme"), r.err());

        r = eval("--scheme", "w8", "--max-tokens", "1000");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("exceeds the model's 128 positions"), r.err());

        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\n  \n");
        r = CliRunner.run("eval", "--model", model.toString(), "--tokenizer", tokenizer, "--heads", "4", "--text",
                empty.toString(), "--no-progress");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("holds no text"), r.err());

        r = eval("--scheme", "w8", "--report", texts.toString(), "--force");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("refusing to overwrite an input"), r.err());

        r = CliRunner.run("eval", "--model", model.toString(), "--tokenizer", tokenizer, "--heads", "5", "--text",
                texts.toString(), "--scheme", "w8", "--no-progress");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("does not divide"), r.err());

        r = eval("--scheme", "ort-int8");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("ort-int8 needs a built-in model"), r.err());

        r = eval("--static-clip", "2");
        assertEquals(2, r.exitCode());
    }
}
