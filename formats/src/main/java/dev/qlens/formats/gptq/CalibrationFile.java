package dev.qlens.formats.gptq;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.io.safetensors.SafetensorsWriter;
import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Calibration statistics on disk: a safetensors file with, for every linear layer (PyTorch name without
 * {@code .weight}), {@code LAYER.xtx} (F64, in x in), {@code LAYER.sum} (F64), {@code LAYER.min} and
 * {@code LAYER.max} (F32) from the calibration texts, and the same under {@code heldout/LAYER...} from
 * held-out texts, which GPTQ never sees and reports measure on. The metadata key {@code qlens.calibration}
 * holds JSON: the model, the text counts and the tokens of each layer.
 */
public final class CalibrationFile {
    /** Metadata key of the description. */
    public static final String METADATA_KEY = "qlens.calibration";
    /** Name prefix of the held-out statistics. */
    public static final String HELDOUT = "heldout/";

    private final Map<String, InputStatistics> calibration;
    private final Map<String, InputStatistics> heldout;
    private final JsonObject description;

    /**
     * @param description free facts (model, texts); layer token counts are added when writing
     */
    public CalibrationFile(Map<String, InputStatistics> calibration, Map<String, InputStatistics> heldout,
                           JsonObject description) {
        this.calibration = new TreeMap<>(calibration);
        this.heldout = new TreeMap<>(heldout);
        this.description = description;
    }

    /** Statistics of the calibration texts by layer name. */
    public Map<String, InputStatistics> calibration() {
        return calibration;
    }

    /** Statistics of the held-out texts by layer name (may be empty). */
    public Map<String, InputStatistics> heldout() {
        return heldout;
    }

    /** The description stored with the statistics. */
    public JsonObject description() {
        return description;
    }

    /**
     * The calibration statistics of a layer: its exact name, or the one stored layer whose name ends with
     * it or that it ends with (a checkpoint may add or drop a prefix such as {@code bert.}); null if none.
     */
    public InputStatistics find(String layer) {
        return find(calibration, layer);
    }

    /** The held-out statistics of a layer, matched as {@link #find}. */
    public InputStatistics findHeldout(String layer) {
        return find(heldout, layer);
    }

    private static InputStatistics find(Map<String, InputStatistics> m, String layer) {
        InputStatistics s = m.get(layer);
        if (s != null) {
            return s;
        }
        InputStatistics found = null;
        for (Map.Entry<String, InputStatistics> e : m.entrySet()) {
            String k = e.getKey();
            if (k.endsWith("." + layer) || layer.endsWith("." + k)) {
                if (found != null) {
                    return null;
                }
                found = e.getValue();
            }
        }
        return found;
    }

    /** Writes the file atomically (refusing to replace an existing file unless {@code overwrite}). */
    public void write(Path path, boolean overwrite) throws IOException {
        JsonObject d = description.deepCopy();
        JsonObject tokens = new JsonObject();
        calibration.forEach((k, v) -> tokens.addProperty(k, v.tokens()));
        d.add("calibration_tokens", tokens);
        JsonObject ho = new JsonObject();
        heldout.forEach((k, v) -> ho.addProperty(k, v.tokens()));
        d.add("heldout_tokens", ho);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(METADATA_KEY, new Gson().toJson(d));
        SafetensorsWriter w = SafetensorsWriter.to(path).overwrite(overwrite).metadata(meta);
        add(w, "", calibration);
        add(w, HELDOUT, heldout);
        w.write();
    }

    private static void add(SafetensorsWriter w, String prefix, Map<String, InputStatistics> m) {
        for (Map.Entry<String, InputStatistics> e : m.entrySet()) {
            InputStatistics s = e.getValue();
            long n = s.features();
            String base = prefix + e.getKey();
            w.add(new SafetensorsWriter.TensorSpec(base + ".xtx", DType.F64, new long[] {n, n}, doubles(s.secondMoment())));
            w.add(new SafetensorsWriter.TensorSpec(base + ".sum", DType.F64, new long[] {n}, doubles(s.sum())));
            w.add(new SafetensorsWriter.TensorSpec(base + ".min", DType.F32, new long[] {n}, floats(s.min())));
            w.add(new SafetensorsWriter.TensorSpec(base + ".max", DType.F32, new long[] {n}, floats(s.max())));
        }
    }

