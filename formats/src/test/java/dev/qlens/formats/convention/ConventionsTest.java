package dev.qlens.formats.convention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.testing.SafetensorsBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every supported quantized-checkpoint layout, with expected values computed here by direct index
 * arithmetic (not by {@link ScaleBroadcast}).
 */
class ConventionsTest {
    @TempDir
    Path dir;

    private static int[] randomFp8Codes(Random rnd, int n) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            int v;
            do {
                v = rnd.nextInt(256);
            } while ((v & 0x7F) == 0x7F); // no NaN codes
            c[i] = v;
        }
        return c;
    }

    private static float[] read(CheckpointView v, String name) throws IOException {
        LogicalTensor t = v.tensor(name);
        assertNotNull(t, name);
        return t.open().readAll();
    }

    @Test
    void comfyFp8AtEveryScaleLayout() throws IOException {
        Random rnd = new Random(5);
        int m = 8;
        int n = 12;
        int[] codes = randomFp8Codes(rnd, m * n);
        float[] rowScale = new float[m];
        for (int i = 0; i < m; i++) {
            rowScale[i] = 0.01f * (i + 1);
        }
        float[] block3d = new float[m * 3]; // [8, 12/4, 1]
        for (int i = 0; i < block3d.length; i++) {
            block3d[i] = 0.001f * (i + 1);
        }
        float[] block2d = new float[2 * 3]; // [8/4, 12/4]
        for (int i = 0; i < block2d.length; i++) {
            block2d[i] = 0.5f + i;
        }
        Path file = new SafetensorsBuilder()
                .bytes("t.weight", DType.F8_E4M3, new long[] {m, n}, codes)
                .f32("t.weight_scale", new long[] {1}, 0.125f)
                .comfyQuant("t", "{\"format\": \"float8_e4m3fn\"}")
                .bytes("r.weight", DType.F8_E4M3, new long[] {m, n}, codes)
                .f32("r.weight_scale", new long[] {m}, rowScale)
                .comfyQuant("r", "{\"format\": \"float8_e4m3fn_rowwise\"}")
                .bytes("b.weight", DType.F8_E4M3, new long[] {m, n}, codes)
                .f32("b.weight_scale", new long[] {m, 3, 1}, block3d)
                .comfyQuant("b", "{\"format\": \"float8_e4m3fn\"}")
                .bytes("g.weight", DType.F8_E4M3, new long[] {m, n}, codes)
                .f32("g.weight_scale", new long[] {2, 3}, block2d)
                .comfyQuant("g", "{\"format\": \"float8_e4m3fn_blockwise\", \"group_size\": 4}")
                .f32("g.bias", new long[] {m}, rowScale)
                .write(dir.resolve("comfy.safetensors"));
        try (Checkpoint c = Checkpoints.open(file)) {
            CheckpointView v = CheckpointView.of(c);
            assertEquals(List.of("t.weight", "r.weight", "b.weight", "g.weight", "g.bias"),
                    v.tensors().stream().map(LogicalTensor::name).toList(), "scales and markers are folded in");
            float[] t = read(v, "t.weight");
            float[] r = read(v, "r.weight");
            float[] b = read(v, "b.weight");
            float[] g = read(v, "g.weight");
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float q = FloatFormat.FP8_E4M3FN.decode(codes[i * n + j]);
                    assertEquals(q * 0.125f, t[i * n + j]);
                    assertEquals(q * rowScale[i], r[i * n + j], "row-wise scales act on rows");
                    assertEquals(q * block3d[i * 3 + j / 4], b[i * n + j]);
                    assertEquals(q * block2d[(i / 4) * 3 + j / 4], g[i * n + j]);
                }
            }
            assertEquals("per-tensor", v.tensor("t.weight").granularity());
            assertEquals("per-channel (axis 0)", v.tensor("r.weight").granularity());
            assertEquals("block 1x4", v.tensor("b.weight").granularity());
            assertEquals("block 4x4", v.tensor("g.weight").granularity());
            assertEquals("comfy float8_e4m3fn_blockwise block 4x4", v.tensor("g.weight").scheme());
            assertEquals(4, v.tensor("g.weight").blockSize());
            assertEquals(Convention.COMFY, v.tensor("t.weight").convention());
            assertEquals(LogicalTensor.Kind.PLAIN, v.tensor("g.bias").kind());
            LogicalTensor.ScaleSummary s = v.tensor("r.weight").scaleSummary();
            assertEquals(m, s.count());
            assertEquals(0.01f, s.min(), 1e-9);
            assertEquals(0.08f, s.max(), 1e-9);
        }
    }

    @Test
    void comfyInt8BlockwiseNvfp4AndUnsupportedFormats() throws IOException {
        Random rnd = new Random(6);
        int[] q = new int[8 * 8];
        for (int i = 0; i < q.length; i++) {
            q[i] = rnd.nextInt(255) - 127;
        }
        float[] s = {0.1f, 0.2f, 0.3f, 0.4f};
        // NVFP4: 2 rows x 32 elements = 2 blocks per row, blocked scale layout 128 x 4.
        int rows = 2;
        int cols = 32;
        int[] packed = new int[rows * cols / 2];
        int[] e2m1 = new int[rows * cols];
        for (int i = 0; i < e2m1.length; i++) {
            e2m1[i] = rnd.nextInt(16);
        }
        for (int i = 0; i < packed.length; i++) {
            packed[i] = (e2m1[2 * i] << 4) | e2m1[2 * i + 1]; // ComfyUI: first element in the high nibble
        }
        int[] blockScaleCodes = {0x38, 0x40, 0x30, 0x44}; // E4M3: 1, 2, 0.5, 3
        byte[] plainScales = new byte[rows * 2];
        for (int i = 0; i < plainScales.length; i++) {
            plainScales[i] = (byte) blockScaleCodes[i];
        }
        byte[] blocked = BlockedScaleLayout.swizzle(plainScales, rows, 2);
        assertEquals(128 * 4, blocked.length);
        Path file = new SafetensorsBuilder()
                .bytes("i.weight", DType.I8, new long[] {8, 8}, q)
                .f32("i.weight_scale", new long[] {2, 2}, s)
                .comfyQuant("i", "{\"format\": \"int8_blockwise\", \"params\": {\"group_size\": 4}}")
                .bytes("n.weight", DType.U8, new long[] {rows, cols / 2}, packed)
                .raw("n.weight_scale", DType.F8_E4M3, new long[] {128, 4}, blocked)
                .f32("n.weight_scale_2", new long[0], 0.25f)
                .f32("n.input_scale", new long[0], 1f)
                .comfyQuant("n", "{\"format\": \"nvfp4\"}")
                .bytes("x.weight", DType.U8, new long[] {4, 4}, new int[16])
                .comfyQuant("x", "{\"format\": \"bnb_nf4\"}")
                .write(dir.resolve("comfy2.safetensors"));
        try (Checkpoint c = Checkpoints.open(file)) {
            CheckpointView v = CheckpointView.of(c);
            float[] i8 = read(v, "i.weight");
            for (int r = 0; r < 8; r++) {
                for (int k = 0; k < 8; k++) {
                    assertEquals(q[r * 8 + k] * s[(r / 4) * 2 + k / 4], i8[r * 8 + k]);
                }
            }
            LogicalTensor nv = v.tensor("n.weight");
            assertArrayEquals(new long[] {rows, cols}, nv.shape());
            float[] f = nv.open().readAll();
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) {
                    float scale = FloatFormat.FP8_E4M3FN.decode(blockScaleCodes[r * 2 + k / 16]) * 0.25f;
                    assertEquals(FloatFormat.FP4_E2M1.decode(e2m1[r * cols + k]) * scale, f[r * cols + k], "(" + r + "," + k + ")");
                }
            }
            assertTrue(nv.granularity().contains("blocked") && nv.granularity().contains("high nibble"), nv.granularity());
            assertNull(v.tensor("n.input_scale"), "activation scales are folded in");
            LogicalTensor x = v.tensor("x.weight");
            assertEquals(LogicalTensor.Kind.UNSUPPORTED, x.kind());
            assertTrue(x.problem().contains("bnb_nf4"));
        }
    }

    @Test
    void headerQuantizationMetadataAndLegacyScaledFp8() throws IOException {
        int[] codes = {0x38, 0x40, 0xB8, 0x00};
        Path meta = new SafetensorsBuilder()
                .meta("_quantization_metadata", "{\"format_version\":\"1.0\",\"layers\":{\"a\":{\"format\":\"float8_e4m3fn\"}}}")
                .bytes("a.weight", DType.F8_E4M3, new long[] {2, 2}, codes)
                .f32("a.weight_scale", new long[0], 2f)
                .write(dir.resolve("meta.safetensors"));
        try (Checkpoint c = Checkpoints.open(meta)) {
            assertArrayEquals(new float[] {2, 4, -2, 0}, read(CheckpointView.of(c), "a.weight"));
        }
        Path legacy = new SafetensorsBuilder()
                .raw("scaled_fp8", DType.F8_E4M3, new long[] {2}, new byte[2])
                .bytes("l.weight", DType.F8_E4M3, new long[] {2, 2}, codes)
                .f32("l.scale_weight", new long[] {1}, 0.5f)
                .f32("l.scale_input", new long[] {1}, 1f)
                .write(dir.resolve("legacy.safetensors"));
        try (Checkpoint c = Checkpoints.open(legacy)) {
            CheckpointView v = CheckpointView.of(c);
            assertArrayEquals(new float[] {0.5f, 1, -0.5f, 0}, read(v, "l.weight"));
            assertEquals(Convention.SCALED_FP8, v.tensor("l.weight").convention());
            assertEquals(1, v.tensors().size(), "marker and scales are folded in");
        }
    }

    @Test
    void deepSeekScaleInvWithBlocksThatDoNotDivide() throws IOException {
        int rows = 5;
        int cols = 7;
        int[] codes = randomFp8Codes(new Random(7), rows * cols);
        // [2, 2] scales: 128 does not give 2 blocks and 2 does not divide 5 or 7, so the last blocks are
        // partial and the block length is the smallest power of two giving 2 blocks: 4 rows, 4 columns.
        float[] inv = {1, 2, 3, 4};
        Path file = new SafetensorsBuilder()
                .bytes("w", DType.F8_E4M3, new long[] {rows, cols}, codes)
                .f32("w_scale_inv", new long[] {2, 2}, inv)
                .write(dir.resolve("ds.safetensors"));
        try (Checkpoint c = Checkpoints.open(file)) {
            CheckpointView v = CheckpointView.of(c);
            float[] f = read(v, "w");
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < cols; k++) {
                    assertEquals(FloatFormat.FP8_E4M3FN.decode(codes[r * cols + k]) * inv[(r / 4) * 2 + k / 4], f[r * cols + k]);
                }
            }
            assertEquals("block 4x4", v.tensor("w").granularity());
            assertEquals(Convention.DEEPSEEK, v.tensor("w").convention());
            // Conventions can be switched off: then the stored tensors appear as they are.
            CheckpointView none = CheckpointView.of(c, java.util.EnumSet.noneOf(Convention.class));
            assertEquals(2, none.tensors().size());
            assertEquals(LogicalTensor.Kind.PLAIN, none.tensor("w").kind());
        }
    }

    @Test
    void blockLengthsPreferTheProducersThenExactThenPowersOfTwo() {
        ScaleBroadcast b = ScaleBroadcast.of(new long[] {200, 300}, new long[] {2, 3}, null, 128);
        assertEquals("block 128x128", b.describe());
        assertEquals(128, ScaleBroadcast.blockLength(200, 2, 128));
        assertEquals(128, ScaleBroadcast.blockLength(300, 3, 128));
        assertEquals(128, ScaleBroadcast.blockLength(7168, 56, 128));
        assertEquals(128, ScaleBroadcast.blockLength(576, 5, 128));
        // A producer block that does not give the scale count is ignored.
        assertEquals(50, ScaleBroadcast.blockLength(200, 4, 128));
        // Unknown producer: exact division first, then the smallest power of two, then ceil(D / S).
        assertEquals(100, ScaleBroadcast.blockLength(300, 3, 0));
        assertEquals(3, ScaleBroadcast.blockLength(9, 3, 0));
        assertEquals(100, ScaleBroadcast.blockLength(200, 2, 0));
        assertEquals(128, ScaleBroadcast.blockLength(201, 2, 0));
        assertEquals(1, ScaleBroadcast.blockLength(384, 384, 0));
        assertEquals(3, ScaleBroadcast.blockLength(10, 4, 0));
    }

    @Test
    void onnxRuntimeZeroPointsAndAxes() throws IOException {
        Path file = new SafetensorsBuilder()
                .bytes("e.weight_quantized", DType.U8, new long[] {2, 3}, 128, 130, 0, 255, 129, 127)
                .f32("e.weight_scale", new long[0], 0.5f)
                .bytes("e.weight_zero_point", DType.U8, new long[0], 128)
                .bytes("p.weight_quantized", DType.I8, new long[] {2, 3}, 1, -2, 3, 4, 5, -6)
                .f32("p.weight_scale", new long[] {3}, 1f, 10f, 100f)
                .bytes("p.weight_zero_point", DType.I8, new long[] {3}, 0, 1, 0)
                .write(dir.resolve("ort.safetensors"));
        try (Checkpoint c = Checkpoints.open(file)) {
            CheckpointView v = CheckpointView.of(c);
            assertArrayEquals(new float[] {0, 1, -64, 63.5f, 0.5f, -0.5f}, read(v, "e.weight"));
            // The 3 scales match only axis 1.
            assertArrayEquals(new float[] {1, -30, 300, 4, 40, -600}, read(v, "p.weight"));
            assertEquals("per-channel (axis 1), zero point", v.tensor("p.weight").granularity());
            assertEquals(2, v.tensors().size());
        }
    }

    @Test
    void modelOptNvfp4MatchesTheGoldenVectorsBitForBit() throws IOException {
        for (Nvfp4Cases.Case k : Nvfp4Cases.load()) {
            SafetensorsBuilder b = new SafetensorsBuilder()
                    .raw("m.weight", DType.U8, new long[] {k.rows(), k.cols() / 2}, k.packed())
                    .raw("m.weight_scale", DType.F8_E4M3, new long[] {k.rows(), k.cols() / 16}, k.blockScales())
                    .f32("m.weight_scale_2", new long[0], k.globalScale());
            Path file = b.write(dir.resolve(k.name() + ".safetensors"));
            try (Checkpoint c = Checkpoints.open(file)) {
                LogicalTensor t = CheckpointView.of(c).tensor("m.weight");
                assertEquals(Convention.MODELOPT, t.convention());
                float[] f = t.open().readAll();
                for (int i = 0; i < f.length; i++) {
                    assertEquals(Float.floatToRawIntBits(k.deq()[i]), Float.floatToRawIntBits(f[i]),
                            k.name() + " element " + i);
                }
            }
        }
    }

    @Test
    void blockedLayoutMatchesTheCuBlasTilePermutation() {
        // Independent derivation: pad to 128 x 4 tiles, then within a tile index [r%32][r/32 % 4][c%4].
        int rows = 130;
        int cols = 6;
        byte[] plain = new byte[rows * cols];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) (i * 7 + 3);
        }
        byte[] blocked = BlockedScaleLayout.swizzle(plain, rows, cols);
        assertEquals(256 * 8, blocked.length);
        int tilesPerRow = 2;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int tile = (r / 128) * tilesPerRow + c / 4;
                int inner = (r % 32) * 16 + ((r % 128) / 32) * 4 + c % 4;
                assertEquals(plain[r * cols + c], blocked[tile * 512 + inner]);
            }
        }
        assertArrayEquals(plain, BlockedScaleLayout.unswizzle(blocked, rows, cols));
    }
}
