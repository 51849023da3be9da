package dev.qlens.formats.convention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.testing.RealModels;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The real MiniLM int8 model, dequantized through the ONNX Runtime convention, against its fp32 twin. */
class MiniLmDequantTest {
    @Test
    void everyDequantizedWeightIsWithinHalfAnInt8StepOfTheOriginal() throws IOException {
        try (Checkpoint fp32 = Checkpoints.open(RealModels.miniLmFp32());
             Checkpoint int8 = Checkpoints.open(RealModels.miniLmInt8())) {
            CheckpointView q = CheckpointView.of(int8);
            int checked = 0;
            for (LogicalTensor t : q.tensors()) {
                if (!t.isQuantized()) {
                    continue;
                }
                checked++;
                assertEquals(Convention.ONNXRUNTIME, t.convention());
                float[] deq = t.open().readAll();
                float[] orig = new DecodedTensor(fp32.tensor(t.name())).readAll();
                float[] scale = new DecodedTensor(int8.tensor(t.name() + "_scale")).readAll();
                long rows = t.shape()[0];
                long cols = t.shape()[1];
                for (int r = 0; r < rows; r++) {
                    float s = scale.length == 1 ? scale[0] : scale[r];
                    for (int k = 0; k < cols; k++) {
                        int i = (int) (r * cols + k);
                        double err = Math.abs((double) deq[i] - orig[i]);
                        // Half a step, plus the rounding of ONNX Runtime's float32 division W / scale at ties.
                        assertTrue(err <= 0.5 * s + Math.abs(orig[i]) * 0x1p-23, t.name() + "[" + r + "," + k + "]: |" + deq[i] + " - "
                                + orig[i] + "| > half the step " + s);
                    }
                }
                if (t.name().startsWith("encoder.")) {
                    assertEquals("per-channel (axis 0), zero point", t.granularity());
                    assertEquals("int8", t.format());
                } else {
                    assertEquals("uint8", t.format());
                }
            }
            assertEquals(36 + 3, checked, "36 linear weights and 3 embedding tables");
            assertNotNull(q.tensor("encoder.layer.0.attention.self.query.bias"));
        }
    }
}
