package dev.qlens.cli.jobs.eval;

import com.google.gson.JsonObject;
import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.core.QlensException;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.model.BertModel;
import dev.qlens.formats.gptq.CalibrationFile;
import dev.qlens.formats.gptq.InputStatistics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code qlens calibrate}: runs the float32 model over calibration texts and, separately, held-out texts,
 * and saves every linear layer's input statistics ({@link InputStatistics}) for GPTQ and for measuring
 * layer-output error on inputs GPTQ never saw. The held-out texts are the evaluation part of the
 * corpus that {@code qlens eval} uses by default, so GPTQ is judged on the texts eval scores.
 */
public final class CalibrateJob {
    private CalibrateJob() {
    }

    /** What was calibrated. */
    public record Result(Path output, int layers, int calibrationTexts, long calibrationTokens, int heldoutTexts,
                         long heldoutTokens, double seconds) {
    }

    /**
     * Runs the calibration and writes the file.
     *
     * @param o the model and texts: {@code calibrationTexts}/{@code calibrationCount} choose the calibration
     *     texts, {@code texts}/{@code evaluationCount} the held-out ones
     */
    public static Result run(EvalOptions o, Path output, boolean overwrite, MavenFetcher fetcher, EvalJob.Listener listener)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        try (EvalModel model = ModelResolver.resolve(o.model(), o.tokenizer(), o.heads(), o.pooling(), fetcher);
             Workers workers = Workers.create(o.threads())) {
            if (output.toAbsolutePath().normalize().equals(model.file().toAbsolutePath().normalize())) {
                throw new QlensException(output + " is the model itself; choose another output");
            }
            int maxTokens = o.maxTokens() == 0 ? model.maxPositions() : Math.min(o.maxTokens(), model.maxPositions());
            Texts texts = Texts.load(o, true, fetcher);
            BertModel fp32 = SchemeModels.build(Scheme.parseAll(List.of("fp32")).get(0), model, o.activations(), null, fetcher,
                    workers).model();
            Gemm gemm = Gemm.using(workers);
            TokenizedTexts cal = new TokenizedTexts(texts.calibration, model.tokenizer(), maxTokens, o.batchTokens());
            TokenizedTexts held = new TokenizedTexts(texts.evaluation, model.tokenizer(), maxTokens, o.batchTokens());
            Map<String, InputStatistics> calStats = observe(fp32, cal, gemm, "calibration texts", listener);
            Map<String, InputStatistics> heldStats = observe(fp32, held, gemm, "held-out texts", listener);
            JsonObject d = new JsonObject();
            d.addProperty("model", model.name());
            d.addProperty("model_file", model.file().toString());
            d.addProperty("calibration_source", texts.calibrationSource);
            d.addProperty("calibration_texts", texts.calibration.size());
            d.addProperty("heldout_source", texts.evaluationSource);
            d.addProperty("heldout_texts", texts.evaluation.size());
            d.addProperty("max_tokens", maxTokens);
            d.addProperty("batch_tokens", o.batchTokens());
            new CalibrationFile(calStats, heldStats, d).write(output, overwrite);
            return new Result(output, calStats.size(), texts.calibration.size(), cal.tokens(), texts.evaluation.size(),
                    held.tokens(), (System.nanoTime() - started) / 1e9);
        }
    }

    private static Map<String, InputStatistics> observe(BertModel fp32, TokenizedTexts texts, Gemm gemm, String stage,
                                                        EvalJob.Listener listener) {
        Map<String, InputStatistics> stats = new HashMap<>();
        listener.stage(stage, texts.tokens());
        for (int[][] batch : texts.batches()) {
            fp32.hiddenStates(batch, (name, in, rows, inDim, y, outDim) ->
                    stats.computeIfAbsent(name, k -> new InputStatistics(inDim)).observe(in, rows, gemm));
            long n = 0;
            for (int[] s : batch) {
                n += s.length;
            }
            listener.tokens(n);
        }
        return stats;
    }
}
