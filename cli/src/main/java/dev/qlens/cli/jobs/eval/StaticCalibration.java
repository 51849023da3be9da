package dev.qlens.cli.jobs.eval;

import dev.qlens.core.model.BertModel;
import dev.qlens.formats.w8a8.ActivationQuantization;
import dev.qlens.formats.w8a8.Calibrator;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Static activation ranges, seed 004's way: the float32 model runs on the calibration texts in batches of
 * 8 texts (the seed's batch size; fixed, so the ranges do not depend on the evaluation batching) and every
 * linear layer's input is observed batch by batch (running min / max, and the maximum over batches of
 * each batch's clip quantile).
 */
final class StaticCalibration {
    private StaticCalibration() {
    }

    /** Texts per calibration batch. */
    static final int TEXTS_PER_BATCH = 8;

    static Map<String, Calibrator> run(BertModel fp32, TokenizedTexts texts, double clipPercentile,
                                       ActivationQuantization.Scheme scheme, java.util.function.LongConsumer tokensDone) {
        Map<String, Calibrator> out = new HashMap<>();
        int[][] ids = texts.ids();
        for (int from = 0; from < ids.length; from += TEXTS_PER_BATCH) {
            int[][] batch = Arrays.copyOfRange(ids, from, Math.min(ids.length, from + TEXTS_PER_BATCH));
            fp32.hiddenStates(batch, (name, in, rows, inDim, y, outDim) ->
                    out.computeIfAbsent(name, k -> new Calibrator(clipPercentile, scheme))
                            .observe(in.length == rows * inDim ? in : Arrays.copyOf(in, rows * inDim)));
            long n = 0;
            for (int[] s : batch) {
                n += s.length;
            }
            tokensDone.accept(n);
        }
        return out;
    }
}
