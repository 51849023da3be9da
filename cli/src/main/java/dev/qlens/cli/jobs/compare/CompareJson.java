package dev.qlens.cli.jobs.compare;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.qlens.cli.VersionProvider;
import dev.qlens.cli.util.Json;
import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.core.metrics.RelativeErrorHistogram;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a comparison. Field names follow the seed tool's report
 * ({@code aggregate.mean_absolute_error}, {@code overall_snr_db}, {@code relative_error_percentiles},
 * {@code layers[].layer_name}, {@code layers[].snr_db}, ...) so its jq recipes keep working; the
 * definitions are qlens' (docs/metrics.md). Non-finite numbers are the strings "inf", "-inf" and
 * "nan"; undefined values are null.
 */
public final class CompareJson {
    private CompareJson() {
    }

    /** The whole report. */
    public static JsonObject of(CompareReport r) {
        JsonObject o = new JsonObject();
        JsonObject q = new JsonObject();
        q.addProperty("version", VersionProvider.version());
        q.addProperty("kernels", r.kernels());
        q.add("percentile_accuracy", Json.number(RelativeErrorHistogram.ACCURACY));
        o.add("qlens", q);
        o.add("original", source(r.original()));
        o.add("quantized", source(r.quantized()));
        o.add("aggregate", aggregate(r.aggregate()));
        JsonArray layers = new JsonArray();
        for (TensorResult t : r.layers()) {
            layers.add(layer(t));
        }
        o.add("layers", layers);
        o.add("identical_tensors", strings(r.identical()));
        o.add("missing_in_quantized", strings(r.pairing().missingInQuantized()));
        o.add("missing_in_original", strings(r.pairing().missingInOriginal()));
        o.add("shape_mismatches", skipped(r.pairing().shapeMismatches()));
        o.add("unsupported", skipped(r.pairing().unsupported()));
        o.add("empty_tensors", strings(r.pairing().empty()));
        o.add("warnings", strings(r.warnings()));
        return o;
    }

    private static JsonObject source(CompareReport.Source s) {
        JsonObject o = new JsonObject();
        o.addProperty("path", s.path());
        o.addProperty("storage", s.storage());
        o.add("conventions", strings(s.conventions()));
        o.addProperty("tensor_bytes", s.bytes());
        return o;
    }

    /** A number, or null when undefined (NaN). */
    private static JsonElement num(double v) {
        return Double.isNaN(v) ? JsonNull.INSTANCE : Json.number(v);
    }

    private static JsonObject percentiles(Map<String, Double> p) {
        JsonObject o = new JsonObject();
        p.forEach((k, v) -> o.add(k, num(v)));
        return o;
    }

    static JsonObject aggregate(CompareAggregate a) {
        JsonObject o = new JsonObject();
        o.addProperty("total_layers", a.tensors());
        o.addProperty("total_tensors_compared", a.tensorsCompared());
        o.addProperty("identical_tensors", a.identical());
        o.addProperty("total_elements", a.elements());
        o.addProperty("total_elements_compared", a.elementsCompared());
        o.addProperty("non_finite_pairs", a.nonFinitePairs());
        o.add("mean_absolute_error", num(a.meanAbsoluteError()));
        o.add("median_absolute_error", num(a.medianAbsoluteError()));
        o.add("max_absolute_error", num(a.maxAbsoluteError()));
        o.add("mean_squared_error", num(a.meanSquaredError()));
        o.add("root_mean_squared_error", num(a.rootMeanSquaredError()));
        o.add("mean_relative_error", num(a.meanRelativeError()));
        o.add("median_relative_error", num(a.medianRelativeError()));
        o.add("max_relative_error", num(a.maxRelativeError()));
        o.add("total_original_norm", num(a.originalNorm()));
        o.add("total_quantized_norm", num(a.quantizedNorm()));
        o.add("total_error_norm", num(a.errorNorm()));
        o.add("overall_snr_db", num(a.overallSnrDb()));
        o.add("mean_pearson_correlation", num(a.meanPearson()));
        o.add("median_pearson_correlation", num(a.medianPearson()));
        o.add("mean_cosine_similarity", num(a.meanCosine()));
        o.add("median_cosine_similarity", num(a.medianCosine()));
        o.add("relative_error_percentiles", percentiles(a.percentiles()));
        JsonObject w = new JsonObject();
        w.add("mean_absolute_error", num(a.weightedMeanAbsoluteError()));
        w.add("mean_squared_error", num(a.weightedMeanSquaredError()));
        w.add("root_mean_squared_error", num(Math.sqrt(a.weightedMeanSquaredError())));
        w.add("relative_error", num(a.weightedRelativeError()));
        w.add("mean_relative_error", num(a.weightedMeanRelativeError()));
        o.add("element_weighted", w);
        return o;
    }

