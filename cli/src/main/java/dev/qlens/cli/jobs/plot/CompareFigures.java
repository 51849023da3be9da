package dev.qlens.cli.jobs.plot;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.qlens.cli.plot.BarChart;
import dev.qlens.cli.plot.Figure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pictures of a {@code qlens compare} report: SNR of every layer in the report's order, the
 * relative-error percentiles of every layer, and the worst layers by SNR.
 */
public final class CompareFigures {
    private CompareFigures() {
    }

    /** The figures; {@code worst} is how many layers the worst-layers chart shows. */
    public static List<Figure> of(JsonObject report, int worst) {
        List<JsonObject> layers = new ArrayList<>();
        for (JsonElement e : report.getAsJsonArray("layers")) {
            layers.add(e.getAsJsonObject());
        }
        List<Figure> out = new ArrayList<>();
        if (layers.isEmpty()) {
            return out;
        }
        String pair = pairName(report);
        List<String> names = new ArrayList<>();
        double[] snr = new double[layers.size()];
        double[][] pct = new double[3][layers.size()];
        String[] keys = {"p50", "p90", "p99"};
        for (int i = 0; i < layers.size(); i++) {
            JsonObject l = layers.get(i);
            names.add(ReportFile.str(l, "layer_name", "?"));
            snr[i] = finiteOrNaN(ReportFile.num(l, "snr_db"));
            JsonObject p = l.has("relative_error_percentiles") && l.get("relative_error_percentiles").isJsonObject()
                    ? l.getAsJsonObject("relative_error_percentiles") : null;
            for (int k = 0; k < keys.length; k++) {
                pct[k][i] = ReportFile.num(p, keys[k]);
            }
        }
        double overall = ReportFile.num(report.getAsJsonObject("aggregate"), "overall_snr_db");
        String sub = pair + String.format(Locale.ROOT, " · overall SNR %.2f dB", overall);
        out.add(new Figure("snr-per-layer", "Signal-to-noise ratio of every compared layer, in the report's order "
                + "(higher is better; exact layers have no bar).",
                new BarChart("SNR per layer", sub, "SNR (dB)", false, names).add("SNR", snr).valueFormat("%.2f dB")));
        BarChart rel = new BarChart("Relative error per layer", pair, "relative error |q − x| / |x| (log)", true, names)
                .valueFormat("%.3g");
        rel.add("median", pct[0]).add("90th percentile", pct[1]).add("99th percentile", pct[2]);
        out.add(new Figure("relative-error", "Percentiles of the element-wise relative error of every layer.", rel));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (!Double.isNaN(snr[i])) {
                order.add(i);
            }
        }
        order.sort(Comparator.comparingDouble((Integer i) -> snr[i]).thenComparing(i -> i));
        int n = Math.min(worst, order.size());
        if (n > 0) {
            List<String> wn = new ArrayList<>();
            double[] ws = new double[n];
            for (int j = 0; j < n; j++) {
                wn.add(names.get(order.get(j)));
                ws[j] = snr[order.get(j)];
            }
            out.add(new Figure("worst-layers", "The " + n + " layers with the lowest SNR, worst first.",
                    new BarChart("The " + n + " worst layers by SNR", pair, "SNR (dB)", false, wn).add("SNR", ws)
                            .valueFormat("%.2f dB")));
        }
        return out;
    }

    /** Key facts for the HTML report. */
    public static Map<String, String> facts(JsonObject report) {
        Map<String, String> f = new LinkedHashMap<>();
        JsonObject a = report.getAsJsonObject("aggregate");
        f.put("original", ReportFile.str(report.getAsJsonObject("original"), "path", "?"));
        f.put("quantized", ReportFile.str(report.getAsJsonObject("quantized"), "path", "?"));
        f.put("layers compared", ReportFile.str(a, "total_layers", "?"));
        f.put("overall SNR (dB)", String.format(Locale.ROOT, "%.3f", ReportFile.num(a, "overall_snr_db")));
        f.put("mean cosine similarity", String.format(Locale.ROOT, "%.6f", ReportFile.num(a, "mean_cosine_similarity")));
        f.put("max absolute error", String.format(Locale.ROOT, "%.4g", ReportFile.num(a, "max_absolute_error")));
        return f;
    }

    private static String pairName(JsonObject report) {
        return fileName(ReportFile.str(report.getAsJsonObject("original"), "path", "original")) + " vs "
                + fileName(ReportFile.str(report.getAsJsonObject("quantized"), "path", "quantized"));
    }

    static String fileName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }

    private static double finiteOrNaN(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }
}
