package dev.qlens.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.cli.jobs.CastJob;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.io.safetensors.IndependentSafetensorsReader;
import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.numeric.StochasticBits;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.testing.RealModels;
import dev.qlens.core.testing.SafetensorsBuilder;
import dev.qlens.formats.convention.Convention;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CastCommandTest {
    @TempDir
    Path dir;

    private Path source() throws IOException {
        Random rnd = new Random(11);
        float[] f = new float[4096];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(40) - 20));
        }
        f[0] = Float.NaN;
        f[1] = -0f;
        f[2] = 1e6f;
        f[3] = 464f;
        byte[] bf16 = new byte[2 * 64];
        rnd.nextBytes(bf16);
        return new SafetensorsBuilder()
                .meta("format", "pt")
                .f32("w", new long[] {64, 64}, f)
                .raw("h", DType.BF16, new long[] {64}, bf16)
                .bytes("ids", DType.I8, new long[] {3}, 1, 2, 3)
                .write(dir.resolve("in.safetensors"));
    }

    @Test
    void castToFp8IsBitIdenticalToTheReferenceCodecAndReadsBackThroughAnIndependentReader() throws IOException {
        Path in = source();
        Path out = dir.resolve("out.safetensors");
        CliRunner.Result r = CliRunner.run("cast", in.toString(), "-o", out.toString(), "--dtype", "F8_E4M3", "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("2 tensors cast to F8_E4M3, 1 copied"), r.out());
        Map<String, Object> read = IndependentSafetensorsReader.read(out);
        assertEquals("pt", ((Map<?, ?>) read.get("__metadata__")).get("format"));
        try (Checkpoint c = Checkpoints.open(in)) {
            for (String name : new String[] {"w", "h"}) {
                float[] values = new DecodedTensor(c.tensor(name)).readAll();
                IndependentSafetensorsReader.Tensor t = (IndependentSafetensorsReader.Tensor) read.get(name);
                assertEquals("F8_E4M3", t.dtype());
                for (int i = 0; i < values.length; i++) {
                    assertEquals(FloatFormat.FP8_E4M3FN.encode(values[i]), t.data()[i] & 0xFF, name + "[" + i + "]");
                }
            }
            IndependentSafetensorsReader.Tensor ids = (IndependentSafetensorsReader.Tensor) read.get("ids");
            assertEquals("I8", ids.dtype());
            assertArrayEquals(new byte[] {1, 2, 3}, ids.data());
        }
        // 464 ties to 448; NaN and 1e6 (no saturation) are NaN codes.
        byte[] w = ((IndependentSafetensorsReader.Tensor) read.get("w")).data();
        assertEquals(0x7F, w[0] & 0xFF);
        assertEquals(0x80, w[1] & 0xFF);
        assertEquals(0x7F, w[2] & 0xFF);
        assertEquals(0x7E, w[3] & 0xFF);
    }

    @Test
    void saturateCompatOnlyAndStochasticRounding() throws IOException {
        Path in = source();
        Path sat = dir.resolve("sat.safetensors");
        assertEquals(0, CliRunner.run("cast", in.toString(), "-o", sat.toString(), "--dtype", "fp8_e5m2", "--saturate",
                "--compat", "torch", "--only", "^w$", "--no-progress").exitCode());
        Map<String, Object> read = IndependentSafetensorsReader.read(sat);
        assertEquals("BF16", ((IndependentSafetensorsReader.Tensor) read.get("h")).dtype(), "--only leaves other tensors alone");
        byte[] w = ((IndependentSafetensorsReader.Tensor) read.get("w")).data();
        assertEquals(0x7F, w[0] & 0xFF, "torch E5M2 NaN");
        assertEquals(0x7B, w[2] & 0xFF, "1e6 saturates to 57344");

        Path s1 = dir.resolve("s1.safetensors");
        Path s2 = dir.resolve("s2.safetensors");
        Path s3 = dir.resolve("s3.safetensors");
        CliRunner.run("cast", in.toString(), "-o", s1.toString(), "--dtype", "F4", "--rounding", "stochastic", "--seed", "7", "--no-progress");
        CliRunner.run("cast", in.toString(), "-o", s2.toString(), "--dtype", "F4", "--rounding", "stochastic", "--seed", "7", "--no-progress");
        CliRunner.run("cast", in.toString(), "-o", s3.toString(), "--dtype", "F4", "--rounding", "stochastic", "--seed", "8", "--no-progress");
        byte[] a = ((IndependentSafetensorsReader.Tensor) IndependentSafetensorsReader.read(s1).get("w")).data();
        byte[] b = ((IndependentSafetensorsReader.Tensor) IndependentSafetensorsReader.read(s2).get("w")).data();
        byte[] c = ((IndependentSafetensorsReader.Tensor) IndependentSafetensorsReader.read(s3).get("w")).data();
        assertArrayEquals(a, b, "same seed, same result");
        assertFalse(java.util.Arrays.equals(a, c), "another seed rounds differently");
        try (Checkpoint ck = Checkpoints.open(in)) {
            float[] v = new DecodedTensor(ck.tensor("w")).readAll();
            for (int i = 0; i < v.length; i++) {
                int expected = FloatFormat.FP4_E2M1.encode(v[i], Rounding.STOCHASTIC, false, Compat.ML_DTYPES,
                        StochasticBits.bits(7, i));
                int got = (a[i >> 1] >> (4 * (i & 1))) & 0xF;
                assertEquals(expected, got, "element " + i);
            }
        }
    }

    @Test
    void float64InputIsRoundedOnce() throws IOException {
        double x = 1.0 + 0x1p-4 + 0x1p-30; // just above a tie between two E4M3 values, below float32 resolution
        byte[] b = new byte[8];
        LittleEndian.putLong(b, 0, Double.doubleToRawLongBits(x));
        Path in = new SafetensorsBuilder().raw("d", DType.F64, new long[] {1}, b).write(dir.resolve("d.safetensors"));
        Path out = dir.resolve("d8.safetensors");
        assertEquals(0, CliRunner.run("cast", in.toString(), "-o", out.toString(), "--dtype", "F8_E4M3", "--no-progress").exitCode());
        byte code = ((IndependentSafetensorsReader.Tensor) IndependentSafetensorsReader.read(out).get("d")).data()[0];
        assertEquals(FloatFormat.FP8_E4M3FN.encode(x, Rounding.NEAREST_EVEN, false, Compat.ML_DTYPES, 0), code & 0xFF);
        assertTrue((code & 0xFF) != FloatFormat.FP8_E4M3FN.encode((float) x), "differs from rounding through float32");
    }

    @Test
    void onnxToBf16KeepsPyTorchNamesAndValues() throws IOException {
        Path out = dir.resolve("minilm-bf16.safetensors");
        assertEquals(0, CliRunner.run("cast", RealModels.miniLmFp32().toString(), "-o", out.toString(), "--dtype", "bf16",
                "--no-progress").exitCode());
        try (Checkpoint onnx = Checkpoints.open(RealModels.miniLmFp32()); Checkpoint st = Checkpoints.open(out)) {
            TensorEntry w = st.tensor("encoder.layer.1.intermediate.dense.weight");
            assertArrayEquals(new long[] {1536, 384}, w.shape());
            assertEquals(DType.BF16, w.dtype());
            float[] orig = new DecodedTensor(onnx.tensor(w.name())).readAll();
            byte[] data = w.readAll();
            for (int i = 0; i < orig.length; i += 97) {
                assertEquals(FloatFormat.BF16.encode(orig[i]), LittleEndian.getShort(data, 2 * i));
            }
        }
    }

    @Test
    void interruptedCastLeavesNoOutputAndNoTemporaryFile() throws IOException {
        Path in = source();
        Path out = dir.resolve("never.safetensors");
        try (Checkpoint real = Checkpoints.open(in)) {
            Checkpoint failing = new FailingCheckpoint(real, "h");
            IOException e = assertThrows(IOException.class, () -> CastJob.run(failing, new CastJob.Options(in, out,
                    DType.BF16, EncodeMode.DEFAULT, null, false, EnumSet.allOf(Convention.class), false, 0, false)));
            assertTrue(e.getMessage().contains("simulated"));
        }
        assertFalse(Files.exists(out));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("in.safetensors"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void badRequestsAreClearErrors() throws IOException {
        Path in = source();
        CliRunner.Result self = CliRunner.run("cast", in.toString(), "-o", in.toString(), "--dtype", "bf16", "--force");
        assertEquals(1, self.exitCode());
        assertTrue(self.err().contains("refusing to overwrite an input"), self.err());
        CliRunner.Result intTarget = CliRunner.run("cast", in.toString(), "-o", dir.resolve("x.safetensors").toString(), "--dtype", "I8");
        assertEquals(1, intTarget.exitCode());
        assertTrue(intTarget.err().contains("floating-point"), intTarget.err());
        Path odd = new SafetensorsBuilder().f32("odd", new long[] {3}, 1, 2, 3).write(dir.resolve("odd.safetensors"));
        CliRunner.Result f4 = CliRunner.run("cast", odd.toString(), "-o", dir.resolve("o4.safetensors").toString(), "--dtype", "F4");
        assertEquals(1, f4.exitCode());
        assertTrue(f4.err().contains("tensor 'odd'") && f4.err().contains("F4"), f4.err());
        CliRunner.Result mode = CliRunner.run("cast", in.toString(), "-o", dir.resolve("y.safetensors").toString(), "--dtype", "bf16", "--rounding", "up");
        assertEquals(1, mode.exitCode());
        assertTrue(mode.err().contains("unknown rounding mode 'up'"), mode.err());
    }

    /** A checkpoint whose named tensor fails half way through reading. */
    private static final class FailingCheckpoint implements Checkpoint {
        private final Checkpoint inner;
        private final String failing;

        FailingCheckpoint(Checkpoint inner, String failing) {
            this.inner = inner;
            this.failing = failing;
        }

        @Override
        public String displayName() {
            return inner.displayName();
        }

        @Override
        public String format() {
            return inner.format();
        }

        @Override
        public List<Path> files() {
            return inner.files();
        }

        @Override
        public List<TensorEntry> tensors() {
            return inner.tensors().stream().map(this::wrap).toList();
        }

        @Override
        public TensorEntry tensor(String name) {
            return wrap(inner.tensor(name));
        }

        private TensorEntry wrap(TensorEntry e) {
            if (e == null || !e.name().equals(failing)) {
                return e;
            }
            return new TensorEntry() {
                @Override
                public String name() {
                    return e.name();
                }

                @Override
                public DType dtype() {
                    return e.dtype();
                }

                @Override
                public long[] shape() {
                    return e.shape();
                }

                @Override
                public long byteSize() {
                    return e.byteSize();
                }

                @Override
                public void readBytes(long offset, byte[] dst, int dstOff, int len) throws IOException {
                    throw new IOException("simulated read failure");
                }

                @Override
                public String origin() {
                    return e.origin();
                }
            };
        }

        @Override
        public Map<String, String> metadata() {
            return inner.metadata();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
