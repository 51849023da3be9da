package dev.qlens.cli.jobs.plot;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.qlens.cli.plot.BarChart;
import dev.qlens.cli.plot.Figure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pictures of a {@code qlens quantize} report: each quantized layer's weight SNR with round-to-nearest
 * and as written (scale search, learned rounding or GPTQ), and, with calibration data, each layer's
 * held-out output error before and after.
 */
public final class QuantizeFigures {
    private QuantizeFigures() {
    }

    /** The figures (none when no layer was quantized). */
    public static List<Figure> of(JsonObject r) {
        List<String> names = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        boolean heldOut = false;
        boolean differs = false;
        for (JsonElement e : r.getAsJsonArray("layers")) {
            JsonObject l = e.getAsJsonObject();
            if (!"quantized".equals(ReportFile.str(l, "action", ""))) {
                continue;
            }
            JsonObject rtn = l.has("round_to_nearest") && l.get("round_to_nearest").isJsonObject()
                    ? l.getAsJsonObject("round_to_nearest") : null;
            JsonObject fin = l.has("final") && l.get("final").isJsonObject() ? l.getAsJsonObject("final") : null;
            double[] v = {
                ReportFile.num(rtn, "snr_db"), ReportFile.num(fin, "snr_db"),
                ReportFile.num(l, "heldout_output_error_round_to_nearest"), ReportFile.num(l, "heldout_output_error")};
            heldOut |= !Double.isNaN(v[3]);
            differs |= Double.compare(v[0], v[1]) != 0;
            names.add(ReportFile.str(l, "layer_name", "?"));
            rows.add(v);
        }
        List<Figure> out = new ArrayList<>();
        if (names.isEmpty()) {
            return out;
        }
        String method = ReportFile.str(r, "method", "?");
        String sub = ReportFile.str(r, "format", "?") + " · " + method + " · " + names.size() + " layers";
        BarChart snr = new BarChart("Weight SNR per quantized layer", sub, "SNR (dB)", false, names).valueFormat("%.2f dB");
        snr.add("round-to-nearest", column(rows, 0));
        if (differs) {
            snr.add("as written (" + method + ")", column(rows, 1));
        }
        out.add(new Figure("weight-snr", "Signal-to-noise ratio of each quantized weight against the original"
                + (differs ? ", with round-to-nearest and as written." : " (round-to-nearest)."), snr));
        if (heldOut) {
            BarChart err = new BarChart("Held-out output error per layer", sub,
                    "output error ‖(W − Q)X‖² / ‖WX‖² (log)", true, names).valueFormat("%.4g");
            err.add("round-to-nearest", column(rows, 2)).add("as written (" + method + ")", column(rows, 3));
            out.add(new Figure("heldout-output-error", "Each layer's output error on the held-out calibration "
                    + "inputs (lower is better).", err));
        }
        return out;
    }

    /** Key facts for the HTML report. */
    public static Map<String, String> facts(JsonObject r) {
        Map<String, String> f = new LinkedHashMap<>();
        JsonObject t = r.getAsJsonObject("totals");
        f.put("input", ReportFile.str(r, "input", "?"));
        f.put("format", ReportFile.str(r, "format", "?"));
        f.put("method", ReportFile.str(r, "method", "?"));
        f.put("layers quantized / kept / dropped", ReportFile.str(t, "layers_quantized", "?") + " / "
                + ReportFile.str(t, "layers_kept", "?") + " / " + ReportFile.str(t, "layers_dropped", "?"));
        f.put("bytes in → out", ReportFile.str(t, "bytes_in", "?") + " → " + ReportFile.str(t, "bytes_out", "?")
                + String.format(Locale.ROOT, " (%.1f%%)", 100 * ReportFile.num(t, "ratio")));
        return f;
    }

    private static double[] column(List<double[]> rows, int c) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(i)[c];
        }
        return out;
    }
}
