package dev.qlens.cli.plot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lines and points over two numeric axes (linear or logarithmic), with a legend on the right,
 * optional reference lines and labelled points. Every series is an SVG group of class
 * {@code series} with {@code data-series} naming it.
 */
public final class XYChart implements Chart {
    /** How a series is drawn. */
    public enum Kind {
        LINE, POINTS
    }

    /**
     * One series.
     *
     * @param name legend label
     * @param x x values
     * @param y y values (NaN leaves a gap)
     * @param kind line or points
     * @param color colour
     * @param dash dash pattern or null
     * @param labels per-point labels (points only) or null
     * @param tooltips per-point tooltips (points only) or null
     */
    public record Series(String name, double[] x, double[] y, Kind kind, String color, String dash, String[] labels,
                         String[] tooltips) {
    }

    /** A horizontal (axis "y") or vertical (axis "x") reference line at {@code value}. */
    public record Reference(String axis, double value, String label) {
    }

    private final String title;
    private final String subtitle;
    private final String xLabel;
    private final String yLabel;
    private final boolean xLog;
    private final boolean yLog;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();
    private double[] xRange;
    private double[] yRange;
    private int width = 960;
    private int height = 600;

    /** A chart with these titles and axis kinds. */
    public XYChart(String title, String subtitle, String xLabel, String yLabel, boolean xLog, boolean yLog) {
        this.title = title;
        this.subtitle = subtitle;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.xLog = xLog;
        this.yLog = yLog;
    }

    /** Adds a line in the next palette colour. */
    public XYChart line(String name, double[] x, double[] y) {
        int i = series.size();
        series.add(new Series(name, x, y, Kind.LINE, Palette.color(i), Palette.dash(i), null, null));
        return this;
    }

    /** Adds a series. */
    public XYChart add(Series s) {
        series.add(s);
        return this;
    }

    /** Adds a reference line. */
    public XYChart reference(Reference r) {
        references.add(r);
        return this;
    }

    /** Fixes the x range instead of fitting the data. */
    public XYChart xRange(double lo, double hi) {
        xRange = new double[] {lo, hi};
        return this;
    }

    /** Fixes the y range instead of fitting the data. */
    public XYChart yRange(double lo, double hi) {
        yRange = new double[] {lo, hi};
        return this;
    }

    /** Sets the preferred size. */
    public XYChart size(int w, int h) {
        width = w;
        height = h;
        return this;
    }

    /** The series, in drawing order. */
    public List<Series> series() {
        return series;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public int preferredWidth() {
        return width;
    }

    @Override
    public int preferredHeight() {
        return height;
    }

    @Override
    public void draw(Canvas c, int w, int h) {
        double top = ChartParts.title(c, title, subtitle, w);
        Scale xs = scale(true);
        Scale ys = scale(false);
        List<ChartParts.LegendEntry> legend = new ArrayList<>();
        for (Series s : series) {
            legend.add(new ChartParts.LegendEntry(s.name(), s.color(), s.dash(), s.kind() == Kind.POINTS));
        }
        double legendW = ChartParts.legendWidth(legend);
        double left = ChartParts.PAD + (yLabel == null ? 0 : 22) + ChartParts.tickLabelWidth(ys) + 10;
        double right = w - ChartParts.PAD - (legendW > 0 ? legendW + 10 : 10);
        double bottom = h - ChartParts.PAD - 22 - (xLabel == null ? 0 : 22);
        xs.pixels(left, right);
        ys.pixels(bottom, top);
        ChartParts.yAxis(c, ys, left, right, yLabel, ChartParts.PAD + 10, (top + bottom) / 2);
        ChartParts.xAxis(c, xs, top, bottom, xLabel, (left + right) / 2);
        c.line(left, bottom, right, bottom, Palette.INK, 1, null);
        c.line(left, top, left, bottom, Palette.INK, 1, null);
        c.beginClip(left, top - 6, right - left + 6, bottom - top + 6);
        for (Reference r : references) {
            drawReference(c, r, xs, ys, left, right, top, bottom);
        }
        PointLabels labels = new PointLabels(left + 2, w - ChartParts.PAD, top - 4, bottom - 2);
        for (Series s : series) {
            drawSeries(c, s, xs, ys, labels);
        }
        c.endClip();
        labels.draw(c);
        ChartParts.legend(c, legend, right + 18, top);
    }

    private void drawSeries(Canvas c, Series s, Scale xs, Scale ys, PointLabels labels) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("series", s.name());
        data.put("kind", s.kind() == Kind.LINE ? "line" : "points");
        data.put("points", Integer.toString(s.x().length));
        c.beginGroup("series", data);
        if (s.kind() == Kind.LINE) {
            double[][] px = Polylines.simplify(s.x(), s.y(), xs, ys);
            c.polyline(px[0], px[1], s.color(), 2, s.dash());
        } else {
            for (int i = 0; i < s.x().length; i++) {
                double x = xs.map(s.x()[i]);
                double y = ys.map(s.y()[i]);
                if (Double.isNaN(x) || Double.isNaN(y)) {
                    continue;
                }
                c.circle(x, y, 4.5, s.color(), s.tooltips() == null ? null : s.tooltips()[i]);
                labels.point(x, y);
                if (s.labels() != null && s.labels()[i] != null) {
                    labels.add(x, y, s.labels()[i]);
                }
            }
        }
        c.endGroup();
    }

    private static void drawReference(Canvas c, Reference r, Scale xs, Scale ys, double left, double right,
                                      double top, double bottom) {
        c.beginGroup("reference", Map.of("label", r.label(), "value", Double.toString(r.value())));
        if (r.axis().equals("y")) {
            double y = ys.map(r.value());
            c.line(left, y, right, y, Palette.MUTED, 1.2, "5 4");
            c.text(right - 4, y - 5, r.label(), ChartParts.TICK_SIZE, Canvas.Anchor.END, false, 0, Palette.MUTED);
        } else {
            double x = xs.map(r.value());
            c.line(x, top, x, bottom, Palette.MUTED, 1.2, "5 4");
            c.text(x + 4, top + 12, r.label(), ChartParts.TICK_SIZE, Canvas.Anchor.START, false, 0, Palette.MUTED);
        }
        c.endGroup();
    }

    private Scale scale(boolean isX) {
        boolean log = isX ? xLog : yLog;
        double[] fixed = isX ? xRange : yRange;
        if (fixed != null) {
            return log ? Scale.log(fixed[0], fixed[1]) : Scale.linear(fixed[0], fixed[1], false);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : isX ? s.x() : s.y()) {
                if (Double.isFinite(v) && (!log || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        for (Reference r : references) {
            if (r.axis().equals(isX ? "x" : "y") && Double.isFinite(r.value()) && (!log || r.value() > 0)) {
                lo = Math.min(lo, r.value());
                hi = Math.max(hi, r.value());
            }
        }
        return log ? Scale.log(lo, hi) : Scale.linear(lo, hi, true);
    }
}
