package dev.qlens.core.io;

import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.tensor.Shapes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numpy {@code .npy} format (versions 1.0 to 3.0): a magic string, a version, a little-endian
 * header length and a Python-literal header {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}
 * padded with spaces to a multiple of 64 bytes, then the data. qlens reads little-endian C-order
 * arrays of float32, float16, float64, bfloat16-as-uint16 and integer types, and writes version 1.0 files.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** An array read from a file: its numpy dtype string, shape and raw little-endian bytes. */
    public record Array(String descr, long[] shape, byte[] data) {
        /** Number of elements. */
        public long numel() {
            return Shapes.numel(shape);
        }

        /** The values as float32 (float16, float64 and integer types are converted). */
        public float[] toFloats(Path file) {
            int n = (int) numel();
            float[] out = new float[n];
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            // One type test for the whole array, and a bulk copy for float32 (the common case).
            switch (descr.substring(1)) {
                case "f4":
                    b.asFloatBuffer().get(out, 0, n);
                    break;
                case "f2":
                    for (int i = 0; i < n; i++) {
                        out[i] = FloatFormat.FP16.decode(b.getShort(2 * i) & 0xFFFF);
                    }
                    break;
                case "f8":
                    for (int i = 0; i < n; i++) {
                        out[i] = (float) b.getDouble(8 * i);
                    }
                    break;
                case "i1":
                    for (int i = 0; i < n; i++) {
                        out[i] = data[i];
                    }
                    break;
                case "u1":
                    for (int i = 0; i < n; i++) {
                        out[i] = data[i] & 0xFF;
                    }
                    break;
                case "i2":
                    for (int i = 0; i < n; i++) {
                        out[i] = b.getShort(2 * i);
                    }
                    break;
                case "u2":
                    for (int i = 0; i < n; i++) {
                        out[i] = b.getShort(2 * i) & 0xFFFF;
                    }
                    break;
                case "i4":
                    for (int i = 0; i < n; i++) {
                        out[i] = b.getInt(4 * i);
                    }
                    break;
                default:
                    throw new CheckpointException(file, "numpy dtype '" + descr + "' cannot be read as float values"
                            + " (use float32, float16, float64 or an integer type)");
            }
            return out;
        }
    }

    private Npy() {
    }

    /**
     * Reads an array.
     *
     * @throws CheckpointException for malformed files, big-endian data or Fortran order
     */
    public static Array read(Path file) throws IOException {
        byte[] all;
        // Files.readAllBytes copies a large file through one temporary direct buffer of its whole size;
        // positional reads in pieces of at most 8 MiB are several times faster for a 1 GB array.
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new CheckpointException(file, "is " + size + " bytes; .npy inputs up to 2 GiB can be read");
            }
            all = new byte[(int) size];
            FileRegion.readFully(ch, file, 0, all, 0, all.length);
        }
        if (all.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(all, 6), MAGIC)) {
            throw new CheckpointException(file, "not a .npy file (bad magic)");
        }
        int major = all[6] & 0xFF;
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xFFFF;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (all.length < 12) {
                throw new CheckpointException(file, "truncated .npy header");
            }
            headerLen = b.getInt(8);
            headerStart = 12;
        } else {
            throw new CheckpointException(file, "unsupported .npy version " + major);
        }
        if (headerLen < 0 || headerStart + (long) headerLen > all.length) {
            throw new CheckpointException(file, "truncated .npy header");
        }
        String header = new String(all, headerStart, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new CheckpointException(file, "malformed .npy header: " + header.trim());
        }
        String descr = d.group(1);
        if (f.group(1).equals("True")) {
            throw new CheckpointException(file, "Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        if (descr.startsWith(">") && !descr.endsWith("1")) {
            throw new CheckpointException(file, "big-endian data ('" + descr + "') is not supported; convert with"
                    + " arr.astype(arr.dtype.newbyteorder('<'))");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                try {
                    dims.add(Long.parseLong(p.replace("L", "")));
                } catch (NumberFormatException e) {
                    throw new CheckpointException(file, "malformed .npy shape: (" + s.group(1) + ")");
                }
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        int itemSize = itemSize(descr, file);
        long bytes;
        try {
            bytes = Math.multiplyExact(Shapes.numel(shape), (long) itemSize);
        } catch (ArithmeticException e) {
            throw new CheckpointException(file, "shape (" + s.group(1).trim() + ") has more elements than any file can hold");
        }
        int dataStart = headerStart + headerLen;
        if (all.length - dataStart != bytes) {
            throw new CheckpointException(file, "holds " + (all.length - dataStart) + " data bytes but shape "
                    + Shapes.toString(shape) + " of " + descr + " needs " + bytes);
        }
        byte[] data = java.util.Arrays.copyOfRange(all, dataStart, all.length);
        String normalized = descr.startsWith("|") || descr.startsWith(">") ? "<" + descr.substring(1) : descr;
        return new Array(normalized, shape, data);
    }

    private static int itemSize(String descr, Path file) {
        if (descr.length() < 3) {
            throw new CheckpointException(file, "unsupported numpy dtype '" + descr + "'");
        }
        char kind = descr.charAt(1);
        if ("fiub".indexOf(kind) < 0) {
            throw new CheckpointException(file, "unsupported numpy dtype '" + descr + "'");
        }
        try {
            return Integer.parseInt(descr.substring(2));
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "unsupported numpy dtype '" + descr + "'");
        }
    }

    /**
     * Writes an array atomically.
     *
     * @param descr numpy type string such as {@code <f4}, {@code |u1}, {@code <u2}, {@code <i4}
     */
    public static void write(Path file, String descr, long[] shape, byte[] data) throws IOException {
        long expected = Shapes.numel(shape) * Integer.parseInt(descr.substring(2));
        if (expected != data.length) {
            throw new IllegalArgumentException(file + ": " + data.length + " bytes do not fit shape "
                    + Shapes.toString(shape) + " of " + descr + " (" + expected + " bytes)");
        }
        byte[] h = header(descr, shape);
        byte[] all = new byte[h.length + data.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(data, 0, all, h.length, data.length);
        AtomicOutput.writeBytes(file, all);
    }

    /** The version 1.0 header of an array (magic, version, length, padded dictionary), for streaming writers. */
    public static byte[] header(String descr, long[] shape) {
        String shapeText;
        if (shape.length == 0) {
            shapeText = "()";
        } else if (shape.length == 1) {
            shapeText = "(" + shape[0] + ",)";
        } else {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < shape.length; i++) {
                sb.append(i > 0 ? ", " : "").append(shape[i]);
            }
            shapeText = sb.append(')').toString();
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    /** Writes float32 values. */
    public static void writeFloats(Path file, long[] shape, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        write(file, "<f4", shape, b.array());
    }

    /** The numpy type string for one-byte unsigned codes. */
    public static String descrFor(int bytesPerElement, boolean isFloat, boolean signed) {
        String kind = isFloat ? "f" : signed ? "i" : "u";
        String order = bytesPerElement == 1 ? "|" : "<";
        return order + kind + bytesPerElement;
    }

    /** Lower-case extension check. */
    public static boolean isNpy(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    }
}
