package dev.qlens.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads the golden test vectors copied from {@code ../shared/testvectors} into the test resources
 * (see {@code testvectors/PROVENANCE.md}). Files ending in {@code .gz} are decompressed.
 * All binary files are little-endian.
 */
public final class TestVectors {
    private TestVectors() {
    }

    /** The raw bytes of a vector file, decompressed when it ends in {@code .gz}. */
    public static byte[] bytes(String relativePath) {
        String resource = "/testvectors/" + relativePath;
        try (InputStream raw = TestVectors.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("missing test vector resource " + resource);
            }
            InputStream in = relativePath.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test vector " + resource, e);
        }
    }

    /** Whether the resource exists. */
    public static boolean exists(String relativePath) {
        return TestVectors.class.getResource("/testvectors/" + relativePath) != null;
    }

    /** One unsigned byte per entry. */
    public static int[] u8(String relativePath) {
        byte[] b = bytes(relativePath);
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    /** Little-endian uint16 entries. */
    public static int[] u16(String relativePath) {
        byte[] b = bytes(relativePath);
        requireMultiple(relativePath, b.length, 2);
        int[] out = new int[b.length / 2];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = bb.getShort() & 0xFFFF;
        }
        return out;
    }

    /** Little-endian 32-bit entries (raw bits). */
    public static int[] u32(String relativePath) {
        byte[] b = bytes(relativePath);
        requireMultiple(relativePath, b.length, 4);
        int[] out = new int[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    /** Little-endian float32 entries. */
    public static float[] f32(String relativePath) {
        int[] bits = u32(relativePath);
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = Float.intBitsToFloat(bits[i]);
        }
        return out;
    }

    /** Little-endian float64 entries. */
    public static double[] f64(String relativePath) {
        byte[] b = bytes(relativePath);
        requireMultiple(relativePath, b.length, 8);
        double[] out = new double[b.length / 8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }

    /** The lines of a text file (UTF-8), without line terminators. */
    public static List<String> lines(String relativePath) {
        String text = new String(bytes(relativePath), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    private static void requireMultiple(String path, int length, int unit) {
        if (length % unit != 0) {
            throw new IllegalStateException(path + " has " + length + " bytes, not a multiple of " + unit);
        }
    }

    /**
     * Compares two code arrays entry by entry and returns a description of the mismatches, or null
     * when they are identical. The description names the first few differing entries.
     *
     * @param inputs hex-printable input bits for each entry (may be null)
     */
    public static String diff(String label, int[] expected, int[] actual, long[] inputs) {
        if (expected.length != actual.length) {
            return label + ": length " + actual.length + " != expected " + expected.length;
        }
        int mismatches = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                if (mismatches < 8) {
                    first.append(String.format("%n  [%d] input %s: expected 0x%X, got 0x%X", i,
                            inputs == null ? "?" : "0x" + Long.toHexString(inputs[i]), expected[i], actual[i]));
                }
                mismatches++;
            }
        }
        return mismatches == 0 ? null : label + ": " + mismatches + " of " + expected.length + " entries differ" + first;
    }
}
