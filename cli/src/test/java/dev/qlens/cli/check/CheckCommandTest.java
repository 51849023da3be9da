package dev.qlens.cli.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.cli.CliRunner;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.testing.RealModels;
import dev.qlens.core.testing.SafetensorsBuilder;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.QuantFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CheckCommandTest {
    @TempDir
    Path dir;

    /** A checkpoint's tensors and metadata, editable. */
    record Model(Map<String, Object[]> tensors, Map<String, String> meta) {
        static Model read(Path p) throws IOException {
            Map<String, Object[]> t = new LinkedHashMap<>();
            try (Checkpoint c = Checkpoints.open(p)) {
                for (TensorEntry e : c.tensors()) {
                    t.put(e.name(), new Object[] {e.dtype(), e.shape(), e.readAll()});
                }
                return new Model(t, new LinkedHashMap<>(c.metadata()));
            }
        }

        byte[] bytes(String name) {
            return (byte[]) tensors.get(name)[2];
        }

        void put(String name, DType d, long[] shape, byte[] data) {
            tensors.put(name, new Object[] {d, shape, data});
        }

        Path write(Path p) throws IOException {
            SafetensorsBuilder b = new SafetensorsBuilder();
            meta.forEach(b::meta);
            tensors.forEach((n, v) -> b.raw(n, (DType) v[0], (long[]) v[1], (byte[]) v[2]));
            return b.write(p);
        }
    }

    private Path quantized(String... format) throws IOException {
        Path in = dev.qlens.cli.quantize.TestModelsAccess.diffusionLike(dir.resolve("in.safetensors"));
        Path out = dir.resolve("q-" + String.join("_", format).replace("-", "") + ".safetensors");
        String[] args = Stream.concat(Stream.of("quantize", in.toString(), "-o", out.toString(), "--force", "--no-progress",
                "--quant-ops", "--format"), Stream.of(format)).toArray(String[]::new);
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), r.err());
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"float8_e4m3fn", "float8_e5m2", "nvfp4", "mxfp8", "int8_tensorwise",
        "int8_tensorwise --convrot 16", "convrot_w4a4 --convrot 64", "scaled_fp8", "float8_e4m3fn_rowwise",
        "float8_e4m3fn_blockwise --group-size 32", "int8_blockwise --group-size 32"})
    void everyQuantizeOutputPasses(String format) throws IOException {
        Path q = quantized(format.split(" "));
        CliRunner.Result r = CliRunner.run("check", q.toString(), "--original", dir.resolve("in.safetensors").toString(),
                "--min-snr", "5");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("PASS"), r.out());
    }

    /** One defect per case: what is changed in a valid file, and the rule that must name it. */
    static Stream<Arguments> defects() {
        String qkv = "blocks.0.attn.qkv";
        return Stream.of(
                Arguments.of("float8_e4m3fn", "fp8-nan-codes", (Consumer<Model>) m -> m.bytes(qkv + ".weight")[5] = 0x7F),
                Arguments.of("float8_e5m2", "fp8-nan-codes", (Consumer<Model>) m -> m.bytes(qkv + ".weight")[9] = 0x7C),
                Arguments.of("float8_e4m3fn", "comfy-quant-json", (Consumer<Model>) m -> {
                    byte[] j = "{\"format\": float8".getBytes(StandardCharsets.UTF_8);
                    m.put(qkv + ".comfy_quant", DType.U8, new long[] {j.length}, j);
                    m.meta().remove("_quantization_metadata");
                }),
                Arguments.of("float8_e4m3fn", "header-json", (Consumer<Model>) m -> m.meta().put("_quantization_metadata",
                        "{\"layers\": [")),
                Arguments.of("float8_e4m3fn", "header-mismatch", (Consumer<Model>) m -> m.meta().put(
                        "_quantization_metadata", m.meta().get("_quantization_metadata").replaceFirst(
                                "\"float8_e4m3fn\"", "\"float8_e5m2\""))),
                Arguments.of("float8_e4m3fn", "format-unknown", (Consumer<Model>) m -> setFormat(m, qkv, "float8_e4m3fn_block3x")),
                Arguments.of("float8_e4m3fn", "format-custom-node", (Consumer<Model>) m -> setFormat(m, qkv, "hybrid_mxfp8")),
                Arguments.of("float8_e4m3fn", "weight-dtype", (Consumer<Model>) m -> m.tensors().get(qkv + ".weight")[0] = DType.U8),
                Arguments.of("float8_e4m3fn", "scale-missing", (Consumer<Model>) m -> m.tensors().remove(qkv + ".weight_scale")),
                Arguments.of("int8_tensorwise --scaling-mode row", "scale-shape-trap",
                        (Consumer<Model>) m -> m.tensors().get(qkv + ".weight_scale")[1] = new long[] {192}),
                Arguments.of("float8_e4m3fn", "scale-shape", (Consumer<Model>) m -> m.put(qkv + ".weight_scale", DType.F32,
                        new long[] {2}, new byte[8])),
                Arguments.of("float8_e4m3fn", "scale-value", (Consumer<Model>) m -> putFloat(m, qkv + ".weight_scale", -1f)),
                Arguments.of("int8_tensorwise --scaling-mode row", "scale-value",
                        (Consumer<Model>) m -> LittleEndian.putInt(m.bytes(qkv + ".weight_scale"), 8, Float.floatToRawIntBits(Float.NaN))),
                Arguments.of("mxfp8", "e8m0-nan", (Consumer<Model>) m -> m.bytes(qkv + ".weight_scale")[0] = (byte) 0xFF),
                Arguments.of("nvfp4", "e4m3-scale-nan", (Consumer<Model>) m -> m.bytes(qkv + ".weight_scale")[0] = 0x7F),
                Arguments.of("nvfp4", "e4m3-scale-negative", (Consumer<Model>) m -> m.bytes(qkv + ".weight_scale")[0] |= (byte) 0x80),
                Arguments.of("nvfp4", "zero-scale-block", (Consumer<Model>) m -> m.bytes(qkv + ".weight_scale")[0] = 0),
                Arguments.of("nvfp4", "padding", (Consumer<Model>) m -> m.tensors().get(qkv + ".weight")[1] = new long[] {24, 256}),
                Arguments.of("float8_e4m3fn", "input-scale", (Consumer<Model>) m -> m.put(qkv + ".input_scale", DType.F32,
                        new long[0], new byte[4])),
                Arguments.of("int8_tensorwise --convrot 16", "convrot-group", (Consumer<Model>) m -> setFormat(m, qkv,
                        "int8_tensorwise\", \"convrot\": true, \"convrot_groupsize\": 8, \"x\": \"")),
                Arguments.of("int8_blockwise --group-size 32", "int-range", (Consumer<Model>) m -> m.bytes(qkv + ".weight")[3] = (byte) 0x80),
                Arguments.of("convrot_w4a4 --convrot 64", "int-range", (Consumer<Model>) m -> m.bytes(qkv + ".weight")[3] = (byte) 0x08),
                Arguments.of("float8_e4m3fn", "format-missing", (Consumer<Model>) m -> setConfig(m, qkv, "{\"formt\": \"float8_e4m3fn\"}")),
                Arguments.of("scaled_fp8", "legacy-mixed", (Consumer<Model>) m -> m.meta().put("_quantization_metadata",
                        "{\"format_version\": \"1.0\", \"layers\": {\"x\": {\"format\": \"float8_e4m3fn\"}}}")),
                Arguments.of("float8_e4m3fn", "weight-missing", (Consumer<Model>) m -> m.tensors().remove(qkv + ".weight")),
                Arguments.of("nvfp4", "scale-shape", (Consumer<Model>) m -> m.put(qkv + ".weight_scale", DType.F8_E4M3,
                        new long[] {64, 8}, java.util.Arrays.copyOf(m.bytes(qkv + ".weight_scale"), 512))),
                Arguments.of("float8_e4m3fn", "dequant-nonfinite", (Consumer<Model>) m -> putFloat(m, qkv + ".weight_scale", 1e38f)));
    }

    static void putFloat(Model m, String name, float v) {
        byte[] b = new byte[4];
        LittleEndian.putInt(b, 0, Float.floatToRawIntBits(v));
        m.put(name, DType.F32, new long[0], b);
    }

    static void setConfig(Model m, String layer, String json) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        m.put(layer + ".comfy_quant", DType.U8, new long[] {j.length}, j);
        String meta = m.meta().get("_quantization_metadata");
        int at = meta.indexOf("\"" + layer + "\": ");
        int end = meta.indexOf('}', at) + 1;
        m.meta().put("_quantization_metadata", meta.substring(0, at) + "\"" + layer + "\": " + json + meta.substring(end));
    }

    static void setFormat(Model m, String layer, String format) {
        setConfig(m, layer, "{\"format\": \"" + format + "\"}");
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("defects")
    void eachDefectIsFoundAndNamed(String format, String rule, Consumer<Model> breakIt) throws IOException {
        Model m = Model.read(quantized(format.split(" ")));
        breakIt.accept(m);
        Path broken = m.write(dir.resolve("broken.safetensors"));
        CliRunner.Result r = CliRunner.run("check", broken.toString(), "--json");
        assertTrue(r.out().contains("\"rule\": \"" + rule + "\""), rule + " not reported: " + r.out() + r.err());
        assertTrue(r.out().contains("blocks.0.attn.qkv") || rule.equals("header-json") || rule.equals("legacy-mixed"),
                r.out());
        boolean warningOnly = rule.equals("format-custom-node") || rule.equals("int-range");
        assertEquals(warningOnly ? 0 : 1, r.exitCode(), r.out());
    }

    static Stream<QuantFormat> catalog() {
        return FormatCatalog.examples().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalog")
    void fakeQuantizedTensorsPassAndFailOnceOneValueMovesOneUlp(QuantFormat f) throws IOException {
        Random r = new Random(f.name().hashCode());
        long[] shape = {64, 256};
        float[] x = new float[64 * 256];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 0.02 * (r.nextInt(100) == 0 ? 20 : 1));
        }
        float[] y = f.fakeQuantize(x, shape, EncodeMode.DEFAULT);
        Path ok = new SafetensorsBuilder().f32("w.weight", shape, y).write(dir.resolve("ok.safetensors"));
        CliRunner.Result pass = CliRunner.run("check", ok.toString(), "--format", f.name());
        assertEquals(0, pass.exitCode(), f.name() + ": " + pass.out() + pass.err());
        int at = 1000;
        while (at < y.length - 1 && y[at] == 0f) {
            at++;
        }
        y[at] = Math.nextUp(y[at]);
        Path bad = new SafetensorsBuilder().f32("w.weight", shape, y).write(dir.resolve("bad.safetensors"));
        CliRunner.Result fail = CliRunner.run("check", bad.toString(), "--format", f.name(), "--json");
        assertEquals(1, fail.exitCode(), f.name() + ": " + fail.out() + fail.err());
        assertTrue(fail.out().contains("\"index\": " + at), f.name() + " did not name element " + at + ": " + fail.out());
    }

    @Test
    void onnxRuntimeInt8MiniLmPassesAndNamesItsFormats() {
        CliRunner.Result r = CliRunner.run("check", RealModels.miniLmInt8().toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("embeddings.word_embeddings.weight")
                && l.contains("onnxruntime uint8 per-tensor, zero point")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("encoder.layer.0.attention.self.query.weight")
                && l.contains("onnxruntime int8 per-channel")), r.out());
    }

    @Test
    void usageAndInputErrorsExitWith2() {
        assertEquals(2, CliRunner.run("check", dir.resolve("missing.safetensors").toString()).exitCode());
        assertEquals(2, CliRunner.run("check", RealModels.miniLmFp32().toString(), "--format", "fp7").exitCode());
        assertEquals(2, CliRunner.run("check").exitCode());
    }
}
