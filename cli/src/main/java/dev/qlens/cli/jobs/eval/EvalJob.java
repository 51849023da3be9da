package dev.qlens.cli.jobs.eval;

import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.core.QlensException;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.model.BertModel;
import dev.qlens.formats.w8a8.Calibrator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code qlens eval}: runs a BERT sentence-embedding model in float32 and under each quantization scheme
 * on the same texts, and measures how far each scheme's embeddings and linear-layer outputs move.
 *
 * <p>Batch by batch, the float32 model runs once: its layer outputs are kept for the batch, and each
 * scheme's own layer is run on the float32 input (the layer's error alone); then every scheme's model
 * runs the batch and its layer outputs are compared with the kept ones (errors accumulated through the
 * network). Schemes are evaluated in groups that fit in memory.
 */
public final class EvalJob {
    private EvalJob() {
    }

    /** Progress of a long evaluation. */
    public interface Listener {
        /** A listener that shows nothing. */
        Listener NONE = new Listener() {
            @Override
            public void stage(String what, long tokens) {
            }

            @Override
            public void tokens(long n) {
            }
        };

        /** A new stage over this many tokens. */
        void stage(String what, long tokens);

        /** Tokens done in the current stage. */
        void tokens(long n);

        /** Something the user should know. */
        default void note(String message) {
        }
    }

    /**
     * The report and the embeddings.
     *
     * @param report what was measured
     * @param embeddings per scheme name, one L2-normalized row per evaluation text in input order
     */
    public record Result(EvalReport report, Map<String, float[][]> embeddings) {
    }

