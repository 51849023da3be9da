package dev.qlens.core.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.io.TransposedEntry;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.testing.RealModels;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 fp32 and int8 ONNX files. */
class MiniLmOnnxTest {
    private static final Pattern LINEAR = Pattern.compile(
            "encoder\\.layer\\.[0-5]\\.(attention\\.self\\.(query|key|value)|attention\\.output\\.dense|intermediate\\.dense|output\\.dense)\\.weight");

    @Test
    void fp32ModelListsThe36LinearWeightsUnderPyTorchNamesAsOutIn() throws IOException {
        try (Checkpoint c = Checkpoints.open(RealModels.miniLmFp32())) {
            List<TensorEntry> linear = c.tensors().stream().filter(t -> LINEAR.matcher(t.name()).matches()).toList();
            assertEquals(36, linear.size());
            for (TensorEntry t : linear) {
                long[] s = t.shape();
                if (t.name().contains("intermediate")) {
                    assertArrayEquals(new long[] {1536, 384}, s, t.name());
                } else if (t.name().contains("output.dense") && !t.name().contains("attention")) {
                    assertArrayEquals(new long[] {384, 1536}, s, t.name());
                } else {
                    assertArrayEquals(new long[] {384, 384}, s, t.name());
                }
                assertTrue(t instanceof TransposedEntry, t.name() + " is presented transposed");
                assertTrue(t.attributes().get("transposed_from").startsWith("onnx::MatMul_"), t.attributes().toString());
            }
            assertTrue(c.tensors().stream().noneMatch(t -> t.name().startsWith("onnx::")), "no anonymous weight is left");
            assertArrayEquals(new long[] {30522, 384}, c.tensor("embeddings.word_embeddings.weight").shape());
            assertEquals(DType.I64, c.tensor("embeddings.position_ids").dtype());

            // The transposed view holds exactly the stored values: element (o, i) = stored (i, o).
            TransposedEntry q = (TransposedEntry) c.tensor("encoder.layer.2.intermediate.dense.weight");
            float[] view = new DecodedTensor(q).readAll();
            float[] stored = new DecodedTensor(q.stored()).readAll();
            for (int o = 0; o < 1536; o += 37) {
                for (int i = 0; i < 384; i += 11) {
                    assertEquals(stored[i * 1536 + o], view[o * 384 + i]);
                }
            }
        }
    }

    @Test
    void int8ModelNamesTheQuantizedWeightsAndTheirScales() throws IOException {
        try (Checkpoint c = Checkpoints.open(RealModels.miniLmInt8())) {
            int quantized = 0;
            for (TensorEntry t : c.tensors()) {
                if (t.name().endsWith(".weight_quantized") && t.name().startsWith("encoder.")) {
                    quantized++;
                    assertEquals(DType.I8, t.dtype());
                    assertEquals("0", t.attributes().get("axis"), t.name());
                    String base = t.name().substring(0, t.name().length() - "_quantized".length());
                    assertTrue(LINEAR.matcher(base).matches(), base);
                    TensorEntry scale = c.tensor(base + "_scale");
                    assertNotNull(scale, base);
                    assertEquals(t.shape()[0], scale.numel(), "one scale per output row of " + base);
                    assertNotNull(c.tensor(base + "_zero_point"));
                }
            }
            assertEquals(36, quantized);
            TensorEntry words = c.tensor("embeddings.word_embeddings.weight_quantized");
            assertEquals(DType.U8, words.dtype());
            assertEquals(1, c.tensor("embeddings.word_embeddings.weight_scale").numel());
            float[] zp = new DecodedTensor(c.tensor("embeddings.word_embeddings.weight_zero_point")).readAll();
            assertArrayEquals(new float[] {128}, zp);
        }
    }
}
