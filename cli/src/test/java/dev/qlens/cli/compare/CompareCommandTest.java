package dev.qlens.cli.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code qlens compare} command line: outputs, seed-compatible flags, filters and errors. */
class CompareCommandTest {
    @TempDir
    Path dir;

    private static String original() {
        return CompareGoldenTest.resource("original.safetensors").toString();
    }

    private static String comfy() {
        return CompareGoldenTest.resource("comfy.safetensors").toString();
    }

    @Test
    void tableShowsTheAggregateAndTheWorstTensors() {
        CliRunner.Result r = CliRunner.run("compare", original(), comfy(), "--top", "3", "--sort", "snr");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("AGGREGATE (8 tensors that differ"), r.out());
        assertTrue(r.out().contains("TOP 3 WORST TENSORS (by snr)"), r.out());
        assertTrue(r.out().contains("1 tensor shape mismatch"), r.out());
        assertTrue(r.out().contains("only_quantized.weight"), r.out());
    }

    @Test
    void seedFlagsWriteTheReportWithTheSeedFieldNames() throws Exception {
        Path report = dir.resolve("sub/report.json");
        CliRunner.Result r = CliRunner.run("compare", "--original", original(), "--quantized", comfy(),
                "--layers-to-compare", "per_tensor,rowwise", "--output-report", report.toString(), "--top-layers", "1");
        assertEquals(0, r.exitCode(), r.err());
        JsonObject o = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        JsonObject agg = o.getAsJsonObject("aggregate");
        assertEquals(2, agg.get("total_layers").getAsInt());
        for (String key : new String[] {"mean_absolute_error", "median_absolute_error", "max_absolute_error",
                "overall_snr_db", "total_elements", "mean_relative_error", "max_relative_error"}) {
            assertTrue(agg.has(key), key);
        }
        for (String p : new String[] {"p50", "p75", "p90", "p95", "p99"}) {
            assertTrue(agg.getAsJsonObject("relative_error_percentiles").has(p), p);
        }
        JsonArray layers = o.getAsJsonArray("layers");
        assertEquals(2, layers.size());
        JsonObject first = layers.get(0).getAsJsonObject();
        assertEquals("per_tensor.weight", first.get("layer_name").getAsString());
        assertEquals("torch.float8_e4m3fn", first.get("quantized_dtype").getAsString());
        assertEquals("float8_e4m3fn", first.get("comfy_format").getAsString());
        assertTrue(first.get("snr_db").getAsDouble() > 20);
        assertFalse(Files.list(report.getParent()).anyMatch(p -> !p.equals(report)), "no temporary file left");
    }

    @Test
    void csvHasOneRowPerTensor() {
        CliRunner.Result r = CliRunner.run("compare", original(), comfy(), "--format", "csv", "--layers", "weight");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[0].startsWith("layer_name,original_dtype,quantized_dtype"), lines[0]);
        assertEquals(1 + 8, lines.length, r.out());
    }

    @Test
    void jsonOnStdoutParses() {
        CliRunner.Result r = CliRunner.run("compare", original(), comfy(), "--format", "json", "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(1, o.getAsJsonArray("identical_tensors").size());
        assertEquals("comfy", o.getAsJsonObject("quantized").getAsJsonArray("conventions").get(0).getAsString());
    }

    @Test
    void noCommonTensorsIsAnError() {
        CliRunner.Result r = CliRunner.run("compare", original(), comfy(), "--layers", "no_such_layer");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("no tensors to compare"), r.err());
    }

    @Test
    void missingFileAndBadOptionsAreClearErrors() {
        CliRunner.Result r = CliRunner.run("compare", original(), dir.resolve("missing.safetensors").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("missing.safetensors"), r.err());
        assertEquals(2, CliRunner.run("compare", original(), comfy(), "--sort", "worst").exitCode());
        assertEquals(2, CliRunner.run("compare", original()).exitCode());
        assertEquals(2, CliRunner.run("compare", original(), comfy(), "--format", "xml").exitCode());
    }

    @Test
    void refusesToOverwriteAnInputWithTheReport() {
        CliRunner.Result r = CliRunner.run("compare", original(), comfy(), "--report", comfy());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("input"), r.err());
    }
}
