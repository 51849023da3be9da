package dev.qlens.cli.jobs.plot;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.qlens.cli.plot.BarChart;
import dev.qlens.cli.plot.Figure;
import dev.qlens.cli.plot.XYChart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pictures of a {@code qlens eval} report: how closely each scheme's sentence embeddings follow
 * float32's, and the activation SNR of every linear layer in forward order, accumulated through the
 * model and the layer's own.
 */
public final class EvalFigures {
    private EvalFigures() {
    }

    /** The figures (embedding agreement; per-layer SNR when the report has layers). */
    public static List<Figure> of(JsonObject r) {
        List<JsonObject> schemes = new ArrayList<>();
        for (JsonElement e : r.getAsJsonArray("schemes")) {
            JsonObject s = e.getAsJsonObject();
            if (s.getAsJsonArray("layers").size() > 0 || !"fp32".equals(ReportFile.str(s, "scheme", ""))) {
                schemes.add(s);
            }
        }
        List<Figure> out = new ArrayList<>();
        if (schemes.isEmpty()) {
            return out;
        }
        JsonObject model = r.getAsJsonObject("model");
        JsonObject texts = r.getAsJsonObject("texts");
        String sub = ReportFile.str(model, "name", "?") + " · " + ReportFile.str(texts, "evaluation_texts", "?") + " texts, "
                + ReportFile.str(texts, "tokens", "?") + " tokens";
        List<String> names = new ArrayList<>();
        double[] mean = new double[schemes.size()];
        double[] p1 = new double[schemes.size()];
        double[] overlap = new double[schemes.size()];
        for (int i = 0; i < schemes.size(); i++) {
            JsonObject s = schemes.get(i);
            JsonObject emb = s.getAsJsonObject("embedding");
            names.add(ReportFile.str(s, "scheme", "?"));
            mean[i] = 1 - ReportFile.num(emb, "cosine_mean");
            p1[i] = 1 - ReportFile.num(emb, "cosine_p1");
            overlap[i] = ReportFile.num(emb, "neighbour_overlap");
        }
        out.add(new Figure("embedding-agreement", "Distance of each scheme's sentence embeddings from float32's: "
                + "1 − cosine on average and for the worst 1% of texts (log axis; exact schemes have no bar).",
                new BarChart("Embeddings against float32", sub, "1 − cosine similarity (log; lower is better)", true, names)
                        .add("mean", mean).add("worst 1% (1 − p1 cosine)", p1).valueFormat("%.3g")));
        String k = ReportFile.str(schemes.get(0).getAsJsonObject("embedding"), "k", "10");
        out.add(new Figure("neighbour-overlap", "Share of each text's " + k + " nearest neighbours (by float32 "
                + "embeddings) that the scheme's embeddings find as well.",
                new BarChart("Nearest-neighbour overlap@" + k, sub, "overlap with float32's neighbours", false, names)
                        .add("overlap@" + k, overlap).reference(1, "identical").valueFormat("%.4f")));
        for (String kind : List.of("accumulated", "own")) {
            XYChart c = layerChart(schemes, kind, sub);
            if (c != null) {
                out.add(new Figure("layer-snr-" + kind, kind.equals("accumulated")
                        ? "SNR of every linear layer's output against float32's, with the error of every earlier layer"
                        + " included (what the model sees), in forward order."
                        : "SNR of every linear layer's output when only that layer is quantized (fed float32 inputs).", c));
            }
        }
        return out;
    }

    private static XYChart layerChart(List<JsonObject> schemes, String kind, String sub) {
        XYChart c = null;
        for (JsonObject s : schemes) {
            JsonArray layers = s.getAsJsonArray("layers");
            if (layers.size() == 0) {
                continue;
            }
            double[] x = new double[layers.size()];
            double[] y = new double[layers.size()];
            for (int i = 0; i < layers.size(); i++) {
                x[i] = i;
                double v = ReportFile.num(layers.get(i).getAsJsonObject().getAsJsonObject(kind), "snr_db");
                y[i] = Double.isFinite(v) ? v : Double.NaN;
            }
            if (c == null) {
                String first = ReportFile.str(layers.get(0).getAsJsonObject(), "layer", "?");
                c = new XYChart(kind.equals("accumulated") ? "Activation SNR through the model" : "Activation SNR of each layer alone",
                        sub, "linear layer, forward order (0 = " + first + ")", "output SNR (dB)", false, false);
            }
            c.line(ReportFile.str(s, "scheme", "?"), x, y);
        }
        return c;
    }

    /** Key facts for the HTML report. */
    public static Map<String, String> facts(JsonObject r) {
        Map<String, String> f = new LinkedHashMap<>();
        JsonObject model = r.getAsJsonObject("model");
        JsonObject texts = r.getAsJsonObject("texts");
        f.put("model", ReportFile.str(model, "name", "?") + " (" + ReportFile.str(model, "layers", "?") + " layers, hidden "
                + ReportFile.str(model, "hidden", "?") + ")");
        f.put("texts", ReportFile.str(texts, "evaluation_texts", "?") + " (" + ReportFile.str(texts, "source", "?") + ")");
        f.put("schemes", Integer.toString(r.getAsJsonArray("schemes").size()));
        f.put("seconds", String.format(Locale.ROOT, "%.1f", ReportFile.num(r, "seconds")));
        return f;
    }
}
