package dev.qlens.cli.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.qlens.core.model.BertConfig;
import dev.qlens.core.model.BertModel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** ONNX Runtime (test scope only) running a BERT export one text at a time, pooled like qlens pools. */
final class OrtReference implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtReference(Path model, int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        this.session = env.createSession(model.toString(), o);
    }

    /** The last hidden state of one sequence, [tokens x hidden] flattened. */
    float[] hiddenStates(int[] ids) throws OrtException {
        long[][] in = new long[1][ids.length];
        long[][] mask = new long[1][ids.length];
        long[][] types = new long[1][ids.length];
        for (int i = 0; i < ids.length; i++) {
            in[0][i] = ids[i];
            mask[0][i] = 1;
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OnnxTensor a = OnnxTensor.createTensor(env, in); OnnxTensor b = OnnxTensor.createTensor(env, mask);
             OnnxTensor c = OnnxTensor.createTensor(env, types)) {
            inputs.put("input_ids", a);
            inputs.put("attention_mask", b);
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", c);
            }
            try (OrtSession.Result r = session.run(inputs)) {
                float[][][] h = (float[][][]) r.get(0).getValue();
                int hidden = h[0][0].length;
                float[] flat = new float[ids.length * hidden];
                for (int p = 0; p < ids.length; p++) {
                    System.arraycopy(h[0][p], 0, flat, p * hidden, hidden);
                }
                return flat;
            }
        }
    }

    /** The pooled, L2-normalized sentence embedding. */
    float[] embed(int[] ids, BertConfig.Pooling pooling) throws OrtException {
        float[] h = hiddenStates(ids);
        return BertModel.pool(h, new int[][] {ids}, h.length / ids.length, pooling)[0];
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
