package dev.qlens.core.testing;

import dev.qlens.core.io.safetensors.SafetensorsWriter;
import dev.qlens.core.io.safetensors.SafetensorsWriter.TensorSpec;
import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds small safetensors files for tests. */
public final class SafetensorsBuilder {
    private final Map<String, TensorSpec> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds raw bytes. */
    public SafetensorsBuilder raw(String name, DType dtype, long[] shape, byte[] data) {
        tensors.put(name, new TensorSpec(name, dtype, shape, sink -> sink.write(data, 0, data.length)));
        return this;
    }

    /** Adds float32 values. */
    public SafetensorsBuilder f32(String name, long[] shape, float... values) {
        byte[] b = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            LittleEndian.putInt(b, 4 * i, Float.floatToRawIntBits(values[i]));
        }
        return raw(name, DType.F32, shape, b);
    }

    /** Adds one-byte codes (int8, uint8, fp8, e8m0). */
    public SafetensorsBuilder bytes(String name, DType dtype, long[] shape, int... codes) {
        byte[] b = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            b[i] = (byte) codes[i];
        }
        return raw(name, dtype, shape, b);
    }

    /** Adds a ComfyUI {@code comfy_quant} marker holding the JSON text. */
    public SafetensorsBuilder comfyQuant(String layer, String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return raw(layer + ".comfy_quant", DType.U8, new long[] {b.length}, b);
    }

    /** Adds a header metadata entry. */
    public SafetensorsBuilder meta(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Writes the file. */
    public Path write(Path file) throws IOException {
        SafetensorsWriter w = SafetensorsWriter.to(file).overwrite(true).metadata(metadata);
        tensors.values().forEach(w::add);
        w.write();
        return file;
    }
}
