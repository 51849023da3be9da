package dev.qlens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.io.Npy;
import dev.qlens.core.testing.TestVectors;
import dev.qlens.formats.convention.Nvfp4Cases;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The golden block vectors reproduced through {@code qlens encode} and {@code qlens decode}. */
class CodecCommandTest {
    @TempDir
    Path dir;

    private Path input(String resource) throws IOException {
        Path p = dir.resolve(Path.of(resource).getFileName().toString());
        Files.write(p, TestVectors.bytes(resource));
        return p;
    }

    private static void ok(CliRunner.Result r) {
        assertEquals(0, r.exitCode(), r.err());
    }

    static Stream<Arguments> mx() {
        return Stream.of(
                Arguments.of("fp8_e4m3", "mxfp8"), Arguments.of("fp8_e5m2", "mxfp8_e5m2"),
                Arguments.of("fp6_e2m3", "mxfp6"), Arguments.of("fp6_e3m2", "mxfp6_e3m2"),
                Arguments.of("fp4_e2m1", "mxfp4"), Arguments.of("int8", "mxint8"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("mx")
    void mxThroughEncodeAndDecode(String tag, String format) throws IOException {
        Path in = input("blocks/mx/mx_inputs.f32");
        for (String round : new String[] {"even", "away"}) {
            String fmt = format + (round.equals("away") ? ":away" : "");
            Path prefix = dir.resolve(tag + "-" + round);
            ok(CliRunner.run("encode", in.toString(), "--shape", "606,32", "-f", fmt, "-o", prefix.toString(),
                    "--unpacked-codes", "--dequantized"));
            byte[] scales = Files.readAllBytes(Path.of(prefix + ".scales.u8"));
            assertArrayEquals(TestVectors.bytes("blocks/mx/mx_" + tag + "_" + round + ".scale_e8m0.u8"), scales, fmt);
            byte[] codes = Files.readAllBytes(Path.of(prefix + ".codes.u8"));
            byte[] golden = TestVectors.bytes("blocks/mx/mx_" + tag + "_" + round + ".codes.u8");
            int[] deq = TestVectors.u32("blocks/mx/mx_" + tag + "_" + round + ".deq.f32");
            float[] mine = floats(Path.of(prefix + ".deq.f32"));
            for (int i = 0; i < codes.length; i++) {
                if ((scales[i / 32] & 0xFF) == 0xFF) {
                    assertTrue(Float.isNaN(mine[i]));
                    continue; // the oracle's codes in NaN-scale blocks are meaningless
                }
                assertEquals(golden[i], codes[i], fmt + " code " + i);
                assertEquals(deq[i], Float.floatToRawIntBits(mine[i]), fmt + " value " + i);
            }
            Path back = dir.resolve(tag + "-" + round + ".back.f32");
            ok(CliRunner.run("decode", prefix + ".json", "-o", back.toString()));
            assertArrayEquals(Files.readAllBytes(Path.of(prefix + ".deq.f32")), Files.readAllBytes(back));
            // The packed layout decodes the same through explicit options.
            Path packed = dir.resolve(tag + "-" + round + "-packed");
            ok(CliRunner.run("encode", in.toString(), "--shape", "606,32", "-f", fmt, "-o", packed.toString()));
            Path back2 = dir.resolve(tag + "-" + round + ".back2.f32");
            ok(CliRunner.run("decode", "-f", fmt, "--shape", "606,32", "--codes", packed + ".codes.bin",
                    "--scales", packed + ".scales.u8", "-o", back2.toString()));
            assertArrayEquals(Files.readAllBytes(back), Files.readAllBytes(back2));
        }
    }

    @Test
    void nvfp4ThroughEncodeAndDecode() throws IOException {
        for (Nvfp4Cases.Case k : Nvfp4Cases.load()) {
            Path in = dir.resolve(k.name() + ".f32");
            ByteBuffer b = ByteBuffer.allocate(k.x().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(k.x());
            Files.write(in, b.array());
            Path prefix = dir.resolve(k.name());
            ok(CliRunner.run("encode", in.toString(), "--shape", k.rows() + "," + k.cols(), "-f", "nvfp4", "-o",
                    prefix.toString(), "--dequantized"));
            assertArrayEquals(k.packed(), Files.readAllBytes(Path.of(prefix + ".codes.bin")), k.name());
            assertArrayEquals(k.blockScales(), Files.readAllBytes(Path.of(prefix + ".scales.u8")), k.name());
            byte[] g = Files.readAllBytes(Path.of(prefix + ".global.f32"));
            assertEquals(Float.floatToRawIntBits(k.globalScale()), ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN).getInt());
            float[] deq = floats(Path.of(prefix + ".deq.f32"));
            for (int i = 0; i < deq.length; i++) {
                assertEquals(Float.floatToRawIntBits(k.deq()[i]), Float.floatToRawIntBits(deq[i]), k.name() + " " + i);
            }
            Path back = dir.resolve(k.name() + ".back.f32");
            ok(CliRunner.run("decode", prefix + ".json", "-o", back.toString()));
            assertArrayEquals(Files.readAllBytes(Path.of(prefix + ".deq.f32")), Files.readAllBytes(back));
        }
    }

    @Test
    void tenstorrentTilesThroughEncodeAndDecode() throws IOException {
        Path in = input("blocks/ttnn/tt_inputs_rowmajor.f32");
        for (int bits : new int[] {8, 4, 2}) {
            Path prefix = dir.resolve("bfp" + bits);
            ok(CliRunner.run("encode", in.toString(), "--shape", "6,32,32", "-f", "bfp" + bits, "-o", prefix.toString(),
                    "--dequantized"));
            assertArrayEquals(TestVectors.bytes("blocks/ttnn/tt_bfp" + bits + "_b.packed.u32"),
                    Files.readAllBytes(Path.of(prefix + ".codes.bin")));
            assertArrayEquals(TestVectors.bytes("blocks/ttnn/tt_bfp" + bits + "_b.unpacked_rowmajor.f32"),
                    Files.readAllBytes(Path.of(prefix + ".deq.f32")));
            Path rowMajor = dir.resolve("bfp" + bits + "-rm");
            ok(CliRunner.run("encode", in.toString(), "--shape", "6,32,32", "-f", "bfp" + bits, "-o", rowMajor.toString(),
                    "--unpacked-codes"));
            assertArrayEquals(TestVectors.bytes("blocks/ttnn/tt_bfp" + bits + "_b.codes_rowmajor.u8"),
                    Files.readAllBytes(Path.of(rowMajor + ".codes.u8")));
            Path legacy = dir.resolve("bfp" + bits + "-legacy");
            ok(CliRunner.run("encode", in.toString(), "--shape", "6,32,32", "-f", "bfp" + bits + ":legacy", "-o",
                    legacy.toString(), "--unpacked-codes"));
            assertArrayEquals(TestVectors.bytes("blocks/ttnn/tt_bfp" + bits + "_b.legacy_codes_rowmajor.u8"),
                    Files.readAllBytes(Path.of(legacy + ".codes.u8")));
            Path back = dir.resolve("bfp" + bits + ".back.f32");
            ok(CliRunner.run("decode", prefix + ".json", "-o", back.toString()));
            assertArrayEquals(TestVectors.bytes("blocks/ttnn/tt_bfp" + bits + "_b.unpacked_rowmajor.f32"), Files.readAllBytes(back));
        }
    }

    @Test
    void npyInputsAndOutputs() throws IOException {
        Path in = dir.resolve("x.npy");
        Npy.writeFloats(in, new long[] {2, 32}, java.util.Arrays.copyOf(TestVectors.f32("blocks/mx/mx_inputs.f32"), 64));
        ok(CliRunner.run("encode", in.toString(), "-f", "int8_ch", "--npy", "--dequantized", "-o", dir.resolve("q").toString()));
        Npy.Array codes = Npy.read(dir.resolve("q.codes.npy"));
        assertEquals("<u1", codes.descr());
        Npy.Array scales = Npy.read(dir.resolve("q.scales.npy"));
        assertArrayEquals(new long[] {2}, scales.shape());
        Npy.Array deq = Npy.read(dir.resolve("q.deq.npy"));
        assertArrayEquals(new long[] {2, 32}, deq.shape());
        ok(CliRunner.run("decode", dir.resolve("q.json").toString(), "-o", dir.resolve("back.npy").toString()));
        assertArrayEquals(deq.data(), Npy.read(dir.resolve("back.npy")).data());
    }

    @Test
    void badInputsAreExplained() throws IOException {
        Path in = input("blocks/mx/mx_inputs.f32");
        CliRunner.Result shape = CliRunner.run("encode", in.toString(), "--shape", "600,32", "-f", "mxfp4");
        assertEquals(1, shape.exitCode());
        assertTrue(shape.err().contains("needs 19200"), shape.err());
        CliRunner.Result fmt = CliRunner.run("encode", in.toString(), "-f", "mxfp5");
        assertEquals(1, fmt.exitCode());
        assertTrue(fmt.err().contains("unknown format 'mxfp5'"), fmt.err());
        ok(CliRunner.run("encode", in.toString(), "--shape", "606,32", "-f", "mxfp4", "-o", dir.resolve("m").toString()));
        CliRunner.Result scales = CliRunner.run("decode", "-f", "mxfp4", "--shape", "606,32", "--codes", dir.resolve("m.codes.bin").toString(),
                "--scales", dir.resolve("m.codes.bin").toString(), "-o", dir.resolve("o.f32").toString());
        assertEquals(1, scales.exitCode());
        assertTrue(scales.err().contains("scales take 606"), scales.err());
    }

    private static float[] floats(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        float[] out = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
