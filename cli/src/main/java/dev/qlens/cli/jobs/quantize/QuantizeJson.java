package dev.qlens.cli.jobs.quantize;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.qlens.cli.VersionProvider;
import dev.qlens.cli.util.Json;
import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.formats.comfy.LearnedRounding;
import java.nio.file.Path;

/**
 * The JSON form of a quantize report: per layer the action, format and reason, bytes, and the error
 * of round-to-nearest and of what was written (the metrics of {@code qlens compare}, so the two
 * reports can be matched field by field); learned rounding's rank and objectives; totals.
 */
public final class QuantizeJson {
    private QuantizeJson() {
    }

    /** The whole report. */
    public static JsonObject of(QuantizeReport r) {
        JsonObject o = new JsonObject();
        JsonObject q = new JsonObject();
        q.addProperty("version", VersionProvider.version());
        o.add("qlens", q);
        o.addProperty("input", r.input().toString());
        JsonArray outs = new JsonArray();
        for (Path p : r.outputs()) {
            outs.add(p.toString());
        }
        o.add("outputs", outs);
        o.addProperty("dry_run", r.dryRun());
        o.addProperty("format", r.format());
        o.addProperty("loads_in_mainline_comfyui", r.mainline());
        o.addProperty("method", r.method());
        JsonObject totals = new JsonObject();
        totals.addProperty("layers_quantized", r.count("quantized"));
        totals.addProperty("layers_kept", r.count("kept"));
        totals.addProperty("layers_dropped", r.count("dropped"));
        totals.addProperty("tensors_copied", r.copied());
        totals.addProperty("bytes_in", r.bytesIn());
        totals.addProperty("bytes_out", r.bytesOut());
        totals.add("ratio", Json.number(r.ratio()));
        totals.add("seconds", Json.number(r.seconds()));
        o.add("totals", totals);
        JsonArray layers = new JsonArray();
        for (QuantizeReport.Layer l : r.layers()) {
            layers.add(layer(l));
        }
        o.add("layers", layers);
        JsonArray w = new JsonArray();
        r.warnings().forEach(w::add);
        o.add("warnings", w);
        return o;
    }

    private static JsonObject layer(QuantizeReport.Layer l) {
        JsonObject o = new JsonObject();
        o.addProperty("layer_name", l.name());
        o.addProperty("action", l.action());
        o.add("format", Json.stringOrNull(l.format()));
        o.add("reason", Json.stringOrNull(l.reason()));
        JsonArray shape = new JsonArray();
        for (long d : l.shape()) {
            shape.add(d);
        }
        o.add("shape", shape);
        o.addProperty("input_dtype", l.dtype());
        o.addProperty("bytes_in", l.bytesIn());
        o.addProperty("bytes_out", l.bytesOut());
        LayerStats out = l.stats();
        if (out != null) {
            o.addProperty("granularity", out.granularity());
            o.add("round_to_nearest", metrics(out.rtn()));
            o.add("final", metrics(out.result()));
            LearnedRounding.Outcome lr = out.learned();
            if (lr != null) {
                JsonObject j = new JsonObject();
                j.addProperty("k", lr.k());
                j.add("objective_before", Json.number(lr.startObjective()));
                j.add("objective_learned", Json.number(lr.finalObjective()));
                j.add("objective_written", Json.number(out.writtenObjective()));
                j.addProperty("rounds", lr.rounds());
                j.addProperty("codes_changed", lr.changedCodes());
                j.addProperty("reverted_to_round_to_nearest", out.revertedToRtn());
                o.add("learned_rounding", j);
            }
            if (out.gptq() != null) {
                JsonObject g = new JsonObject();
                g.addProperty("dead_inputs", out.gptq().deadColumns());
                g.add("dampening", Json.number(out.gptq().dampening()));
                o.add("gptq", g);
            }
            if (!Double.isNaN(out.outputError())) {
                o.add("heldout_output_error_round_to_nearest", Json.number(out.outputErrorRtn()));
                o.add("heldout_output_error", Json.number(out.outputError()));
            }
            o.addProperty("bias_corrected", out.biasCorrected());
            o.add("seconds", Json.number(out.seconds()));
        } else {
            o.add("measured", l.measured() == null ? JsonNull.INSTANCE : metrics(l.measured()));
        }
        return o;
    }

    /** The metrics with compare's field names. */
    static JsonObject metrics(ErrorMetrics m) {
        JsonObject o = new JsonObject();
        o.add("relative_l2_error", Json.number(m.relativeL2()));
        o.add("snr_db", Json.number(m.snrDb()));
        o.add("mean_absolute_error", Json.number(m.meanAbsoluteError()));
        o.add("mean_squared_error", Json.number(m.meanSquaredError()));
        o.add("max_absolute_error", Json.number(m.maxAbsoluteError()));
        o.add("relative_error", Json.number(m.relativeError()));
        o.add("cosine_similarity", Json.number(m.cosine()));
        o.add("pearson_correlation", Json.number(m.pearson()));
        return o;
    }
}
