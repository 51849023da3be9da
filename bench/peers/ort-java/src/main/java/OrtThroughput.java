import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.qlens.cli.jobs.eval.EvalCorpus;
import dev.qlens.core.model.BertTokenizer;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime Java's float32 forward pass on the same texts and token ids as qlens' EvalThroughput:
 * one text per run (no padding), intra-op threads as given, graph optimizations at their default (all).
 * Usage: OrtThroughput MODEL.onnx TOKENIZER.json EUROPARL.gz TEXTS THREADS ROUNDS [WARMUP_ROUNDS, default 2]
 */
public final class OrtThroughput {
    public static void main(String[] args) throws Exception {
        BertTokenizer tok;
        try (Reader r = Files.newBufferedReader(Path.of(args[1]))) {
            tok = BertTokenizer.read(r);
        }
        List<String> texts = EvalCorpus.split(EvalCorpus.europarlEnglish(Path.of(args[2])), 64,
                Integer.parseInt(args[3])).evaluation();
        int threads = Integer.parseInt(args[4]);
        int rounds = Integer.parseInt(args[5]);
        int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 2;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        try (OrtSession s = env.createSession(args[0], o)) {
            boolean types = s.getInputNames().contains("token_type_ids");
            long[][][] ids = new long[texts.size()][][];
            long tokens = 0;
            for (int i = 0; i < ids.length; i++) {
                int[] t = tok.encode(texts.get(i), 512);
                ids[i] = new long[][] {Arrays.stream(t).asLongStream().toArray()};
                tokens += t.length;
            }
            double[] rates = new double[rounds];
            for (int r = -warmup; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (long[][] in : ids) {
                    long[][] mask = new long[1][in[0].length];
                    Arrays.fill(mask[0], 1);
                    Map<String, OnnxTensor> inputs = new HashMap<>();
                    inputs.put("input_ids", OnnxTensor.createTensor(env, in));
                    inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
                    if (types) {
                        inputs.put("token_type_ids", OnnxTensor.createTensor(env, new long[1][in[0].length]));
                    }
                    try (OrtSession.Result res = s.run(inputs)) {
                        res.get(0);
                    }
                    for (OnnxTensor t : inputs.values()) {
                        t.close();
                    }
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                if (r >= 0) {
                    rates[r] = tokens / sec;
                }
            }
            Arrays.sort(rates);
            System.out.printf("onnxruntime fp32 %s, %d threads: %d texts, %d tokens; tokens/s median %.0f, best %.0f%n",
                    Path.of(args[0]).getFileName(), threads, texts.size(), tokens, rates[rounds / 2], rates[rounds - 1]);
        }
    }
}
