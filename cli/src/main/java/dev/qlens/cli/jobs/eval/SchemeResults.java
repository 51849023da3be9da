package dev.qlens.cli.jobs.eval;

import dev.qlens.core.linalg.Workers;
import java.util.ArrayList;
import java.util.List;

/** Turns a finished {@link SchemeRun} into its report entry. */
final class SchemeResults {
    private SchemeResults() {
    }

    /** The float32 row: agreement with itself is exact; its layers have nothing to compare. */
    static EvalReport.SchemeResult reference(SchemeRun r, int k) {
        return new EvalReport.SchemeResult(r.scheme.name(), r.built.description(),
                new EvalReport.Embedding(1, 1, 1, 1, k > 0 ? 1 : Double.NaN, k), throughput(r), r.forwardNanos / 1e9,
                List.of(), r.built.notes());
    }

    static EvalReport.SchemeResult of(SchemeRun r, float[][] reference, int k, Workers workers) {
        float[][] got = r.embeddingArray();
        double[] cos = EmbeddingAgreement.cosines(reference, got);
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double c : cos) {
            sum += c;
            min = Math.min(min, c);
        }
        EvalReport.Embedding emb = new EvalReport.Embedding(cos.length == 0 ? Double.NaN : sum / cos.length,
                cos.length == 0 ? Double.NaN : min, EmbeddingAgreement.quantile(cos, 0.01),
                EmbeddingAgreement.quantile(cos, 0.05),
                k > 0 ? EmbeddingAgreement.neighbourOverlap(reference, got, k, workers) : Double.NaN, k);
        List<EvalReport.LayerResult> layers = new ArrayList<>();
        for (String layer : r.accumulated.layers()) {
            double clipped = r.built.clipping() == null ? Double.NaN : r.built.clipping().fraction(layer);
            layers.add(new EvalReport.LayerResult(layer, r.accumulated.error(layer), r.own.error(layer), clipped));
        }
        return new EvalReport.SchemeResult(r.scheme.name(), r.built.description(), emb, throughput(r), r.forwardNanos / 1e9,
                layers, r.built.notes());
    }

    private static double throughput(SchemeRun r) {
        return r.forwardNanos == 0 ? Double.NaN : r.tokens / (r.forwardNanos / 1e9);
    }
}
