package dev.qlens.cli.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.jobs.compare.CompareJob;
import dev.qlens.cli.jobs.compare.CompareJson;
import dev.qlens.cli.jobs.compare.CompareOptions;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.cli.jobs.compare.TensorPairing;
import dev.qlens.cli.jobs.compare.TensorResult;
import dev.qlens.cli.util.Json;
import dev.qlens.core.metrics.RelativeErrorHistogram;
import dev.qlens.formats.convention.Convention;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Metrics of hand-built pairs in every quantized layout qlens reads (ComfyUI per-tensor, row-wise,
 * 3-D block, 2-D block, E5M2, INT8 block-wise, NVFP4 and MXFP8 with blocked scales; legacy
 * scaled_fp8; DeepSeek scale_inv with partial blocks; ModelOpt NVFP4 and FP8) against values computed
 * independently with numpy in float64 by {@code compare/make_golden.py}.
 */
class CompareGoldenTest {
    static Path resource(String name) {
        try {
            return Path.of(CompareGoldenTest.class.getResource("/compare/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonObject expected() throws Exception {
        return JsonParser.parseString(Files.readString(resource("expected.json"))).getAsJsonObject();
    }

    static Stream<String> files() throws Exception {
        return expected().keySet().stream().sorted();
    }

    static CompareReport compare(String file, int threads) throws Exception {
        return CompareJob.run(new CompareOptions(resource("original.safetensors"), resource(file), List.of(), threads,
                EnumSet.allOf(Convention.class), false));
    }

    private static void close(String what, double expected, double actual) {
        double tol = 1e-9 * Math.max(Math.abs(expected), 1e-300);
        assertTrue(Math.abs(expected - actual) <= tol, what + ": expected " + expected + " but was " + actual);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void metricsEqualTheIndependentFloat64Values(String file) throws Exception {
        CompareReport r = compare(file, 3);
        Map<String, TensorResult> got = r.layers().stream().collect(Collectors.toMap(TensorResult::name, t -> t));
        JsonObject exp = expected().getAsJsonObject(file);
        assertEquals(exp.keySet(), got.keySet(), "tensors that differ in " + file);
        for (String name : exp.keySet()) {
            JsonObject e = exp.getAsJsonObject(name);
            JsonObject g = CompareJsonAccess.layer(got.get(name));
            for (String key : e.keySet()) {
                if (key.equals("relative_error_percentiles")) {
                    JsonObject ep = e.getAsJsonObject(key);
                    JsonObject gp = g.getAsJsonObject(key);
                    for (String p : ep.keySet()) {
                        double want = ep.get(p).getAsDouble();
                        double have = gp.get(p).getAsDouble();
                        assertTrue(want == 0 ? have == 0 : Math.abs(have / want - 1) <= RelativeErrorHistogram.ACCURACY
                                + 1e-12, name + " " + p + ": exact " + want + ", reported " + have);
                    }
                } else if (key.equals("tensor_elements")) {
                    assertEquals(e.get(key).getAsLong(), g.get(key).getAsLong(), name + " " + key);
                } else {
                    close(name + " " + key, e.get(key).getAsDouble(), g.get(key).getAsDouble());
                }
            }
        }
    }

    @Test
    void problemsAreListedNotFatal() throws Exception {
        CompareReport r = compare("comfy.safetensors", 2);
        TensorPairing p = r.pairing();
        assertEquals(List.of("norm.weight"), r.identical());
        assertEquals(List.of("only_quantized.weight"), p.missingInOriginal());
        assertTrue(p.missingInQuantized().contains("only_original.weight"), p.missingInQuantized().toString());
        assertEquals(1, p.shapeMismatches().size());
        assertEquals("mismatch.weight", p.shapeMismatches().get(0).name());
        assertTrue(p.shapeMismatches().get(0).reason().contains("[16, 16]"), p.shapeMismatches().get(0).reason());
        assertEquals(8, r.aggregate().tensors());
        assertEquals(9, r.aggregate().tensorsCompared());
        assertEquals(1, r.aggregate().identical());
        assertEquals(List.of("comfy"), r.quantized().conventions());
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() throws Exception {
        for (String file : List.of("comfy.safetensors", "deepseek.safetensors")) {
            String one = Json.GSON.toJson(CompareJson.of(compare(file, 1)));
            String many = Json.GSON.toJson(CompareJson.of(compare(file, 5)));
            assertEquals(one, many, file);
        }
    }

    @Test
    void aggregateFollowsTheDocumentedDefinitions() throws Exception {
        CompareReport r = compare("comfy.safetensors", 2);
        JsonObject exp = expected().getAsJsonObject("comfy.safetensors");
        double energyO = 0;
        double energyE = 0;
        double maxAbs = 0;
        double sumMae = 0;
        for (String name : exp.keySet()) {
            JsonObject e = exp.getAsJsonObject(name);
            energyO += Math.pow(e.get("original_norm").getAsDouble(), 2);
            energyE += Math.pow(e.get("error_norm").getAsDouble(), 2);
            maxAbs = Math.max(maxAbs, e.get("max_absolute_error").getAsDouble());
            sumMae += e.get("mean_absolute_error").getAsDouble();
        }
        close("overall SNR", 10 * Math.log10(energyO / energyE), r.aggregate().overallSnrDb());
        close("max absolute error", maxAbs, r.aggregate().maxAbsoluteError());
        close("mean absolute error", sumMae / exp.size(), r.aggregate().meanAbsoluteError());
        close("total error norm", Math.sqrt(energyE), r.aggregate().errorNorm());
        assertNotNull(r.aggregate().percentiles().get("p99_9"));
    }

    /** Reads a layer through its printed JSON form, so the test checks what users get. */
    static final class CompareJsonAccess {
        static JsonObject layer(TensorResult t) {
            return JsonParser.parseString(Json.GSON.toJson(CompareJson.layerOf(t))).getAsJsonObject();
        }
    }
}