    /** Runs the evaluation. */
    public static Result run(EvalOptions o, MavenFetcher fetcher, Listener listener) throws IOException, InterruptedException {
        long started = System.nanoTime();
        List<Scheme> schemes = Scheme.parseAll(o.schemes());
        try (EvalModel model = ModelResolver.resolve(o.model(), o.tokenizer(), o.heads(), o.pooling(), fetcher);
             Workers workers = Workers.create(o.threads())) {
            int limit = model.maxPositions();
            if (o.maxTokens() > limit) {
                throw new QlensException("--max-tokens " + o.maxTokens() + " exceeds the model's " + limit + " positions");
            }
            int maxTokens = o.maxTokens() == 0 ? limit : o.maxTokens();
            boolean needsCalibration = schemes.stream().anyMatch(s -> s.kind() == Scheme.Kind.W8A8_STATIC);
            Texts texts = Texts.load(o, needsCalibration, fetcher);
            TokenizedTexts eval = new TokenizedTexts(texts.evaluation, model.tokenizer(), maxTokens, o.batchTokens());
            int declared = model.tokenizer().declaredMaxLength();
            if (declared > 0 && declared < maxTokens && eval.truncatedAt(declared) > 0) {
                listener.note(eval.truncatedAt(declared) + " of " + texts.evaluation.size() + " texts exceed the "
                        + declared + " tokens the tokenizer file declares (other runtimes cut there silently); qlens cuts at "
                        + maxTokens + " (--max-tokens)");
            }
            SchemeRun reference = new SchemeRun(schemes.get(0),
                    SchemeModels.build(schemes.get(0), model, o.activations(), null, fetcher, workers));
            TokenizedTexts cal = needsCalibration
                    ? new TokenizedTexts(texts.calibration, model.tokenizer(), maxTokens, o.batchTokens()) : null;
            Map<String, Calibrator> calibration = new HashMap<>();
            if (cal != null) {
                listener.stage("calibrating", cal.tokens());
                calibration = StaticCalibration.run(reference.built.model(), cal, o.activations().staticClip(),
                        o.activations().scheme(), listener::tokens);
            }
            Map<String, Calibrator> calibrated = calibration;

            long embeddingParameters = 0;
            for (String t : new String[] {"embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "embeddings.token_type_embeddings.weight"}) {
                long[] s = model.weights().shape(t);
                embeddingParameters += s == null ? 0 : s[0] * s[1];
            }
            long perBatch = 4L * o.batchTokens() * outputsPerToken(model);
            List<List<Scheme>> groups = MemoryPlan.groups(schemes.subList(1, schemes.size()),
                    MemoryPlan.bytesPerScheme(model.linearParameters(), embeddingParameters), MemoryPlan.freeHeap(), perBatch);
            if (groups.isEmpty()) {
                groups.add(List.of());
            }
            if (groups.size() > 1) {
                listener.note("the heap holds " + groups.get(0).size() + " scheme models at a time: the float32 model runs "
                        + groups.size() + " times (raise -Xmx through QLENS_JAVA_OPTS to avoid it)");
            }
            InputRanges ranges = new InputRanges();
            Map<String, float[][]> embeddings = new LinkedHashMap<>();
            List<EvalReport.SchemeResult> results = new ArrayList<>();
            int k = Math.min(o.neighbours(), texts.evaluation.size() - 1);
            for (int g = 0; g < groups.size(); g++) {
                List<SchemeRun> runs = new ArrayList<>();
                for (Scheme s : groups.get(g)) {
                    SchemeRun r = new SchemeRun(s, SchemeModels.build(s, model, o.activations(), () -> calibrated, fetcher,
                            workers));
                    if (r.built.clipping() != null) {
                        r.built.clipping().counting(false);
                    }
                    runs.add(r);
                }
                listener.stage(stageName(groups.get(g), g, groups.size()), eval.tokens() * (runs.size() + 1));
                for (int[][] batch : eval.batches()) {
                    runBatch(batch, reference, runs, g == 0, ranges);
                    listener.tokens(tokens(batch) * (runs.size() + 1));
                }
                if (g == 0) {
                    embeddings.put(reference.scheme.name(), reference.embeddingArray());
                    results.add(SchemeResults.reference(reference, k));
                }
                float[][] ref = embeddings.get(reference.scheme.name());
                for (SchemeRun r : runs) {
                    embeddings.put(r.scheme.name(), r.embeddingArray());
                    results.add(SchemeResults.of(r, ref, k, workers));
                }
            }
            EvalReport.ModelInfo info = new EvalReport.ModelInfo(model.name(), model.file().toString(),
                    reference.built.model().config().layers(), reference.built.model().config().hidden(), model.heads(),
                    model.pooling().name().toLowerCase(java.util.Locale.ROOT), maxTokens, declared, model.linearParameters());
            EvalReport.TextInfo textInfo = new EvalReport.TextInfo(texts.evaluationSource, texts.evaluation.size(),
                    eval.tokens(), eval.truncated(), texts.calibrationSource, texts.calibration.size(),
                    cal == null ? 0 : cal.tokens());
            return new Result(new EvalReport(info, textInfo, results, ranges.report(),
                    (System.nanoTime() - started) / 1e9), embeddings);
        }
    }

    /** One batch: the float32 pass (keeping layer outputs, running each scheme's own layers), then every scheme. */
    private static void runBatch(int[][] batch, SchemeRun reference, List<SchemeRun> runs, boolean firstGroup,
                                 InputRanges ranges) {
        Map<String, float[]> kept = new HashMap<>();
        int[] lengths = BertModel.lengths(batch);
        long[] observing = new long[1];
        long start = System.nanoTime();
        float[][] e = reference.built.model().embed(batch, (name, in, rows, inDim, out, outDim) -> {
            long t0 = System.nanoTime();
            float[] copy = Arrays.copyOf(out, rows * outDim);
            kept.put(name, copy);
            if (firstGroup) {
                ranges.add(name, in, lengths, inDim);
            }
            for (SchemeRun r : runs) {
                r.runOwn(name, in, lengths, rows, copy, outDim);
            }
            observing[0] += System.nanoTime() - t0;
        });
        if (firstGroup) {
            reference.forwardNanos += System.nanoTime() - start - observing[0];
            reference.tokens += tokens(batch);
            reference.embeddings.addAll(Arrays.asList(e));
        }
        for (SchemeRun r : runs) {
            r.runBatch(batch, kept);
        }
    }

    private static long tokens(int[][] batch) {
        long n = 0;
        for (int[] s : batch) {
            n += s.length;
        }
        return n;
    }

    /** Floats of linear-layer output per token (what a batch keeps of the float32 pass). */
    private static long outputsPerToken(EvalModel model) {
        long n = 0;
        for (String l : model.linearNames()) {
            n += model.weights().shape(l + ".weight")[0];
        }
        return n;
    }

    private static String stageName(List<Scheme> group, int g, int groups) {
        StringBuilder sb = new StringBuilder("fp32");
        for (Scheme s : group) {
            sb.append(", ").append(s.name());
        }
        return groups > 1 ? sb + " (" + (g + 1) + "/" + groups + ")" : sb.toString();
    }
}
