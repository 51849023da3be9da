package dev.qlens.cli.jobs.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.qlens.cli.util.Json;

/** The {@code qlens eval} report as JSON (snake_case names, non-finite numbers as strings). */
public final class EvalJson {
    private EvalJson() {
    }

    /** The whole report. */
    public static JsonObject of(EvalReport r) {
        JsonObject root = new JsonObject();
        EvalReport.ModelInfo m = r.model();
        JsonObject model = new JsonObject();
        model.addProperty("name", m.name());
        model.addProperty("file", m.file());
        model.addProperty("layers", m.layers());
        model.addProperty("hidden", m.hidden());
        model.addProperty("heads", m.heads());
        model.addProperty("pooling", m.pooling());
        model.addProperty("max_tokens", m.maxTokens());
        model.addProperty("tokenizer_declared_max_length", m.tokenizerDeclaredMax());
        model.addProperty("linear_parameters", m.linearParameters());
        root.add("model", model);
        EvalReport.TextInfo t = r.texts();
        JsonObject texts = new JsonObject();
        texts.addProperty("source", t.source());
        texts.addProperty("evaluation_texts", t.evaluation());
        texts.addProperty("tokens", t.tokens());
        texts.addProperty("truncated_texts", t.truncated());
        texts.add("calibration_source", Json.stringOrNull(t.calibrationSource()));
        texts.addProperty("calibration_texts", t.calibration());
        texts.addProperty("calibration_tokens", t.calibrationTokens());
        root.add("texts", texts);
        JsonArray schemes = new JsonArray();
        for (EvalReport.SchemeResult s : r.schemes()) {
            schemes.add(scheme(s));
        }
        root.add("schemes", schemes);
        JsonArray inputs = new JsonArray();
        for (EvalReport.LayerInput in : r.inputs()) {
            JsonObject o = new JsonObject();
            o.addProperty("layer", in.layer());
            o.add("min", Json.number(in.min()));
            o.add("max", Json.number(in.max()));
            o.add("rms", Json.number(in.rms()));
            inputs.add(o);
        }
        root.add("layer_inputs", inputs);
        root.add("seconds", Json.number(r.seconds()));
        return root;
    }

    private static JsonObject scheme(EvalReport.SchemeResult s) {
        JsonObject o = new JsonObject();
        o.addProperty("scheme", s.name());
        o.addProperty("description", s.description());
        EvalReport.Embedding e = s.embedding();
        JsonObject emb = new JsonObject();
        emb.add("cosine_mean", Json.number(e.cosineMean()));
        emb.add("cosine_min", Json.number(e.cosineMin()));
        emb.add("cosine_p1", Json.number(e.cosineP1()));
        emb.add("cosine_p5", Json.number(e.cosineP5()));
        emb.add("neighbour_overlap", Json.number(e.neighbourOverlap()));
        emb.addProperty("k", e.k());
        o.add("embedding", emb);
        o.add("tokens_per_second", Json.number(s.tokensPerSecond()));
        o.add("forward_seconds", Json.number(s.forwardSeconds()));
        JsonArray layers = new JsonArray();
        for (EvalReport.LayerResult l : s.layers()) {
            JsonObject lo = new JsonObject();
            lo.addProperty("layer", l.layer());
            lo.add("accumulated", error(l.accumulated()));
            lo.add("own", error(l.own()));
            lo.add("clipped_fraction", Json.numberOrNull(l.clippedFraction(), !Double.isNaN(l.clippedFraction())));
            layers.add(lo);
        }
        o.add("layers", layers);
        JsonArray notes = new JsonArray();
        s.notes().forEach(notes::add);
        o.add("notes", notes);
        return o;
    }

    private static JsonObject error(EvalReport.Error e) {
        JsonObject o = new JsonObject();
        o.add("mse", Json.number(e.mse()));
        o.add("snr_db", Json.number(e.snrDb()));
        o.add("cosine", Json.number(e.cosine()));
        return o;
    }
}
