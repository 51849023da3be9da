package dev.qlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormatsCommandTest {
    private static Map<String, JsonObject> formatsByName() {
        CliRunner.Result r = CliRunner.run("formats", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonArray arr = JsonParser.parseString(r.out()).getAsJsonArray();
        Map<String, JsonObject> byName = new HashMap<>();
        for (JsonElement e : arr) {
            String name = e.getAsJsonObject().get("name").getAsString();
            assertTrue(byName.put(name, e.getAsJsonObject()) == null, "names are unique: " + name);
        }
        return byName;
    }

    @Test
    void jsonListsTheDocumentedMaximaAndFields() {
        Map<String, JsonObject> f = formatsByName();
        assertEquals(448, f.get("fp8_e4m3fn").get("maxFinite").getAsDouble());
        assertEquals(57344, f.get("fp8_e5m2").get("maxFinite").getAsDouble());
        assertEquals(240, f.get("fp8_e4m3fnuz").get("maxFinite").getAsDouble());
        assertEquals(57344, f.get("fp8_e5m2fnuz").get("maxFinite").getAsDouble());
        assertEquals(7.5, f.get("fp6_e2m3").get("maxFinite").getAsDouble());
        assertEquals(28, f.get("fp6_e3m2").get("maxFinite").getAsDouble());
        assertEquals(6, f.get("fp4_e2m1").get("maxFinite").getAsDouble());
        assertEquals(16, f.get("fp4_e3m0").get("maxFinite").getAsDouble());
        assertEquals(65504, f.get("fp16").get("maxFinite").getAsDouble());
        assertEquals(Math.scalb(1.0, 127), f.get("e8m0").get("maxFinite").getAsDouble());
        assertEquals(Math.scalb(1.0, -9), f.get("fp8_e4m3fn").get("minSubnormal").getAsDouble());
        assertEquals(Math.scalb(1.0, -6), f.get("fp8_e4m3fn").get("minNormal").getAsDouble());
        assertTrue(f.get("fp4_e3m0").get("minSubnormal").isJsonNull());
        assertEquals("0x7C/0xFC", f.get("fp8_e5m2").get("infinity").getAsString());
        assertEquals("0x80", f.get("fp8_e4m3fnuz").get("nan").getAsString());
        assertEquals(127, f.get("int8").get("maxFinite").getAsInt());
        assertEquals("mx", f.get("mxfp4").get("family").getAsString());
        assertEquals(4.25, f.get("mxfp4").get("bitsPerElement").getAsDouble());
        assertEquals(8.5, f.get("bfp8").get("bitsPerElement").getAsDouble());
        for (JsonObject o : f.values()) {
            for (String key : new String[] {"name", "bits", "exponentBits", "mantissaBits", "bias", "maxFinite",
                    "minNormal", "minSubnormal"}) {
                assertTrue(o.has(key), o.get("name") + " lacks " + key);
            }
        }
    }

    @Test
    void tableListsEveryFormat() {
        CliRunner.Result r = CliRunner.run("formats");
        assertEquals(0, r.exitCode());
        for (String name : new String[] {"fp8_e4m3fn", "fp8_e5m2", "fp8_e4m3fnuz", "fp8_e5m2fnuz", "fp6_e2m3",
                "fp6_e3m2", "fp4_e2m1", "fp4_e3m0", "e8m0", "bf16", "fp16", "int8"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(name + " ")), "table lists " + name);
        }
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRunner.Result r = CliRunner.run("no-such-command");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("no-such-command"));
    }

    @Test
    void versionNamesTheRuntime() {
        CliRunner.Result r = CliRunner.run("--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("qlens "), r.out());
        assertTrue(r.out().contains("java " + System.getProperty("java.version")));
    }
}
