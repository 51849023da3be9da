package dev.qlens.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qlens demo} end to end. The MiniLM jars are test dependencies of this module, so the local
 * Maven repository has them and the demo runs offline here.
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void comparesTheMiniLmPairAndWritesTheReport() throws Exception {
        Path report = dir.resolve("demo-report.json");
        CliRunner.Result r = CliRunner.run("demo", "--offline", "--cache", dir.resolve("cache").toString(),
                "--report", report.toString(), "--top", "5");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("AGGREGATE (39 tensors that differ"), r.out());
        assertTrue(r.out().contains("embeddings.position_embeddings.weight"), r.out());
        JsonObject o = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        assertEquals(39, o.getAsJsonObject("aggregate").get("total_layers").getAsInt());
        assertEquals(39, o.getAsJsonArray("layers").size());
    }
}
