package dev.qlens.cli.jobs.plot;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.qlens.cli.plot.Figure;
import dev.qlens.cli.plot.XYChart;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Pictures of a {@code qlens svd} result: the singular-value spectrum and the energy captured by the top k. */
public final class SvdFigures {
    private SvdFigures() {
    }

    /** The spectrum (log scale) and the cumulative energy curve with the 99% line. */
    public static List<Figure> of(JsonObject r) {
        JsonArray sv = r.getAsJsonArray("singular_values");
        int k = sv.size();
        double fro = ReportFile.num(r, "frobenius_norm");
        double[] idx = new double[k];
        double[] s = new double[k];
        double[] energy = new double[k];
        double acc = 0;
        for (int i = 0; i < k; i++) {
            idx[i] = i + 1;
            s[i] = sv.get(i).getAsDouble();
            acc += s[i] * s[i];
            energy[i] = fro > 0 ? acc / (fro * fro) : Double.NaN;
        }
        String tensor = ReportFile.str(r, "tensor", "?");
        String sub = tensor + " · " + shape(r) + " · " + ReportFile.str(r, "method", "?")
                + (Boolean.TRUE.equals(bool(r, "spectrum_complete")) ? " · full spectrum" : " · top " + k);
        XYChart spectrum = new XYChart("Singular values", sub, "index i", "σᵢ (log)", false, true)
                .line("σᵢ", idx, s);
        XYChart cum = new XYChart("Energy captured by the top k singular values", sub, "k",
                "Σ σᵢ² / ‖W‖²_F (i ≤ k)", false, false).line("energy", idx, energy).yRange(0, 1)
                .reference(new XYChart.Reference("y", 0.99, "99%"));
        return List.of(
                new Figure("spectrum", "The singular values of " + tensor + " in decreasing order; a few large values "
                        + "far above the rest mark outlier-heavy weights.", spectrum),
                new Figure("energy", String.format(Locale.ROOT, "Share of the squared Frobenius norm captured by the "
                        + "top k singular values: %.4f at k = %d.", k == 0 ? Double.NaN : energy[k - 1], k), cum));
    }

    /** Key facts for the HTML report. */
    public static Map<String, String> facts(JsonObject r) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("checkpoint", ReportFile.str(r, "checkpoint", "?"));
        f.put("tensor", ReportFile.str(r, "tensor", "?") + " " + shape(r));
        f.put("method", ReportFile.str(r, "method", "?") + ", tol " + ReportFile.str(r, "tol", "?"));
        f.put("energy at k", String.format(Locale.ROOT, "%.6f", ReportFile.num(r, "energy_at_k")));
        f.put("entropy effective rank", String.format(Locale.ROOT, "%.2f", ReportFile.num(r, "effective_rank_entropy")));
        f.put("99%-energy rank", ReportFile.str(r, "energy_rank_99", "beyond k"));
        return f;
    }

    private static String shape(JsonObject r) {
        return ReportFile.str(r, "rows", "?") + " × " + ReportFile.str(r, "cols", "?");
    }

    private static Boolean bool(JsonObject r, String f) {
        return r.has(f) && r.get(f).isJsonPrimitive() ? r.get(f).getAsBoolean() : null;
    }
}