    private static SafetensorsWriter.Payload doubles(double[] v) {
        return sink -> {
            byte[] b = new byte[8 * Math.min(v.length, 1 << 16)];
            for (int done = 0; done < v.length; done += b.length / 8) {
                int len = Math.min(b.length / 8, v.length - done);
                for (int i = 0; i < len; i++) {
                    LittleEndian.putLong(b, 8 * i, Double.doubleToRawLongBits(v[done + i]));
                }
                sink.write(b, 0, 8 * len);
            }
        };
    }

    private static SafetensorsWriter.Payload floats(float[] v) {
        return sink -> {
            byte[] b = new byte[4 * v.length];
            for (int i = 0; i < v.length; i++) {
                LittleEndian.putInt(b, 4 * i, Float.floatToRawIntBits(v[i]));
            }
            sink.write(b, 0, b.length);
        };
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @throws QlensException naming the file when it is not a qlens calibration file or is inconsistent
     */
    public static CalibrationFile read(Path path) {
        try (Checkpoint c = Checkpoints.open(path)) {
            String json = c.metadata().get(METADATA_KEY);
            if (json == null) {
                throw new QlensException(path + ": not a qlens calibration file (no " + METADATA_KEY
                        + " metadata); make one with qlens calibrate");
            }
            JsonObject d = JsonParser.parseString(json).getAsJsonObject();
            Map<String, InputStatistics> cal = new TreeMap<>();
            Map<String, InputStatistics> ho = new TreeMap<>();
            for (TensorEntry t : c.tensors()) {
                if (!t.name().endsWith(".xtx")) {
                    continue;
                }
                String base = t.name().substring(0, t.name().length() - 4);
                boolean held = base.startsWith(HELDOUT);
                String layer = held ? base.substring(HELDOUT.length()) : base;
                JsonObject tokens = d.getAsJsonObject(held ? "heldout_tokens" : "calibration_tokens");
                long n = t.shape()[0];
                if (t.dtype() != DType.F64 || t.shape().length != 2 || t.shape()[1] != n || n > 46340) {
                    throw new QlensException(path + ": tensor " + t.name() + " must be a square F64 matrix");
                }
                int f = (int) n;
                InputStatistics s = new InputStatistics(f, tokens == null || !tokens.has(layer) ? 0 : tokens.get(layer).getAsLong(),
                        readDoubles(c, path, t.name(), (long) f * f), readDoubles(c, path, base + ".sum", f),
                        readFloats(c, path, base + ".min", f), readFloats(c, path, base + ".max", f));
                (held ? ho : cal).put(layer, s);
            }
            if (cal.isEmpty()) {
                throw new QlensException(path + ": the calibration file holds no layer statistics");
            }
            return new CalibrationFile(cal, ho, d);
        } catch (IOException e) {
            throw new QlensException(path + ": cannot read calibration statistics: " + e.getMessage(), e);
        }
    }

    private static TensorEntry entry(Checkpoint c, Path path, String name, long count, int bytesPer) {
        TensorEntry t = c.tensor(name);
        if (t == null || t.byteSize() != count * bytesPer) {
            throw new QlensException(path + ": tensor " + name + " is missing or has the wrong size");
        }
        return t;
    }

    private static double[] readDoubles(Checkpoint c, Path path, String name, long count) throws IOException {
        TensorEntry t = entry(c, path, name, count, 8);
        double[] out = new double[(int) count];
        byte[] b = new byte[8 << 14];
        for (long done = 0; done < count; done += b.length / 8) {
            int len = (int) Math.min(b.length / 8, count - done);
            t.readBytes(done * 8, b, 0, 8 * len);
            for (int i = 0; i < len; i++) {
                out[(int) done + i] = Double.longBitsToDouble(LittleEndian.getLong(b, 8 * i));
            }
        }
        return out;
    }

    private static float[] readFloats(Checkpoint c, Path path, String name, int count) throws IOException {
        byte[] b = entry(c, path, name, count, 4).readAll();
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = Float.intBitsToFloat(LittleEndian.getInt(b, 4 * i));
        }
        return out;
    }

    /** Layer names in the file, sorted. */
    public List<String> layers() {
        return List.copyOf(calibration.keySet());
    }
}
