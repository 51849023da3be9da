package dev.qlens.cli.plot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pieces every chart draws the same way: the title block, axes with ticks and grid, the legend. */
final class ChartParts {
    static final double TITLE_SIZE = 17;
    static final double LABEL_SIZE = 13;
    static final double TICK_SIZE = 11.5;
    static final double LEGEND_SIZE = 12;
    static final double PAD = 14;

    private ChartParts() {
    }

    /** Draws the title and subtitle; returns the y below them. */
    static double title(Canvas c, String title, String subtitle, int width) {
        double y = PAD + TITLE_SIZE;
        c.text(width / 2.0, y, title, fit(title, TITLE_SIZE, true, width), Canvas.Anchor.MIDDLE, true, 0, Palette.INK);
        if (subtitle != null && !subtitle.isEmpty()) {
            y += 19;
            c.text(width / 2.0, y, subtitle, fit(subtitle, LABEL_SIZE - 1, false, width), Canvas.Anchor.MIDDLE, false, 0,
                    Palette.MUTED);
        }
        return y + 16;
    }

    /** The font size at most {@code size} at which {@code text} fits the picture's width. */
    static double fit(String text, double size, boolean bold, int width) {
        double w = TextWidth.of(text, size, bold);
        double room = width - 2 * PAD;
        return w <= room ? size : Math.max(7, Math.floor(size * room / w * 10) / 10);
    }

    /** Width the tick labels of a vertical axis need. */
    static double tickLabelWidth(Scale s) {
        List<Double> ticks = s.ticks(6);
        double w = 0;
        for (double t : ticks) {
            w = Math.max(w, TextWidth.of(s.label(t, ticks), TICK_SIZE, false));
        }
        return w;
    }

    /**
     * A horizontal axis along y = {@code yBase} with vertical grid lines up to {@code yTop}; the scale's
     * pixel range must be set.
     */
    static void xAxis(Canvas c, Scale s, double yTop, double yBase, String label, double xMid) {
        c.beginGroup("axis", axisData("x", s, label));
        List<Double> ticks = s.ticks(7);
        for (double t : ticks) {
            double x = s.map(t);
            c.line(x, yTop, x, yBase, Palette.GRID, 1, null);
            c.line(x, yBase, x, yBase + 4, Palette.INK, 1, null);
            c.text(x, yBase + 6 + TICK_SIZE, s.label(t, ticks), TICK_SIZE, Canvas.Anchor.MIDDLE, false, 0, Palette.INK);
        }
        if (label != null) {
            c.text(xMid, yBase + 12 + TICK_SIZE + LABEL_SIZE + 4, label, LABEL_SIZE, Canvas.Anchor.MIDDLE, false, 0, Palette.INK);
        }
        c.endGroup();
    }

    /**
     * A vertical axis along x = {@code xBase} with horizontal grid lines to {@code xRight}; the tick labels
     * end left of the axis and the label is rotated at {@code xLabel}.
     */
    static void yAxis(Canvas c, Scale s, double xBase, double xRight, String label, double xLabel, double yMid) {
        c.beginGroup("axis", axisData("y", s, label));
        List<Double> ticks = s.ticks(6);
        for (double t : ticks) {
            double y = s.map(t);
            c.line(xBase, y, xRight, y, Palette.GRID, 1, null);
            c.line(xBase - 4, y, xBase, y, Palette.INK, 1, null);
            c.text(xBase - 7, y + TICK_SIZE * 0.35, s.label(t, ticks), TICK_SIZE, Canvas.Anchor.END, false, 0, Palette.INK);
        }
        if (label != null) {
            c.text(xLabel, yMid, label, LABEL_SIZE, Canvas.Anchor.MIDDLE, false, -90, Palette.INK);
        }
        c.endGroup();
    }

    private static Map<String, String> axisData(String axis, Scale s, String label) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("axis", axis);
        d.put("scale", s.isLog() ? "log" : "linear");
        d.put("min", Double.toString(s.min()));
        d.put("max", Double.toString(s.max()));
        if (label != null) {
            d.put("label", label);
        }
        return d;
    }

    /** One legend row: a colour sample and a label. */
    record LegendEntry(String label, String color, String dash, boolean marker) {
    }

    /** Width a legend of these entries needs. */
    static double legendWidth(List<LegendEntry> entries) {
        double w = 0;
        for (LegendEntry e : entries) {
            w = Math.max(w, TextWidth.of(e.label(), LEGEND_SIZE, false));
        }
        return entries.isEmpty() ? 0 : w + 40;
    }

    /** Draws a legend with its top left corner at (x, y). */
    static void legend(Canvas c, List<LegendEntry> entries, double x, double y) {
        if (entries.isEmpty()) {
            return;
        }
        c.beginGroup("legend", Map.of());
        double row = LEGEND_SIZE + 8;
        for (int i = 0; i < entries.size(); i++) {
            LegendEntry e = entries.get(i);
            double cy = y + i * row + row / 2;
            if (e.marker()) {
                c.circle(x + 12, cy, 4, e.color(), null);
            } else {
                c.line(x, cy, x + 24, cy, e.color(), 2.5, e.dash());
            }
            c.text(x + 30, cy + LEGEND_SIZE * 0.35, e.label(), LEGEND_SIZE, Canvas.Anchor.START, false, 0, Palette.INK);
        }
        c.endGroup();
    }

    /** Shortens a label to {@code max} characters, keeping its end (the specific part of a layer name). */
    static String shorten(String s, int max) {
        return s.length() <= max ? s : "…" + s.substring(s.length() - max + 1);
    }
}
