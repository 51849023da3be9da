package dev.qlens.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.cli.jobs.eval.EvalModel;
import dev.qlens.cli.jobs.eval.ModelResolver;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.model.BertConfig;
import dev.qlens.core.model.BertModel;
import dev.qlens.core.model.FloatLinear;
import dev.qlens.core.testing.RealModels;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * qlens' pure-Java forward pass against ONNX Runtime (the oracle, test scope only) on the same token
 * ids: every embedding within cosine 0.99999 and 1e-4 of ONNX Runtime's, for all three built-in models.
 * The models are opened by path, so the attention heads come from the graph (12) and the tokenizer from
 * beside the model.
 */
@Tag("vector-only")
class BertOrtParityTest {
    @ParameterizedTest
    @CsvSource({RealModels.MINILM_FP32 + "," + RealModels.MINILM_TOKENIZER + ",MEAN",
        RealModels.BGE_FP32 + "," + RealModels.BGE_TOKENIZER + ",CLS",
        RealModels.E5_FP32 + "," + RealModels.E5_TOKENIZER + ",MEAN"})
    void embeddingsMatchOnnxRuntime(String model, String tokenizer, BertConfig.Pooling pooling) throws Exception {
        List<String> texts = EvalTexts.withEdges(96);
        try (EvalModel m = ModelResolver.resolve(RealModels.extract(model).toString(), RealModels.extract(tokenizer), null,
                pooling, null); Workers workers = Workers.create(2);
             OrtReference ort = new OrtReference(RealModels.extract(model), 2)) {
            assertEquals(12, m.heads(), "heads read from the graph's 1/sqrt(d) constant");
            Gemm gemm = Gemm.using(workers);
            BertModel ours = m.load((name, w, out, in, bias) -> new FloatLinear(gemm, w, out, in, bias), workers);
            int[][] ids = new int[texts.size()][];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = m.tokenizer().encode(texts.get(i), 512);
            }
            float[][] got = ours.embed(ids, null);
            double worstCos = 1;
            double worstDiff = 0;
            for (int i = 0; i < ids.length; i++) {
                float[] want = ort.embed(ids[i], pooling);
                double dot = 0;
                double diff = 0;
                for (int j = 0; j < want.length; j++) {
                    dot += (double) want[j] * got[i][j];
                    diff = Math.max(diff, Math.abs(want[j] - got[i][j]));
                }
                worstCos = Math.min(worstCos, dot);
                worstDiff = Math.max(worstDiff, diff);
            }
            System.out.printf("%s vs ONNX Runtime: worst cosine %.9f, worst abs difference %.2e over %d texts%n", model,
                    worstCos, worstDiff, ids.length);
            assertTrue(worstCos >= 0.99999, model + ": worst cosine " + worstCos);
            assertTrue(worstDiff <= 1e-4, model + ": worst |difference| " + worstDiff);
        }
    }
}
