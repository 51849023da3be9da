package dev.qlens.cli.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.cli.jobs.compare.CompareJob;
import dev.qlens.cli.jobs.compare.CompareOptions;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.cli.jobs.compare.TensorResult;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.testing.RealModels;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.LogicalTensor;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The real all-MiniLM-L6-v2 pair (fp32 and ONNX Runtime int8): the report holds the 36 int8 linear
 * weights (about 1.8% relative L2 error) and the 3 uint8 embedding tables, and every SNR equals one
 * computed here from the stored codes, zero points and scales with plain loops.
 */
class CompareMiniLmTest {
    @Test
    void reportsTheInt8WeightsAndEmbeddingsWithIndependentlyCheckedSnr() throws Exception {
        CompareReport r = CompareJob.run(CompareOptions.of(RealModels.miniLmFp32(), RealModels.miniLmInt8()));
        Map<String, TensorResult> byName = r.layers().stream().collect(Collectors.toMap(TensorResult::name, t -> t));
        long int8 = r.layers().stream().filter(t -> t.quantizedDtype().equals("torch.int8")).count();
        long uint8 = r.layers().stream().filter(t -> t.quantizedDtype().equals("torch.uint8")).count();
        assertEquals(36, int8, "int8 linear weights");
        assertEquals(3, uint8, "uint8 embedding tables");
        assertEquals(39, r.layers().size());
        double meanRelL2 = r.layers().stream().filter(t -> t.quantizedDtype().equals("torch.int8"))
                .mapToDouble(t -> t.metrics().relativeL2()).average().orElseThrow();
        assertEquals(0.0178, meanRelL2, 0.0005, "mean relative L2 error of the int8 weights");
        assertEquals(0.1722, byName.get("embeddings.position_embeddings.weight").metrics().relativeL2(), 0.0005);
        assertEquals(0.0427, byName.get("embeddings.word_embeddings.weight").metrics().relativeL2(), 0.0005);
        assertTrue(r.identical().contains("encoder.layer.0.attention.self.query.bias"));
        assertTrue(r.pairing().missingInQuantized().isEmpty(), r.pairing().missingInQuantized().toString());

        try (Checkpoint fp32 = Checkpoints.open(RealModels.miniLmFp32());
             Checkpoint q8 = Checkpoints.open(RealModels.miniLmInt8())) {
            CheckpointView view = CheckpointView.of(q8);
            for (TensorResult t : r.layers()) {
                LogicalTensor lt = view.tensor(t.name());
                double snr = independentSnr(new DecodedTensor(fp32.tensor(t.name())).readAll(), q8, lt);
                double tol = 1e-9 * Math.abs(snr);
                assertEquals(snr, t.metrics().snrDb(), tol, t.name());
            }
        }
    }

    /** (q - zero point) * scale in float32 per row (or per tensor), then 10 log10(sum x^2 / sum e^2) in float64. */
    private static double independentSnr(float[] x, Checkpoint q8, LogicalTensor t) throws Exception {
        float[] q = new DecodedTensor(q8.tensor(t.sources().get(0))).readAll();
        float[] scale = new DecodedTensor(q8.tensor(t.name() + "_scale")).readAll();
        float[] zp = new DecodedTensor(q8.tensor(t.name() + "_zero_point")).readAll();
        long cols = t.shape()[1];
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < x.length; i++) {
            int row = (int) (i / cols);
            float s = scale.length == 1 ? scale[0] : scale[row];
            float z = zp.length == 1 ? zp[0] : zp[row];
            float deq = (q[i] - z) * s;
            double e = (double) deq - x[i];
            signal += (double) x[i] * x[i];
            noise += e * e;
        }
        return 10 * Math.log10(signal / noise);
    }
}
