package dev.qlens.formats.comfy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ComfyUI format, on bf16, f16 and f32 weights (shapes that need padding, ConvRot groups,
 * all-zero and tiny layers), against vectors computed independently with numpy from comfy-kitchen's
 * published numerics ({@code src/test/python/comfy_vectors.py}): every stored tensor, byte for byte.
 */
class ComfyVectorsTest {
    static Path resource(String name) {
        try {
            return Path.of(ComfyVectorsTest.class.getResource("/comfy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<JsonObject> cases() throws IOException {
        String json = Files.readString(resource("comfy_cases.json"), StandardCharsets.UTF_8);
        List<JsonObject> out = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(json).getAsJsonObject().getAsJsonArray("cases")) {
            out.add(e.getAsJsonObject());
        }
        return out.stream();
    }

    static CodecSpec spec(JsonObject c) {
        ComfyFormat f = ComfyFormat.parse(c.get("format").getAsString());
        JsonObject o = c.getAsJsonObject("options");
        boolean perRow = o.has("per_row") && o.get("per_row").getAsBoolean();
        int convrot = o.has("convrot") ? o.get("convrot").getAsInt() : 0;
        int group = o.has("group") ? o.get("group").getAsInt() : CodecSpec.DEFAULT_GROUP;
        return new CodecSpec(f, perRow, convrot, group);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void storedTensorsMatchTheReferenceByteForByte(JsonObject c) throws IOException {
        String name = c.get("name").getAsString();
        int rows = c.getAsJsonArray("shape").get(0).getAsInt();
        int cols = c.getAsJsonArray("shape").get(1).getAsInt();
        DType dtype = DType.parse(c.get("dtype").getAsString());
        try (Checkpoint ck = Checkpoints.open(resource("comfy_cases.safetensors"))) {
            float[] w = new DecodedTensor(ck.tensor(name + ".input")).readAll();
            LayerCodec codec = spec(c).codec();
            QLayer layer = codec.prepare(name, w, rows, cols, dtype);
            codec.quantize(layer, false);
            List<StoredTensor> got = codec.tensors(layer);
            List<String> expectedNames = new ArrayList<>();
            c.getAsJsonArray("outputs").forEach(e -> expectedNames.add(e.getAsString()));
            assertEquals(expectedNames, got.stream().map(StoredTensor::suffix).toList(), "tensors written");
            List<TensorLayout> planned = codec.layout(rows, cols);
            assertEquals(planned.size(), got.size(), "layout announced before quantizing");
            for (int i = 0; i < got.size(); i++) {
                assertEquals(planned.get(i).suffix(), got.get(i).suffix());
                assertEquals(planned.get(i).dtype(), got.get(i).dtype(), got.get(i).suffix() + " dtype");
                assertArrayEquals(planned.get(i).shape(), got.get(i).shape(), got.get(i).suffix() + " planned shape");
            }
            for (StoredTensor t : got) {
                TensorEntry expected = ck.tensor(name + "." + t.suffix());
                assertArrayEquals(expected.shape(), t.shape(), t.suffix() + " shape");
                byte[] want = expected.readAll();
                assertEquals(want.length, t.data().length, t.suffix() + " size");
                int mismatches = 0;
                int first = -1;
                for (int i = 0; i < want.length; i++) {
                    if (want[i] != t.data()[i]) {
                        mismatches++;
                        first = first < 0 ? i : first;
                    }
                }
                assertTrue(mismatches == 0, c + ": " + t.suffix() + " differs in " + mismatches + " of " + want.length
                        + " bytes, first at byte " + first);
            }
        }
    }
}
