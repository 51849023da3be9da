package dev.qlens.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    }

    @Test
    void readsArraysWrittenByNumpy() throws Exception {
        Npy.Array a = Npy.read(fixture("f32_2x3.npy"));
        assertArrayEquals(new long[] {2, 3}, a.shape());
        float[] v = a.toFloats(fixture("f32_2x3.npy"));
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f, -0f, 1e-40f}, v);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(v[4]));
        Npy.Array h = Npy.read(fixture("f16_4.npy"));
        assertArrayEquals(new float[] {1f, -2.5f, 65504f, 5.9604645E-8f}, h.toFloats(fixture("f16_4.npy")));
        Npy.Array s = Npy.read(fixture("f32_scalar.npy"));
        assertArrayEquals(new long[0], s.shape());
        assertArrayEquals(new float[] {7f}, s.toFloats(fixture("f32_scalar.npy")));
        Npy.Array u = Npy.read(fixture("u8_5.npy"));
        assertEquals("<u1", u.descr());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4}, u.toFloats(fixture("u8_5.npy")));
    }

    @Test
    void rejectsFortranOrderBigEndianAndDamagedFiles() throws Exception {
        CheckpointException f = assertThrows(CheckpointException.class, () -> Npy.read(fixture("f32_fortran.npy")));
        assertTrue(f.getMessage().contains("Fortran"), f.getMessage());
        CheckpointException b = assertThrows(CheckpointException.class, () -> Npy.read(fixture("f32_bigendian.npy")));
        assertTrue(b.getMessage().contains("big-endian"), b.getMessage());
        byte[] good = Files.readAllBytes(fixture("f32_2x3.npy"));
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length - 3));
        CheckpointException c = assertThrows(CheckpointException.class, () -> Npy.read(cut));
        assertTrue(c.getMessage().contains("needs 24"), c.getMessage());
        Path junk = dir.resolve("junk.npy");
        Files.write(junk, "hello".getBytes(StandardCharsets.UTF_8));
        assertThrows(CheckpointException.class, () -> Npy.read(junk));
    }

    @Test
    void writtenFilesRoundTripAndHaveAPaddedHeader() throws IOException {
        float[] v = {1f, 2f, 3f, 4f, 5f, 6f};
        for (long[] shape : new long[][] {{6}, {2, 3}, {1, 2, 3}}) {
            Path p = dir.resolve("w" + shape.length + ".npy");
            Npy.writeFloats(p, shape, v);
            byte[] all = Files.readAllBytes(p);
            int headerLen = (all[8] & 0xFF) | (all[9] & 0xFF) << 8;
            assertEquals(0, (10 + headerLen) % 64, "header padded to 64 bytes");
            assertEquals('\n', all[10 + headerLen - 1]);
            Npy.Array a = Npy.read(p);
            assertArrayEquals(shape, a.shape());
            assertArrayEquals(v, a.toFloats(p));
        }
        Path scalar = dir.resolve("scalar.npy");
        Npy.writeFloats(scalar, new long[0], new float[] {3f});
        assertArrayEquals(new long[0], Npy.read(scalar).shape());
    }

    @Test
    void numpyLoadsFilesQlensWrites() throws Exception {
        Path py = python();
        assumeTrue(py != null, "python3 with numpy is not installed");
        Path f = dir.resolve("q.npy");
        Npy.writeFloats(f, new long[] {2, 2}, new float[] {0.5f, -1f, 2f, 1e-40f});
        Path u = dir.resolve("u.npy");
        Npy.write(u, "|u1", new long[] {3}, new byte[] {1, 2, (byte) 255});
        String script = "import numpy as np\n"
                + "a=np.load(r'" + f + "'); assert a.dtype==np.float32 and a.shape==(2,2), (a.dtype, a.shape)\n"
                + "assert a.tolist()==[[0.5,-1.0],[2.0,np.float32(1e-40).item()]], a.tolist()\n"
                + "b=np.load(r'" + u + "'); assert b.dtype==np.uint8 and b.tolist()==[1,2,255]\n"
                + "print('ok')\n";
        Process p = new ProcessBuilder(py.toString(), "-c", script).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("ok"), out);
    }

    /** A python3 that can import numpy, or null. */
    static Path python() {
        for (String candidate : new String[] {"python3", "/usr/bin/python3"}) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import numpy").redirectErrorStream(true).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return Path.of(candidate);
                }
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        return null;
    }
}
