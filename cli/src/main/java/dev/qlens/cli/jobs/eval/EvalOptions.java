package dev.qlens.cli.jobs.eval;

import dev.qlens.core.model.BertConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code qlens eval} needs.
 *
 * @param model {@code minilm}, {@code bge}, {@code e5} or the path of a BERT checkpoint
 * @param tokenizer tokenizer.json of a path model, or null to look beside it
 * @param heads attention heads of a path model, or null to infer them
 * @param pooling pooling of a path model, or null (built-in: the model's; path: mean)
 * @param schemes scheme names (empty: {@link Scheme#DEFAULTS})
 * @param texts one text per line, or null for the built-in English corpus
 * @param calibrationTexts texts for static activation ranges, or null for the built-in corpus's calibration part
 * @param evaluationCount evaluation texts (0: 256 of the built-in corpus, or every line of {@code texts})
 * @param calibrationCount calibration texts (at most)
 * @param maxTokens cut texts at this many tokens (0: the model's position limit)
 * @param batchTokens tokens per forward batch (a longer text runs alone)
 * @param neighbours k of the neighbour overlap
 * @param activations how the W8A8 schemes quantize activations
 * @param threads worker threads
 */
public record EvalOptions(String model, Path tokenizer, Integer heads, BertConfig.Pooling pooling, List<String> schemes,
                          Path texts, Path calibrationTexts, int evaluationCount, int calibrationCount, int maxTokens,
                          int batchTokens, int neighbours, ActivationOptions activations, int threads) {
    /** Evaluation texts taken from the built-in corpus by default. */
    public static final int DEFAULT_EVALUATION = 256;
    /** Calibration texts by default. */
    public static final int DEFAULT_CALIBRATION = 64;
    /** Tokens per batch by default. */
    public static final int DEFAULT_BATCH_TOKENS = 512;

    /** Checks the numbers. */
    public EvalOptions {
        if (evaluationCount < 0 || calibrationCount < 1 || maxTokens < 0 || maxTokens == 1 || batchTokens < 1
                || neighbours < 1 || threads < 1) {
            throw new IllegalArgumentException("texts >= 0, calibration texts >= 1, --max-tokens 0 or >= 2,"
                    + " --batch-tokens >= 1, --neighbours >= 1 and --threads >= 1 are required");
        }
        schemes = List.copyOf(schemes);
    }

    /** The defaults for a model: the experiment table on the built-in corpus. */
    public static EvalOptions defaults(String model, int threads) {
        return new EvalOptions(model, null, null, null, List.of(), null, null, 0, DEFAULT_CALIBRATION, 0,
                DEFAULT_BATCH_TOKENS, 10, ActivationOptions.DEFAULT, threads);
    }

    /** These options with other schemes. */
    public EvalOptions withSchemes(List<String> names) {
        return new EvalOptions(model, tokenizer, heads, pooling, names, texts, calibrationTexts, evaluationCount,
                calibrationCount, maxTokens, batchTokens, neighbours, activations, threads);
    }

    /** These options with another number of evaluation texts. */
    public EvalOptions withEvaluationCount(int n) {
        return new EvalOptions(model, tokenizer, heads, pooling, schemes, texts, calibrationTexts, n,
                calibrationCount, maxTokens, batchTokens, neighbours, activations, threads);
    }

    /** These options with another thread count. */
    public EvalOptions withThreads(int n) {
        return new EvalOptions(model, tokenizer, heads, pooling, schemes, texts, calibrationTexts, evaluationCount,
                calibrationCount, maxTokens, batchTokens, neighbours, activations, n);
    }

    /** These options with user texts. */
    public EvalOptions withTexts(Path file) {
        return new EvalOptions(model, tokenizer, heads, pooling, schemes, file, calibrationTexts, evaluationCount,
                calibrationCount, maxTokens, batchTokens, neighbours, activations, threads);
    }

    /** These options with another token limit. */
    public EvalOptions withMaxTokens(int n) {
        return new EvalOptions(model, tokenizer, heads, pooling, schemes, texts, calibrationTexts, evaluationCount,
                calibrationCount, n, batchTokens, neighbours, activations, threads);
    }
}
