package dev.qlens.cli.jobs.plot;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.qlens.cli.jobs.sweep.AssignmentFiles;
import dev.qlens.cli.plot.Figure;
import dev.qlens.cli.plot.HeatMap;
import dev.qlens.cli.plot.Palette;
import dev.qlens.cli.plot.XYChart;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pictures of a {@code qlens sweep} result: for the whole selection and for every tensor, bits per
 * element against the quality the recommendation uses (1 − PCC on a log axis, or SNR), with the
 * criterion as a line and the recommended format marked; and every mixed-tile assignment as a map of
 * tiles coloured by format.
 */
public final class SweepFigures {
    /** Where an assignment map comes from: by tensor name, null when the tensor has none. */
    public interface Maps {
        AssignmentFiles.Map of(String tensor) throws IOException;
    }

    private static final double EXACT = 1e-12;

    private SweepFigures() {
    }

    /** The figures for tensors whose names contain one of {@code filters} (all when empty). */
    public static List<Figure> of(JsonObject r, List<String> filters, Maps maps) throws IOException {
        Criterion crit = Criterion.parse(ReportFile.str(r, "criterion", "pcc >= 0.999"));
        List<Figure> out = new ArrayList<>();
        out.add(summary(r, crit));
        for (JsonElement e : r.getAsJsonArray("tensors")) {
            JsonObject t = e.getAsJsonObject();
            String name = ReportFile.str(t, "name", "?");
            if (!matches(name, filters)) {
                continue;
            }
            out.add(tensor(t, name, crit));
            AssignmentFiles.Map m = maps == null ? null : maps.of(name);
            if (m != null) {
                out.add(tiles(t, name, m, r));
            }
        }
        return out;
    }

    /** Key facts for the HTML report. */
    public static Map<String, String> facts(JsonObject r) {
        Map<String, String> f = new LinkedHashMap<>();
        JsonObject totals = r.getAsJsonObject("totals");
        f.put("checkpoint", ReportFile.str(r, "checkpoint", "?"));
        f.put("tensors", ReportFile.str(totals, "tensors", "?"));
        f.put("criterion", ReportFile.str(r, "criterion", "?"));
        f.put("stored bytes", ReportFile.str(totals, "stored_bytes", "?"));
        f.put("bytes under the recommendation", ReportFile.str(totals, "recommended_bytes", "?"));
        return f;
    }

    private static Figure summary(JsonObject r, Criterion crit) {
        long elements = 0;
        for (JsonElement e : r.getAsJsonArray("tensors")) {
            long n = 1;
            for (JsonElement d : e.getAsJsonObject().getAsJsonArray("shape")) {
                n *= d.getAsLong();
            }
            elements += n;
        }
        List<JsonObject> rows = new ArrayList<>();
        for (JsonElement e : r.getAsJsonArray("summary")) {
            JsonObject s = e.getAsJsonObject().deepCopy();
            // The summary's bytes are the mean over its tensors; the total over the selection gives bits per element.
            double total = ReportFile.num(s, "bytes") * ReportFile.num(s, "tensors");
            s.addProperty("bits_per_element", elements == 0 ? Double.NaN : 8.0 * total / elements);
            rows.add(s);
        }
        XYChart c = chart("All selected tensors: size against quality", elements + " elements in "
                + r.getAsJsonArray("tensors").size() + " tensors · mean quality per format", crit);
        addRows(c, rows, crit, null);
        return new Figure("summary", "Every format over the whole selection: bits per element (scales and padding "
                + "included) against the mean quality of its tensors; the dashed line is the criterion.", c);
    }

    private static Figure tensor(JsonObject t, String name, Criterion crit) {
        List<JsonObject> rows = new ArrayList<>();
        t.getAsJsonArray("results").forEach(e -> rows.add(e.getAsJsonObject()));
        String rec = ReportFile.str(t, "recommended", null);
        XYChart c = chart(name, shapeText(t) + " · " + ReportFile.str(t, "dtype", "?")
                + (rec == null ? " · no format meets " + crit.text : " · recommended: " + rec), crit);
        addRows(c, rows, crit, rec);
        return new Figure(name, "Bits per element against quality for every format on " + name
                + (rec == null ? "." : "; the recommended format (" + rec + ") is the cheapest meeting " + crit.text + "."), c);
    }

