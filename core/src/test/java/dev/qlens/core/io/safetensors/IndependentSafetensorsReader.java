package dev.qlens.core.io.safetensors;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A second safetensors reader written independently of {@link SafetensorsHeader} (Gson tree model,
 * RandomAccessFile), used to check files qlens writes. It trusts nothing qlens computes.
 */
public final class IndependentSafetensorsReader {
    /** A tensor as this reader sees it. */
    public record Tensor(String dtype, long[] shape, byte[] data) {
    }

    private IndependentSafetensorsReader() {
    }

    /** Reads every tensor (small files only) and the metadata (under the key "__metadata__"). */
    public static Map<String, Object> read(Path file) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] len = new byte[8];
            raf.readFully(len);
            long n = 0;
            for (int i = 7; i >= 0; i--) {
                n = (n << 8) | (len[i] & 0xFF);
            }
            if (n % 8 != 0) {
                throw new IOException("header length " + n + " is not padded to a multiple of 8");
            }
            byte[] json = new byte[(int) n];
            raf.readFully(json);
            JsonObject root = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
            long base = 8 + n;
            long maxEnd = 0;
            for (Map.Entry<String, JsonElement> e : root.entrySet()) {
                if (e.getKey().equals("__metadata__")) {
                    Map<String, String> meta = new LinkedHashMap<>();
                    for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                        meta.put(m.getKey(), m.getValue().getAsString());
                    }
                    out.put("__metadata__", meta);
                    continue;
                }
                JsonObject o = e.getValue().getAsJsonObject();
                var shapeArr = o.getAsJsonArray("shape");
                long[] shape = new long[shapeArr.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeArr.get(i).getAsLong();
                }
                var off = o.getAsJsonArray("data_offsets");
                long begin = off.get(0).getAsLong();
                long end = off.get(1).getAsLong();
                maxEnd = Math.max(maxEnd, end);
                byte[] data = new byte[(int) (end - begin)];
                raf.seek(base + begin);
                raf.readFully(data);
                out.put(e.getKey(), new Tensor(o.get("dtype").getAsString(), shape, data));
            }
            if (base + maxEnd != raf.length()) {
                throw new IOException("data does not end at the end of the file");
            }
        }
        return out;
    }
}
