package dev.qlens.cli.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Places the labels of points so that they do not overlap: each label takes the first of a few
 * positions around its point (right above, right below, left above, left below, then further out)
 * whose box is free of other labels and point markers and inside the picture; a label with no free
 * place is left out rather than drawn over another one (its point keeps its tooltip).
 */
final class PointLabels {
    private static final double SIZE = ChartParts.TICK_SIZE;
    private static final double[][] OFFSETS = {
        {7, -6}, {7, 14}, {-7, -6}, {-7, 14}, {7, -20}, {7, 28}, {-7, -20}, {-7, 28}, {7, -34}, {7, 42}};

    private record Placed(double x, double y, double w, String text, boolean right) {
    }

    private static final double MARK = 5;
    private final List<Placed> placed = new ArrayList<>();
    private final List<double[]> wanted = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private final List<double[]> points = new ArrayList<>();
    private final double minX;
    private final double maxX;
    private final double minY;
    private final double maxY;
    private int dropped;

    PointLabels(double minX, double maxX, double minY, double maxY) {
        this.minX = minX;
        this.maxX = maxX;
        this.minY = minY;
        this.maxY = maxY;
    }

    /** Asks for a label beside the point at (px, py); labels are placed in this order when drawn. */
    void add(double px, double py, String text) {
        wanted.add(new double[] {px, py});
        texts.add(text);
    }

    /** A point marker that labels must not cover. */
    void point(double px, double py) {
        points.add(new double[] {px, py});
    }

    private void placeAll() {
        for (int i = 0; i < texts.size(); i++) {
            place(wanted.get(i)[0], wanted.get(i)[1], texts.get(i));
        }
    }

    private void place(double px, double py, String text) {
        double w = TextWidth.of(text, SIZE, false);
        for (double[] o : OFFSETS) {
            boolean right = o[0] > 0;
            double x0 = right ? px + o[0] : px + o[0] - w;
            double base = py + o[1];
            double top = base - SIZE;
            if (x0 < minX || x0 + w > maxX || top < minY || base + 3 > maxY) {
                continue;
            }
            if (free(x0, top, w)) {
                placed.add(new Placed(x0, base, w, text, right));
                return;
            }
        }
        dropped++;
    }

    private boolean free(double x0, double top, double w) {
        for (Placed p : placed) {
            double ptop = p.y() - SIZE;
            if (x0 < p.x() + p.w() + 2 && p.x() < x0 + w + 2 && top < ptop + SIZE + 2 && ptop < top + SIZE + 2) {
                return false;
            }
        }
        for (double[] p : points) {
            if (p[0] + MARK > x0 && p[0] - MARK < x0 + w && p[1] + MARK > top && p[1] - MARK < top + SIZE + 2) {
                return false;
            }
        }
        return true;
    }

    /** Draws the placed labels (outside any clip, so that labels near the edges stay whole). */
    void draw(Canvas c) {
        placeAll();
        if (placed.isEmpty()) {
            return;
        }
        c.beginGroup("point-labels", Map.of("dropped", Integer.toString(dropped)));
        for (Placed p : placed) {
            c.text(p.x(), p.y(), p.text(), SIZE, Canvas.Anchor.START, false, 0, Palette.INK);
        }
        c.endGroup();
    }
}
