package dev.qlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.core.kernel.KernelProvider;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code qlens bench} and {@code --version} report what runs and how fast (values are not timed here). */
class BenchCommandTest {
    @Test
    void jsonReportsEveryKernelWithPositiveRatesAndTheTargets() {
        CliRunner.Result r = CliRunner.run("bench", "--json", "--elements", "131072", "--repetitions", "1");
        assertEquals(0, r.exitCode(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(131072, o.get("elements").getAsInt());
        assertEquals(KernelProvider.get().name(), o.get("kernels").getAsString().split(" \\(")[0]);
        assertTrue(o.get("copy_gb_per_s").getAsDouble() > 0);
        assertEquals(RuntimeInfo.transparentHugePages(), o.get("transparent_huge_pages").getAsBoolean());
        Set<String> names = new HashSet<>();
        for (JsonElement e : o.getAsJsonArray("results")) {
            JsonObject k = e.getAsJsonObject();
            names.add(k.get("kernel").getAsString());
            assertTrue(k.get("gelem_per_s").getAsDouble() > 0, k.toString());
            assertTrue(k.get("scalar_gelem_per_s").getAsDouble() > 0, k.toString());
            double bytes = k.get("bytes_per_element").getAsDouble();
            assertEquals(k.get("gelem_per_s").getAsDouble() * bytes, k.get("gb_per_s").getAsDouble(), 1e-9);
            if (k.has("target")) {
                JsonObject t = k.getAsJsonObject("target");
                boolean met = k.get("gelem_per_s").getAsDouble() >= t.get("min_gelem_per_s").getAsDouble()
                        && k.get("copy_ratio").getAsDouble() >= t.get("min_copy_ratio").getAsDouble();
                assertEquals(met, t.get("met").getAsBoolean(), k.toString());
            }
        }
        assertTrue(names.containsAll(Set.of("encode_fp8_e4m3", "decode_fp8_e4m3", "decode_bf16", "decode_fp16",
                "bfp8_tile_pack", "error_sums")), names.toString());
    }

    @Test
    void rejectsTooFewElements() {
        CliRunner.Result r = CliRunner.run("bench", "--elements", "100");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--elements must be at least"), r.err());
    }

    @Test
    void versionNamesTheActiveKernels() {
        CliRunner.Result r = CliRunner.run("--version");
        assertEquals(0, r.exitCode(), r.err());
        if ("false".equals(System.getProperty("qlens.simd"))) {
            assertTrue(r.out().contains("kernels: scalar reference (disabled with -Dqlens.simd=false)"), r.out());
        } else {
            assertTrue(r.out().matches("(?s).*kernels: vector (128|256|512)-bit \\(JDK Vector API, \\d+ float32 lanes\\).*"),
                    r.out());
        }
        assertTrue(r.out().contains("transparent huge pages: " + (RuntimeInfo.transparentHugePages() ? "on" : "off")),
                r.out());
    }
}
