package dev.qlens.cli.jobs;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.qlens.cli.util.Json;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.AtomicOutput;
import dev.qlens.core.io.Npy;
import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;
import dev.qlens.formats.catalog.Encoded;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.QuantFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code qlens encode} / {@code qlens decode}: golden vectors for kernel and hardware tests. Encoding
 * reads a float32 array (raw little-endian or {@code .npy}) and writes the format's byte layout:
 * packed codes, scales, zero points, the NVFP4 global scale, optionally the dequantized values, and a
 * JSON sidecar that lists every file. Decoding reads them back (from the sidecar, or from files named
 * on the command line) and writes float32 values.
 */
public final class CodecJob {
    private CodecJob() {
    }

    /**
     * Encode options.
     *
     * @param input .npy, or raw little-endian float32 (.f32, .bin, anything else)
     * @param shape shape of a raw input (null: 1-D, or the .npy shape)
     * @param format catalog name
     * @param prefix output prefix (null: derived from the input and format)
     * @param mode rounding and seed
     * @param unpackedCodes write one code per element (u8, or u16 for 16-bit codes) instead of the packed layout
     * @param dequantized also write the dequantized values
     * @param npy write .npy files instead of raw little-endian files
     * @param force replace existing outputs
     */
    public record EncodeOptions(Path input, long[] shape, String format, Path prefix, EncodeMode mode,
                                boolean unpackedCodes, boolean dequantized, boolean npy, boolean force) {
    }

    /** What encoding produced. */
    public record EncodeResult(Path sidecar, JsonObject description) {
    }

