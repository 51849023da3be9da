package dev.qlens.cli.plot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Horizontal bars, one row per category (a layer, in model order from the top), one bar per series in
 * each row. The chart grows in height with the number of rows up to about 3,000 pixels; with many rows
 * only every n-th category name is written, and every bar keeps its full name and value as a tooltip.
 */
public final class BarChart implements Chart {
    /** One series: a value per category (NaN for none). */
    public record Series(String name, double[] values, String color) {
    }

    private final String title;
    private final String subtitle;
    private final String valueLabel;
    private final boolean log;
    private final List<String> categories;
    private final List<Series> series = new ArrayList<>();
    private final List<XYChart.Reference> references = new ArrayList<>();
    private String valueFormat = "%.2f";

    /** A chart over these categories, in this order. */
    public BarChart(String title, String subtitle, String valueLabel, boolean log, List<String> categories) {
        this.title = title;
        this.subtitle = subtitle;
        this.valueLabel = valueLabel;
        this.log = log;
        this.categories = List.copyOf(categories);
    }

    /** Adds a series in the next palette colour. */
    public BarChart add(String name, double[] values) {
        if (values.length != categories.size()) {
            throw new IllegalArgumentException("series " + name + " has " + values.length + " values for "
                    + categories.size() + " categories");
        }
        series.add(new Series(name, values, Palette.color(series.size())));
        return this;
    }

    /** Adds a vertical reference line at a value. */
    public BarChart reference(double value, String label) {
        references.add(new XYChart.Reference("x", value, label));
        return this;
    }

    /** The format of values in tooltips (a {@link String#format} pattern). */
    public BarChart valueFormat(String f) {
        valueFormat = f;
        return this;
    }

    @Override
    public String title() {
        return title;
    }

    /** Height of one category's row: roomy for a few layers, down to a fraction of a pixel for thousands (about 3,000 px in all). */
    private double rowHeight() {
        int n = categories.size();
        if (n > 300) {
            return Math.max(0.25, Math.min(9, 3000.0 / n));
        }
        double perBar = n <= 60 ? 7 : 4;
        return Math.max(n <= 60 ? 16 : 9, series.size() * perBar + 4);
    }

    @Override
    public int preferredHeight() {
        return (int) Math.ceil(130 + (subtitle == null ? 0 : 19) + categories.size() * rowHeight());
    }

    @Override
    public void draw(Canvas c, int w, int h) {
        double top = ChartParts.title(c, title, subtitle, w);
        int n = categories.size();
        double row = rowHeight();
        int labelEvery = row >= 9 ? 1 : (int) Math.ceil(11 / row);
        double labelW = 0;
        for (int i = 0; i < n; i += labelEvery) {
            labelW = Math.max(labelW, TextWidth.of(ChartParts.shorten(categories.get(i), 64), ChartParts.TICK_SIZE, false));
        }
        List<ChartParts.LegendEntry> legend = new ArrayList<>();
        for (Series s : series) {
            legend.add(new ChartParts.LegendEntry(s.name(), s.color(), null, false));
        }
        double legendW = series.size() > 1 ? ChartParts.legendWidth(legend) : 0;
        double left = ChartParts.PAD + labelW + 10;
        double right = w - ChartParts.PAD - (legendW > 0 ? legendW + 10 : 10);
        double bottom = h - ChartParts.PAD - 22 - 22;
        double plotTop = top;
        row = Math.max(0.5, (bottom - plotTop) / Math.max(1, n));
        Scale xs = valueScale().pixels(left, right);
        ChartParts.xAxis(c, xs, plotTop, bottom, valueLabel, (left + right) / 2);
        double base = log ? left : xs.map(Math.max(xs.min(), Math.min(0, xs.max())));
        c.beginGroup("categories", Map.of("count", Integer.toString(n)));
        for (int i = 0; i < n; i += labelEvery) {
            double y = plotTop + (i + 0.5) * row + ChartParts.TICK_SIZE * 0.35;
            c.text(left - 6, y, ChartParts.shorten(categories.get(i), 64), ChartParts.TICK_SIZE, Canvas.Anchor.END, false, 0, Palette.INK);
        }
        c.endGroup();
        double bar = (row - (row >= 6 ? 3 : 0.5)) / Math.max(1, series.size());
        for (int s = 0; s < series.size(); s++) {
            Series se = series.get(s);
            Map<String, String> data = new LinkedHashMap<>();
            data.put("series", se.name());
            data.put("kind", "bars");
            data.put("points", Integer.toString(n));
            c.beginGroup("series", data);
            for (int i = 0; i < n; i++) {
                double v = se.values()[i];
                double x = log ? (v > 0 ? xs.map(Math.max(v, xs.min())) : Double.NaN) : xs.map(v);
                if (Double.isNaN(x)) {
                    continue;
                }
                double y = plotTop + i * row + (row >= 6 ? 1.5 : 0.25) + s * bar;
                String tip = categories.get(i) + " · " + se.name() + ": " + String.format(java.util.Locale.ROOT, valueFormat, v);
                c.rect(Math.min(base, x), y, Math.max(0.5, Math.abs(x - base)), bar, se.color(), null, tip);
            }
            c.endGroup();
        }
        for (XYChart.Reference r : references) {
            c.beginGroup("reference", Map.of("label", r.label(), "value", Double.toString(r.value())));
            double x = xs.map(r.value());
            c.line(x, plotTop, x, bottom, Palette.INK, 1.2, "5 4");
            c.text(x + 4, plotTop - 4, r.label(), ChartParts.TICK_SIZE, Canvas.Anchor.START, false, 0, Palette.INK);
            c.endGroup();
        }
        c.line(left, plotTop, left, bottom, Palette.INK, 1, null);
        c.line(left, bottom, right, bottom, Palette.INK, 1, null);
        if (legendW > 0) {
            ChartParts.legend(c, legend, right + 18, plotTop);
        }
    }

    private Scale valueScale() {
        double lo = log ? Double.POSITIVE_INFINITY : 0;
        double hi = log ? Double.NEGATIVE_INFINITY : 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v) && (!log || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        for (XYChart.Reference r : references) {
            lo = Math.min(lo, r.value());
            hi = Math.max(hi, r.value());
        }
        return log ? Scale.log(lo, hi) : Scale.linear(lo, hi, true);
    }
}
