package dev.qlens.core.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxCheckpointTest {
    @TempDir
    Path dir;

    private static final int FLOAT = 1;
    private static final int INT8 = 3;
    private static final int INT64 = 7;
    private static final int STRING = 8;

    private Path buildModel() throws IOException {
        ProtoWriter g = new ProtoWriter();
        g.string(2, "main");
        // A named initializer stored raw.
        g.message(5, ProtoWriter.tensor("embeddings.weight", FLOAT, 3, 2).bytes(9, ProtoWriter.floatsLE(1, 2, 3, 4, 5, 6)));
        // An anonymous MatMul weight, [in=2, out=3].
        g.message(5, ProtoWriter.tensor("onnx::MatMul_10", FLOAT, 2, 3).bytes(9, ProtoWriter.floatsLE(1, 2, 3, 4, 5, 6)));
        g.message(1, ProtoWriter.node("/encoder/layer.0/dense/MatMul", "MatMul", new String[] {"x", "onnx::MatMul_10"}, new String[] {"y"}));
        // A shared anonymous weight keeps its name.
        g.message(5, ProtoWriter.tensor("onnx::MatMul_11", FLOAT, 2, 2).bytes(9, ProtoWriter.floatsLE(1, 2, 3, 4)));
        g.message(1, ProtoWriter.node("/a/MatMul", "MatMul", new String[] {"x", "onnx::MatMul_11"}, new String[] {"y1"}));
        g.message(1, ProtoWriter.node("/b/MatMul", "MatMul", new String[] {"x", "onnx::MatMul_11"}, new String[] {"y2"}));
        // Gemm with transB=1: already [out, in].
        g.message(5, ProtoWriter.tensor("onnx::Gemm_5", FLOAT, 2, 3).bytes(9, ProtoWriter.floatsLE(1, 2, 3, 4, 5, 6)));
        g.message(1, ProtoWriter.node("/head/Gemm", "Gemm", new String[] {"x", "onnx::Gemm_5", "b"}, new String[] {"z"})
                .message(5, new ProtoWriter().string(1, "transB").varint(3, 1).varint(20, 2)));
        // float_data packed (scalar) and not packed.
        g.message(5, ProtoWriter.tensor("scale", FLOAT).packedFloats(4, 0.5f));
        g.message(5, ProtoWriter.tensor("scale2", FLOAT, 2).fixed32(4, Float.floatToRawIntBits(1.5f)).fixed32(4, Float.floatToRawIntBits(-2f)));
        // int32_data for INT8 (negative values are sign-extended varints) and int64_data.
        g.message(5, ProtoWriter.tensor("zp", INT8, 2).packedVarints(5, -3L, 7L));
        g.message(5, ProtoWriter.tensor("ids", INT64, 3).packedVarints(7, 0, 1, 300));
        // ONNX Runtime quantized MatMul weight triple.
        g.message(5, ProtoWriter.tensor("onnx::MatMul_20_quantized", INT8, 2, 3).bytes(9, new byte[] {1, 2, 3, -4, -5, -6}));
        g.message(5, ProtoWriter.tensor("onnx::MatMul_20_scale", FLOAT, 3).packedFloats(4, 0.1f, 0.2f, 0.3f));
        g.message(5, ProtoWriter.tensor("onnx::MatMul_20_zero_point", INT8, 3).packedVarints(5, 0, 0, 0));
        g.message(1, ProtoWriter.node("/encoder/layer.1/q/MatMul_quant", "MatMulInteger",
                new String[] {"a_q", "onnx::MatMul_20_quantized", "a_zp", "onnx::MatMul_20_zero_point"}, new String[] {"o"}));
        // A Constant node value.
        g.message(1, ProtoWriter.node("const1", "Constant", new String[0], new String[] {"c_out"})
                .message(5, new ProtoWriter().string(1, "value").message(5, ProtoWriter.tensor("", FLOAT, 2)
                        .bytes(9, ProtoWriter.floatsLE(9, 10))).varint(20, 4)));
        // External data.
        Files.write(dir.resolve("weights.bin"), concat(new byte[4], ProtoWriter.floatsLE(2.5f, -1f)));
        g.message(5, ProtoWriter.tensor("ext", FLOAT, 2)
                .message(13, new ProtoWriter().string(1, "location").string(2, "weights.bin"))
                .message(13, new ProtoWriter().string(1, "offset").string(2, "4"))
                .message(13, new ProtoWriter().string(1, "length").string(2, "8"))
                .varint(14, 1));
        // A subgraph with its own initializer.
        ProtoWriter sub = new ProtoWriter().string(2, "then");
        sub.message(5, ProtoWriter.tensor("sub.w", FLOAT, 1).bytes(9, ProtoWriter.floatsLE(42)));
        g.message(1, ProtoWriter.node("if", "If", new String[] {"cond"}, new String[] {"r"})
                .message(5, new ProtoWriter().string(1, "then_branch").message(6, sub).varint(20, 5)));
        // A string tensor, which is skipped with a warning.
        g.message(5, ProtoWriter.tensor("labels", STRING, 1).string(6, "cat"));
        Path p = dir.resolve("model.onnx");
        Files.write(p, ProtoWriter.model(g).toByteArray());
        return p;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static float[] floats(TensorEntry e) throws IOException {
        return new DecodedTensor(e).readAll();
    }

    @Test
    void readsEveryStorageKindAndRecoversNames() throws IOException {
        try (OnnxCheckpoint c = (OnnxCheckpoint) Checkpoints.open(buildModel())) {
            assertEquals("onnx", c.format());
            assertEquals("8", c.metadata().get("onnx.ir_version"));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, floats(c.tensor("embeddings.weight")));

            TensorEntry dense = c.tensor("encoder.layer.0.dense.weight");
            assertNotNull(dense, "anonymous MatMul weight is named after its node");
            assertNull(c.tensor("onnx::MatMul_10"));
            assertArrayEquals(new long[] {3, 2}, dense.shape(), "presented as [out, in]");
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, floats(dense), "values transposed");
            assertTrue(dense.attributes().get("transposed_from").startsWith("onnx::MatMul_10 [2, 3]"));
            assertTrue(dense.origin().contains("transposed"));

            assertNotNull(c.tensor("onnx::MatMul_11"), "a shared weight keeps its stored name");
            assertArrayEquals(new long[] {2, 2}, c.tensor("onnx::MatMul_11").shape());

            TensorEntry head = c.tensor("head.weight");
            assertArrayEquals(new long[] {2, 3}, head.shape(), "Gemm transB=1 weights are already [out, in]");
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, floats(head));

            assertArrayEquals(new float[] {0.5f}, floats(c.tensor("scale")));
            assertArrayEquals(new float[] {1.5f, -2f}, floats(c.tensor("scale2")));
            assertEquals(DType.I8, c.tensor("zp").dtype());
            assertArrayEquals(new float[] {-3, 7}, floats(c.tensor("zp")));
            assertArrayEquals(new float[] {0, 1, 300}, floats(c.tensor("ids")));

            TensorEntry q = c.tensor("encoder.layer.1.q.weight_quantized");
            assertNotNull(q);
            assertArrayEquals(new long[] {3, 2}, q.shape());
            assertArrayEquals(new float[] {1, -4, 2, -5, 3, -6}, floats(q));
            assertEquals("0", q.attributes().get("axis"));
            assertNotNull(c.tensor("encoder.layer.1.q.weight_scale"));
            assertNotNull(c.tensor("encoder.layer.1.q.weight_zero_point"));

            assertArrayEquals(new float[] {9, 10}, floats(c.tensor("c_out")), "Constant node value named by its output");
            assertArrayEquals(new float[] {2.5f, -1f}, floats(c.tensor("ext")));
            assertArrayEquals(new float[] {42}, floats(c.tensor("sub.w")), "subgraph initializer");
            assertNull(c.tensor("labels"));
            assertTrue(c.warnings().stream().anyMatch(w -> w.contains("labels")), c.warnings().toString());
            assertTrue(c.files().contains(dir.resolve("weights.bin").toAbsolutePath().normalize()));
        }
    }

    @Test
    void malformedModelsGiveClearErrors() throws IOException {
        byte[] good = Files.readAllBytes(buildModel());
        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(truncated));
        assertTrue(e.getMessage().contains("not a valid ONNX model"), e.getMessage());

        ProtoWriter g = new ProtoWriter();
        g.message(5, ProtoWriter.tensor("w", FLOAT, 2, 2).bytes(9, ProtoWriter.floatsLE(1, 2, 3)));
        Path wrongSize = dir.resolve("wrong.onnx");
        Files.write(wrongSize, ProtoWriter.model(g).toByteArray());
        CheckpointException e2 = assertThrows(CheckpointException.class, () -> Checkpoints.open(wrongSize));
        assertTrue(e2.getMessage().contains("tensor 'w'") && e2.getMessage().contains("needs 16"), e2.getMessage());

        ProtoWriter g3 = new ProtoWriter();
        g3.message(5, ProtoWriter.tensor("x", FLOAT, 1)
                .message(13, new ProtoWriter().string(1, "location").string(2, "../outside.bin")).varint(14, 1));
        Path escaping = dir.resolve("escape.onnx");
        Files.write(escaping, ProtoWriter.model(g3).toByteArray());
        CheckpointException e3 = assertThrows(CheckpointException.class, () -> Checkpoints.open(escaping));
        assertTrue(e3.getMessage().contains("outside"), e3.getMessage());

        ProtoWriter g4 = new ProtoWriter();
        g4.message(5, ProtoWriter.tensor("x", FLOAT, 1)
                .message(13, new ProtoWriter().string(1, "location").string(2, "missing.bin")).varint(14, 1));
        Path missing = dir.resolve("missing.onnx");
        Files.write(missing, ProtoWriter.model(g4).toByteArray());
        CheckpointException e4 = assertThrows(CheckpointException.class, () -> Checkpoints.open(missing));
        assertTrue(e4.getMessage().contains("does not exist"), e4.getMessage());

        Path noGraph = dir.resolve("nograph.onnx");
        Files.write(noGraph, new ProtoWriter().varint(1, 8).toByteArray());
        CheckpointException e5 = assertThrows(CheckpointException.class, () -> Checkpoints.open(noGraph));
        assertTrue(e5.getMessage().contains("no graph"), e5.getMessage());
    }

    @Test
    void moduleNamesComeFromExporterNodePaths() {
        assertEquals("encoder.layer.0.attention.self.query", OnnxCheckpoint.moduleName("/encoder/layer.0/attention/self/query/MatMul"));
        assertEquals("encoder.layer.3.output.dense", OnnxCheckpoint.moduleName("/encoder/layer.3/output/dense/MatMul_quant"));
        assertNull(OnnxCheckpoint.moduleName("MatMul_12"));
        assertNull(OnnxCheckpoint.moduleName("/MatMul"));
        assertTrue(OnnxCheckpoint.isAnonymous("onnx::MatMul_787"));
        assertTrue(OnnxCheckpoint.isAnonymous("1234"));
        assertTrue(!OnnxCheckpoint.isAnonymous("encoder.layer.0.weight"));
    }
}