    /** Reads float32 values from .npy or raw files. */
    public static float[] readInput(Path input, long[] shape, long[][] shapeOut) throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new QlensException(input + ": no such file");
        }
        if (Npy.isNpy(input)) {
            Npy.Array a = Npy.read(input);
            if (shape != null && !Shapes.equal(shape, a.shape()) && Shapes.numel(shape) != a.numel()) {
                throw new QlensException(input + ": --shape " + Shapes.toString(shape) + " does not match the .npy shape "
                        + Shapes.toString(a.shape()));
            }
            shapeOut[0] = shape != null ? shape : a.shape();
            return a.toFloats(input);
        }
        long size = Files.size(input);
        if (size % 4 != 0) {
            throw new QlensException(input + ": " + size + " bytes is not a whole number of float32 values");
        }
        long n = size / 4;
        if (shape != null && Shapes.numel(shape) != n) {
            throw new QlensException(input + ": holds " + n + " float32 values but --shape " + Shapes.toString(shape)
                    + " needs " + Shapes.numel(shape));
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new QlensException(input + ": too large for encode (" + n + " values); split it");
        }
        shapeOut[0] = shape != null ? shape : new long[] {n};
        byte[] b = Files.readAllBytes(input);
        float[] out = new float[(int) n];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** Encodes and writes the files. */
    public static EncodeResult encode(EncodeOptions o) throws IOException {
        QuantFormat f = FormatCatalog.parse(o.format());
        long[][] shapeHolder = new long[1][];
        float[] x = readInput(o.input(), o.shape(), shapeHolder);
        long[] shape = shapeHolder[0];
        Encoded e = f.encode(x, shape, o.mode());
        Path prefix = o.prefix() != null ? o.prefix() : defaultPrefix(o.input(), f);
        Map<String, Path> files = new LinkedHashMap<>();
        String ext = o.npy() ? ".npy" : null;
        // codes
        if (o.unpackedCodes()) {
            int[] codes = f.unpackCodes(e);
            int bytes = f.codeBits() > 8 ? 2 : 1;
            byte[] raw = new byte[codes.length * bytes];
            for (int i = 0; i < codes.length; i++) {
                if (bytes == 2) {
                    LittleEndian.putShort(raw, 2 * i, codes[i]);
                } else {
                    raw[i] = (byte) codes[i];
                }
            }
            files.put("codes", write(prefix, ".codes", ext != null ? ext : bytes == 2 ? ".u16" : ".u8", raw,
                    Npy.descrFor(bytes, false, false), shape, o));
        } else {
            files.put("codes", write(prefix, ".codes", ext != null ? ext : ".bin", e.codes(), "|u1",
                    new long[] {e.codes().length}, o));
        }
        if (e.scales().length > 0) {
            boolean f32 = e.scaleDtype() == DType.F32;
            files.put("scales", write(prefix, ".scales", ext != null ? ext : f32 ? ".f32" : ".u8", e.scales(),
                    f32 ? "<f4" : "|u1", e.scaleShape(), o));
        }
        if (e.zeroPoints().length > 0) {
            files.put("zero_points", write(prefix, ".zero_points", ext != null ? ext : ".i32", e.zeroPoints(), "<i4",
                    e.scaleShape(), o));
        }
        if (!Float.isNaN(e.globalScale())) {
            byte[] g = new byte[4];
            LittleEndian.putInt(g, 0, Float.floatToRawIntBits(e.globalScale()));
            files.put("global_scale", write(prefix, ".global", ext != null ? ext : ".f32", g, "<f4", new long[0], o));
        }
        if (o.dequantized()) {
            float[] v = f.decode(e);
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            files.put("dequantized", write(prefix, ".deq", ext != null ? ext : ".f32", b.array(), "<f4", shape, o));
        }
        JsonObject d = describe(f, e, shape, files, o.unpackedCodes(), o.npy());
        Path sidecar = Path.of(prefix + ".json");
        checkTarget(sidecar, o);
        AtomicOutput.writeBytes(sidecar, (Json.GSON.toJson(d) + "\n").getBytes(StandardCharsets.UTF_8));
        return new EncodeResult(sidecar, d);
    }

    static Path defaultPrefix(Path input, QuantFormat f) {
        String name = input.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String fmt = f.name().replace(':', '-').replace(',', '-');
        Path dir = input.toAbsolutePath().getParent();
        return dir.resolve(stem + "." + fmt);
    }

    private static void checkTarget(Path p, EncodeOptions o) {
        AtomicOutput.checkTarget(p, List.of(o.input()), o.force());
    }

    private static Path write(Path prefix, String role, String ext, byte[] data, String descr, long[] shape,
                              EncodeOptions o) throws IOException {
        Path p = Path.of(prefix + role + ext);
        checkTarget(p, o);
        if (ext.equals(".npy")) {
            Npy.write(p, descr, shape, data);
        } else {
            AtomicOutput.writeBytes(p, data);
        }
        return p;
    }

    static JsonObject describe(QuantFormat f, Encoded e, long[] shape, Map<String, Path> files, boolean unpacked,
                               boolean npy) {
        JsonObject d = new JsonObject();
        d.addProperty("format", f.name());
        d.addProperty("description", f.description());
        d.add("shape", longs(shape));
        d.addProperty("code_bits", f.codeBits());
        d.addProperty("codes_layout", unpacked ? "one code per element (" + (f.codeBits() > 8 ? "u16" : "u8") + ")" : "packed");
        d.addProperty("file_format", npy ? "npy" : "raw little-endian");
        d.add("scale_dtype", Json.stringOrNull(e.scaleDtype() == null ? null : e.scaleDtype().name()));
        d.add("scale_shape", longs(e.scaleShape()));
        d.add("global_scale", Float.isNaN(e.globalScale()) ? com.google.gson.JsonNull.INSTANCE : Json.number(e.globalScale()));
        d.addProperty("packed_bytes", e.totalBytes());
        d.add("bits_per_element", Json.number(f.bitsPerElement(shape)));
        if (e.clipped() >= 0) {
            d.addProperty("clipped", e.clipped());
        }
        JsonObject fs = new JsonObject();
        for (Map.Entry<String, Path> en : files.entrySet()) {
            fs.addProperty(en.getKey(), en.getValue().getFileName().toString());
        }
        d.add("files", fs);
        return d;
    }

    private static JsonArray longs(long[] v) {
        JsonArray a = new JsonArray();
        for (long x : v) {
            a.add(x);
        }
        return a;
    }

    // ---------------------------------------------------------------------------------------------
    // Decode

    /**
     * Decode options: either a sidecar, or the format, shape and files.
     *
     * @param sidecar the .json written by encode (null when the files are given)
     * @param format catalog name (without a sidecar)
     * @param shape tensor shape (without a sidecar)
     * @param codes codes file
     * @param unpackedCodes whether the codes file has one code per element
     * @param scales scales file (or null)
     * @param zeroPoints zero points file (or null)
     * @param globalScale NVFP4 per-tensor scale: a number or a file (or null)
     * @param output .npy or raw float32 output
     * @param force replace an existing output
     */
    public record DecodeOptions(Path sidecar, String format, long[] shape, Path codes, boolean unpackedCodes, Path scales,
                                Path zeroPoints, String globalScale, Path output, boolean force) {
    }

    /** Decodes and writes float32 values; returns the number of values. */
    public static long decode(DecodeOptions o) throws IOException {
        QuantFormat f;
        long[] shape;
        Path codesFile;
        Path scalesFile;
        Path zpFile;
        String global;
        boolean unpacked;
        if (o.sidecar() != null) {
            JsonObject d;
            try {
                d = JsonParser.parseString(Files.readString(o.sidecar())).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new QlensException(o.sidecar() + ": not a qlens encode sidecar (" + e.getMessage() + ")");
            }
            Path dir = o.sidecar().toAbsolutePath().getParent();
            f = FormatCatalog.parse(d.get("format").getAsString());
            JsonArray s = d.getAsJsonArray("shape");
            shape = new long[s.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = s.get(i).getAsLong();
            }
            JsonObject fs = d.getAsJsonObject("files");
            codesFile = dir.resolve(fs.get("codes").getAsString());
            scalesFile = fs.has("scales") ? dir.resolve(fs.get("scales").getAsString()) : null;
            zpFile = fs.has("zero_points") ? dir.resolve(fs.get("zero_points").getAsString()) : null;
            JsonElement g = d.get("global_scale");
            global = g == null || g.isJsonNull() ? null : g.getAsString();
            unpacked = d.get("codes_layout").getAsString().startsWith("one code");
        } else {
            if (o.format() == null || o.shape() == null || o.codes() == null) {
                throw new QlensException("decode needs a sidecar .json, or --format, --shape and --codes");
            }
            f = FormatCatalog.parse(o.format());
            shape = o.shape();
            codesFile = o.codes();
            scalesFile = o.scales();
            zpFile = o.zeroPoints();
            global = o.globalScale();
            unpacked = o.unpackedCodes();
        }
        Encoded probe = f.encode(new float[(int) Shapes.numel(shape)], shape, EncodeMode.DEFAULT);
        byte[] codes = readBytes(codesFile);
        if (unpacked) {
            int bytes = f.codeBits() > 8 ? 2 : 1;
            if (codes.length != Shapes.numel(shape) * bytes) {
                throw new QlensException(codesFile + ": holds " + codes.length + " bytes but " + Shapes.numel(shape)
                        + " unpacked codes of " + f.name() + " need " + Shapes.numel(shape) * bytes);
            }
            int[] c = new int[(int) Shapes.numel(shape)];
            for (int i = 0; i < c.length; i++) {
                c[i] = bytes == 2 ? LittleEndian.getShort(codes, 2 * i) : codes[i] & 0xFF;
            }
            codes = f.packCodes(c);
        }
        requireLength(codesFile, codes.length, probe.codes().length, "packed codes of " + f.name() + " "
                + Shapes.toString(shape));
        byte[] scales = new byte[0];
        if (probe.scales().length > 0) {
            if (scalesFile == null) {
                throw new QlensException(f.name() + " needs its scales (--scales)");
            }
            scales = readBytes(scalesFile);
            requireLength(scalesFile, scales.length, probe.scales().length, "scales");
        }
        byte[] zps = new byte[0];
        if (probe.zeroPoints().length > 0) {
            if (zpFile == null) {
                throw new QlensException(f.name() + " needs its zero points (--zero-points)");
            }
            zps = readBytes(zpFile);
            requireLength(zpFile, zps.length, probe.zeroPoints().length, "zero points");
        }
        float g = Float.NaN;
        if (!Float.isNaN(probe.globalScale())) {
            if (global == null) {
                throw new QlensException(f.name() + " needs its per-tensor scale (--global-scale)");
            }
            g = parseGlobal(global);
        }
        Encoded e = new Encoded(f.name(), shape, codes, scales, probe.scaleDtype(), probe.scaleShape(), g, zps, -1);
        float[] v = f.decode(e);
        AtomicOutput.checkTarget(o.output(), inputs(codesFile, scalesFile, zpFile, o.sidecar()), o.force());
        if (Npy.isNpy(o.output())) {
            Npy.writeFloats(o.output(), shape, v);
        } else {
            ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            AtomicOutput.writeBytes(o.output(), b.array());
        }
        return v.length;
    }

    private static List<Path> inputs(Path... paths) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    private static float parseGlobal(String text) throws IOException {
        try {
            return Float.parseFloat(text);
        } catch (NumberFormatException e) {
            byte[] b = readBytes(Path.of(text));
            if (b.length != 4) {
                throw new QlensException(text + ": a global scale file holds one float32 (4 bytes), not " + b.length);
            }
            return Float.intBitsToFloat(LittleEndian.getInt(b, 0));
        }
    }

    /** The bytes of a raw file, or the data of a .npy file. */
    private static byte[] readBytes(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new QlensException(p + ": no such file");
        }
        return Npy.isNpy(p) ? Npy.read(p).data() : Files.readAllBytes(p);
    }

    private static void requireLength(Path p, long actual, long expected, String what) {
        if (actual != expected) {
            throw new QlensException(p + ": holds " + actual + " bytes but the " + what + " take " + expected);
        }
    }
}