    private static Figure tiles(JsonObject t, String name, AssignmentFiles.Map m, JsonObject r) {
        int[][] grid = new int[(int) m.tilesHigh()][(int) m.tilesWide()];
        for (int i = 0; i < grid.length; i++) {
            for (int j = 0; j < grid[i].length; j++) {
                grid[i][j] = m.codes()[(int) (i * m.tilesWide() + j)];
            }
        }
        String algorithm = ReportFile.str(r.getAsJsonObject("compression"), "algorithm", "mixed-tile");
        return new Figure(name + "-tiles", "The format each 32 × 32 tile of " + name + " got from " + algorithm + ".",
                new HeatMap("Tile formats: " + name, algorithm + " · " + shapeText(t) + " · 32 × 32 tiles", grid,
                        m.intToFormat(), "tile column", "tile row"));
    }

    private static XYChart chart(String title, String subtitle, Criterion crit) {
        XYChart c = new XYChart(title, subtitle, "bits per element", crit.axisLabel(), false, crit.pcc);
        c.reference(new XYChart.Reference("y", crit.y(crit.threshold), crit.text));
        return c;
    }

    /** Adds storage formats, reference curves, transposed and mixed rows as separate point series. */
    private static void addRows(XYChart c, List<JsonObject> rows, Criterion crit, String recommended) {
        String[] groups = {"storage formats", "reference curves", "transposed", "mixed tiles"};
        for (int g = 0; g < groups.length; g++) {
            List<JsonObject> sel = new ArrayList<>();
            for (JsonObject row : rows) {
                if (group(row) == g) {
                    sel.add(row);
                }
            }
            if (!sel.isEmpty()) {
                c.add(points(groups[g], sel, crit, Palette.color(g == 0 ? 0 : g + 1), true));
            }
        }
        if (recommended != null) {
            for (JsonObject row : rows) {
                if (group(row) == 0 && recommended.equals(ReportFile.str(row, "format", ""))) {
                    c.add(points("recommended", List.of(row), crit, Palette.color(1), false));
                    break;
                }
            }
        }
    }

    private static int group(JsonObject row) {
        String comp = ReportFile.str(row, "compression", "none");
        String fmt = ReportFile.str(row, "format", "");
        if (fmt.equals("MIXED")) {
            return 3;
        }
        if (comp.equals("transpose")) {
            return 2;
        }
        return fmt.equals("fp0") || fmt.endsWith("_ideal") ? 1 : 0;
    }

    private static XYChart.Series points(String name, List<JsonObject> rows, Criterion crit, String color, boolean labels) {
        int n = rows.size();
        double[] x = new double[n];
        double[] y = new double[n];
        String[] lab = new String[n];
        String[] tips = new String[n];
        for (int i = 0; i < n; i++) {
            JsonObject row = rows.get(i);
            String fmt = ReportFile.str(row, "format", "?");
            if (fmt.equals("MIXED")) {
                fmt = ReportFile.str(row, "compression", "mixed");
            }
            x[i] = ReportFile.num(row, "bits_per_element");
            double q = crit.pcc ? ReportFile.num(row, "pcc") : ReportFile.num(row, "snr_db");
            y[i] = crit.y(q);
            lab[i] = labels ? fmt : null;
            tips[i] = String.format(Locale.ROOT, "%s: %.4g bits/element, pcc %.6f, SNR %.2f dB", fmt, x[i],
                    ReportFile.num(row, "pcc"), ReportFile.num(row, "snr_db"));
        }
        return new XYChart.Series(name, x, y, XYChart.Kind.POINTS, color, null, lab, tips);
    }

    private static String shapeText(JsonObject t) {
        List<String> dims = new ArrayList<>();
        t.getAsJsonArray("shape").forEach(d -> dims.add(d.getAsString()));
        return String.join(" × ", dims);
    }

    private static boolean matches(String name, List<String> filters) {
        if (filters == null || filters.isEmpty()) {
            return true;
        }
        String n = name.toLowerCase(Locale.ROOT);
        for (String f : filters) {
            if (n.contains(f.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** The recommendation's criterion as the report states it: "pcc >= X" or "SNR >= X dB". */
    private record Criterion(boolean pcc, double threshold, String text) {
        static Criterion parse(String s) {
            String[] parts = s.trim().split("\\s+");
            double v = parts.length >= 3 ? Double.parseDouble(parts[2]) : 0.999;
            return new Criterion(!s.trim().toLowerCase(Locale.ROOT).startsWith("snr"), v, s.trim());
        }

        /** The plotted y of a quality value: 1 − PCC (floored for exact results) or SNR itself. */
        double y(double q) {
            if (!pcc) {
                return Double.isFinite(q) ? q : Double.NaN;
            }
            return Math.max(EXACT, 1 - q);
        }

        String axisLabel() {
            return pcc ? "1 − PCC (log; lower is better)" : "SNR (dB; higher is better)";
        }
    }
}