    /** One layer entry of the report. */
    public static JsonObject layerOf(TensorResult t) {
        return layer(t);
    }

    static JsonObject layer(TensorResult t) {
        ErrorMetrics m = t.metrics();
        JsonObject o = new JsonObject();
        o.addProperty("layer_name", t.name());
        o.addProperty("original_dtype", t.originalDtype());
        o.addProperty("quantized_dtype", t.quantizedDtype());
        JsonArray shape = new JsonArray();
        for (long d : t.shape()) {
            shape.add(d);
        }
        o.add("tensor_shape", shape);
        o.addProperty("tensor_elements", t.elements());
        o.addProperty("non_finite_pairs", m.nonFinite());
        o.add("mean_absolute_error", num(m.meanAbsoluteError()));
        o.add("max_absolute_error", num(m.maxAbsoluteError()));
        o.add("min_absolute_error", num(m.minAbsoluteError()));
        o.add("std_absolute_error", num(m.stdAbsoluteError()));
        o.add("mean_squared_error", num(m.meanSquaredError()));
        o.add("root_mean_squared_error", num(m.rootMeanSquaredError()));
        o.add("relative_error", num(m.relativeError()));
        o.add("max_relative_error", num(m.maxRelativeError()));
        o.add("mean_relative_error", num(m.meanRelativeError()));
        o.add("relative_l2_error", num(m.relativeL2()));
        o.add("original_norm", num(m.originalNorm()));
        o.add("quantized_norm", num(m.quantizedNorm()));
        o.add("error_norm", num(m.errorNorm()));
        o.add("snr_db", num(m.snrDb()));
        o.add("pearson_correlation", num(m.pearson()));
        o.add("cosine_similarity", num(m.cosine()));
        o.add("relative_error_percentiles", percentiles(m.percentiles()));
        o.add("scale_factor", t.scale() == null ? JsonNull.INSTANCE : num(t.scale().mean()));
        if (t.scale() == null) {
            o.add("scale", JsonNull.INSTANCE);
        } else {
            JsonObject s = new JsonObject();
            s.addProperty("count", t.scale().count());
            s.add("min", num(t.scale().min()));
            s.add("max", num(t.scale().max()));
            s.add("mean", num(t.scale().mean()));
            o.add("scale", s);
        }
        o.add("block_size", t.blockSize() > 0 ? new JsonPrimitive(t.blockSize()) : JsonNull.INSTANCE);
        o.add("comfy_format", "comfy".equals(t.convention()) ? Json.stringOrNull(t.format()) : JsonNull.INSTANCE);
        o.add("format", Json.stringOrNull(t.format()));
        o.add("granularity", Json.stringOrNull(t.granularity()));
        o.add("convention", Json.stringOrNull(t.convention()));
        o.addProperty("scheme", t.scheme());
        return o;
    }

    private static JsonArray strings(List<String> s) {
        JsonArray a = new JsonArray();
        s.forEach(a::add);
        return a;
    }

    private static JsonArray skipped(List<TensorPairing.Skipped> s) {
        JsonArray a = new JsonArray();
        for (TensorPairing.Skipped k : s) {
            JsonObject o = new JsonObject();
            o.addProperty("layer_name", k.name());
            o.addProperty("reason", k.reason());
            a.add(o);
        }
        return a;
    }
}
