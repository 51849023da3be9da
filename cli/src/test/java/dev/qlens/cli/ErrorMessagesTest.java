package dev.qlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input a new user might give: each error names the file or argument and says what is wrong. */
class ErrorMessagesTest {
    @TempDir
    Path dir;

    private static void failsWith(CliRunner.Result r, int code, String... parts) {
        assertEquals(code, r.exitCode(), r.err());
        for (String p : parts) {
            assertTrue(r.err().contains(p), "expected '" + p + "' in: " + r.err());
        }
        assertFalse(r.err().contains("Exception"), "no Java exception names: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void anOverflowingNpyShapeIsABadFileNotAnInternalError() throws Exception {
        String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387905, 4), }";
        h = h + " ".repeat(118 - h.length()) + "\n";
        byte[] head = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length(), 0};
        Path npy = dir.resolve("big.npy");
        Files.write(npy, concat(head, h.getBytes(StandardCharsets.US_ASCII)));
        failsWith(CliRunner.run("encode", npy.toString(), "-f", "mxfp4", "-o", dir.resolve("o").toString()), 1,
                "big.npy", "more elements than any file can hold");
    }

    @Test
    void aShapeWithANonNumberIsRejected() throws Exception {
        Path raw = dir.resolve("x.f32");
        Files.write(raw, new byte[256]);
        failsWith(CliRunner.run("encode", raw.toString(), "--shape", "64,x", "-f", "mxfp4", "-o",
                dir.resolve("o").toString()), 1, "invalid shape '64,x'");
    }

    @Test
    void anIndexThatIsNotJsonSaysWhere() throws Exception {
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\": \n");
        failsWith(CliRunner.run("inspect", index.toString()), 1, "model.safetensors.index.json", "not valid JSON",
                "line 2");
        assertFalse(CliRunner.run("inspect", index.toString()).err().contains("setStrictness"));
    }

    @Test
    void anOutputPathThroughAFileOrAnUnwritableFolderSaysWhy() throws Exception {
        Path npy = dir.resolve("a.npy");
        dev.qlens.core.io.Npy.write(npy, "<f4", new long[] {32}, new byte[128]);
        Path file = dir.resolve("afile");
        Files.writeString(file, "x");
        failsWith(CliRunner.run("encode", npy.toString(), "-f", "mxfp4", "-o", file.resolve("out").toString()), 1,
                "afile is a file, not a folder");
        CliRunner.Result r = CliRunner.run("encode", npy.toString(), "-f", "mxfp4", "-o", "/sys/qlens-out");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("/sys") && (r.err().contains("permission denied") || r.err().contains("Read-only")),
                r.err());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
