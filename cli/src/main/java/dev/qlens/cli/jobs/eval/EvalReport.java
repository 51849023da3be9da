package dev.qlens.cli.jobs.eval;

import java.util.List;

/**
 * What {@code qlens eval} measured.
 *
 * @param model the model
 * @param texts the texts
 * @param schemes one result per scheme, fp32 first
 * @param inputs the float32 model's input range per linear layer
 * @param seconds wall time of the whole evaluation
 */
public record EvalReport(ModelInfo model, TextInfo texts, List<SchemeResult> schemes, List<LayerInput> inputs,
                         double seconds) {
    /**
     * @param name model name
     * @param file the float32 model file
     * @param layers transformer layers
     * @param hidden hidden width
     * @param heads attention heads
     * @param pooling mean or cls
     * @param maxTokens where texts are cut
     * @param tokenizerDeclaredMax the truncation the tokenizer file declares (0 if none), not applied
     * @param linearParameters elements of all linear weights
     */
    public record ModelInfo(String name, String file, int layers, int hidden, int heads, String pooling, int maxTokens,
                            int tokenizerDeclaredMax, long linearParameters) {
    }

    /**
     * @param source where the evaluation texts come from
     * @param evaluation evaluation texts
     * @param tokens their tokens (with [CLS] and [SEP])
     * @param truncated evaluation texts cut at maxTokens
     * @param calibrationSource where the calibration texts come from (null when no static scheme ran)
     * @param calibration calibration texts
     * @param calibrationTokens their tokens
     */
    public record TextInfo(String source, int evaluation, long tokens, int truncated, String calibrationSource,
                           int calibration, long calibrationTokens) {
    }

    /**
     * @param name scheme name
     * @param description what it does
     * @param embedding agreement with the float32 embeddings
     * @param tokensPerSecond forward throughput (metrics excluded)
     * @param forwardSeconds time in the forward passes
     * @param layers per linear layer, in forward order
     * @param notes remarks (tensors borrowed from the float32 model, reader warnings)
     */
    public record SchemeResult(String name, String description, Embedding embedding, double tokensPerSecond,
                               double forwardSeconds, List<LayerResult> layers, List<String> notes) {
    }

    /**
     * @param cosineMean mean over texts of cos(fp32 embedding, scheme embedding)
     * @param cosineMin the smallest
     * @param cosineP1 its 1st percentile
     * @param cosineP5 its 5th percentile
     * @param neighbourOverlap mean share of each text's k nearest neighbours (among the texts) kept
     * @param k neighbours compared
     */
    public record Embedding(double cosineMean, double cosineMin, double cosineP1, double cosineP5, double neighbourOverlap,
                            int k) {
    }

    /**
     * @param layer the layer's PyTorch name
     * @param accumulated the scheme's output against the float32 model's, each model on its own inputs
     *     (errors of earlier layers included)
     * @param own the scheme's layer on the float32 model's input (this layer's error alone)
     * @param clippedFraction share of the layer's activations outside the int8 range (W8A8 schemes), else NaN
     */
    public record LayerResult(String layer, Error accumulated, Error own, double clippedFraction) {
    }

    /**
     * @param mse mean squared error
     * @param snrDb 10 log10(sum ref^2 / sum err^2)
     * @param cosine cosine of the flattened outputs
     */
    public record Error(double mse, double snrDb, double cosine) {
    }

    /**
     * @param layer the layer's PyTorch name
     * @param min smallest input value
     * @param max largest input value
     * @param rms root mean square of the inputs
     */
    public record LayerInput(String layer, double min, double max, double rms) {
    }
}
