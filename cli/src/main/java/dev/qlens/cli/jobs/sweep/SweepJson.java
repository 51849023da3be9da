package dev.qlens.cli.jobs.sweep;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.qlens.cli.VersionProvider;
import dev.qlens.cli.util.Json;

/** The JSON form of a sweep ({@code results.json} and {@code --format json}). */
public final class SweepJson {
    private SweepJson() {
    }

    /** The whole report. */
    public static JsonObject of(SweepReport r) {
        JsonObject o = new JsonObject();
        JsonObject q = new JsonObject();
        q.addProperty("version", VersionProvider.version());
        q.addProperty("kernels", r.kernels());
        o.add("qlens", q);
        o.addProperty("checkpoint", r.checkpoint());
        o.addProperty("storage", r.storage());
        JsonArray formats = new JsonArray();
        r.formats().forEach(formats::add);
        o.add("formats", formats);
        o.add("compression", r.config().used(r.tileFormats().isEmpty() ? r.config().formats() : r.tileFormats()));
        o.addProperty("criterion", r.criterion());
        JsonArray tensors = new JsonArray();
        for (TensorSweepResult t : r.tensors()) {
            JsonObject to = new JsonObject();
            to.addProperty("name", t.name());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) {
                shape.add(d);
            }
            to.add("shape", shape);
            to.addProperty("dtype", t.dtype());
            to.addProperty("stored_bytes", t.storedBytes());
            JsonArray rows = new JsonArray();
            t.rows().forEach(x -> rows.add(row(x)));
            to.add("results", rows);
            to.add("recommended", t.recommended() == null ? JsonNull.INSTANCE : Json.stringOrNull(t.recommended().format()));
            to.addProperty("recommended_bytes", t.recommendedBytes());
            to.add("note", Json.stringOrNull(t.note()));
            tensors.add(to);
        }
        o.add("tensors", tensors);
        JsonArray summary = new JsonArray();
        for (SweepReport.Summary s : r.summary()) {
            JsonObject so = new JsonObject();
            so.addProperty("compression", s.compression());
            so.addProperty("format", s.format());
            so.addProperty("tensors", s.tensors());
            so.add("pcc", Json.number(s.pcc()));
            so.add("mae", Json.number(s.mae()));
            so.add("atol", Json.number(s.atol()));
            so.add("snr_db", Json.number(s.snrDb()));
            so.add("bytes", Json.number(s.bytes()));
            summary.add(so);
        }
        o.add("summary", summary);
        JsonObject totals = new JsonObject();
        totals.addProperty("tensors", r.tensors().size());
        totals.addProperty("stored_bytes", r.storedBytes());
        totals.addProperty("recommended_bytes", r.recommendedBytes());
        totals.addProperty("tensors_with_recommendation", r.recommendedTensors());
        o.add("totals", totals);
        return o;
    }

    static JsonObject row(SweepRow x) {
        JsonObject o = new JsonObject();
        o.addProperty("compression", x.compression());
        o.addProperty("format", x.format());
        o.add("pcc", num(x.metrics().pcc()));
        o.add("mae", num(x.metrics().mae()));
        o.add("atol", num(x.metrics().atol()));
        o.add("snr_db", num(x.metrics().snrDb()));
        o.add("mse", num(x.metrics().mse()));
        o.addProperty("non_finite_pairs", x.metrics().nonFinite());
        o.add("bits_per_element", Json.number(x.bitsPerElement()));
        o.addProperty("bytes", x.bytes());
        if (x.tiles() != null) {
            JsonObject tiles = new JsonObject();
            for (TileFormat f : TileFormat.values()) {
                tiles.addProperty(f.cliName(), x.tiles()[f.ordinal()]);
            }
            tiles.addProperty("unquantized", x.tiles()[TileFormat.values().length]);
            o.add("tiles", tiles);
            o.addProperty("meets_threshold", x.meetsCriterion());
        }
        o.addProperty("cached", x.cached());
        return o;
    }

    private static JsonElement num(double v) {
        return Double.isNaN(v) ? JsonNull.INSTANCE : Json.number(v);
    }
}
