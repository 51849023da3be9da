package dev.qlens.bench;

import dev.qlens.cli.jobs.eval.EvalCorpus;
import dev.qlens.cli.jobs.eval.EvalModel;
import dev.qlens.cli.jobs.eval.ModelResolver;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.model.BertModel;
import dev.qlens.core.model.FloatLinear;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Tokens per second of qlens' float32 BERT forward pass (what {@code qlens eval} runs per scheme), warm:
 * the texts in batches of about 512 tokens, several rounds after warm-up. The peer is
 * {@code bench/peers/ort-java} (ONNX Runtime Java) on the same texts and token ids.
 *
 * <p>Usage: {@code EvalThroughput MODEL.onnx TOKENIZER.json EUROPARL.gz TEXTS THREADS ROUNDS}
 */
public final class EvalThroughput {
    private EvalThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path tokenizer = Path.of(args[1]);
        List<String> texts = EvalCorpus.split(EvalCorpus.europarlEnglish(Path.of(args[2])), 64,
                Integer.parseInt(args[3])).evaluation();
        int threads = Integer.parseInt(args[4]);
        int rounds = Integer.parseInt(args[5]);
        try (EvalModel m = ModelResolver.resolve(model.toString(), tokenizer, null, null, null);
             Workers workers = Workers.create(threads)) {
            Gemm gemm = Gemm.using(workers);
            BertModel bert = m.load((name, w, out, in, bias) -> new FloatLinear(gemm, w, out, in, bias), workers);
            List<int[][]> batches = new ArrayList<>();
            long tokens = 0;
            List<int[]> cur = new ArrayList<>();
            int curTokens = 0;
            for (String t : texts) {
                int[] ids = m.tokenizer().encode(t, 512);
                tokens += ids.length;
                if (!cur.isEmpty() && curTokens + ids.length > 512) {
                    batches.add(cur.toArray(new int[0][]));
                    cur.clear();
                    curTokens = 0;
                }
                cur.add(ids);
                curTokens += ids.length;
            }
            batches.add(cur.toArray(new int[0][]));
            double[] rates = new double[rounds];
            for (int r = -2; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int[][] b : batches) {
                    bert.embed(b, null);
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (r >= 0) {
                    rates[r] = tokens / s;
                }
            }
            Arrays.sort(rates);
            System.out.printf("qlens fp32 %s, %d threads: %d texts, %d tokens; tokens/s median %.0f, best %.0f%n",
                    model.getFileName(), threads, texts.size(), tokens, rates[rounds / 2], rates[rounds - 1]);
        }
    }
}
