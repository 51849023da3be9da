package dev.qlens.cli.plot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A categorical grid (which format each tile got): one colour per category, equal neighbours in a row
 * merged into one rectangle with a tooltip, and a legend with each category's cell count.
 */
public final class HeatMap implements Chart {
    /** Colour of cells outside every category (negative values: left unquantized). */
    public static final String NONE_COLOR = "#BBBBBB";

    private final String title;
    private final String subtitle;
    private final int[][] grid;
    private final List<String> categories;
    private final String xLabel;
    private final String yLabel;
    private final double cell;

    /**
     * @param grid category index per cell, [row][column]; negative for "none"
     * @param categories category names by index
     */
    public HeatMap(String title, String subtitle, int[][] grid, List<String> categories, String xLabel, String yLabel) {
        this.title = title;
        this.subtitle = subtitle;
        this.grid = grid;
        this.categories = List.copyOf(categories);
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        int rows = grid.length;
        int cols = rows == 0 ? 0 : grid[0].length;
        this.cell = Math.max(1, Math.min(24, Math.min(720.0 / Math.max(1, cols), 720.0 / Math.max(1, rows))));
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public int preferredWidth() {
        int cols = grid.length == 0 ? 0 : grid[0].length;
        double titleRoom = Math.min(960, TextWidth.of(title, ChartParts.TITLE_SIZE, true) + 2 * ChartParts.PAD + 10);
        return (int) Math.ceil(Math.max(Math.max(520, titleRoom), 120 + cols * cell + 200));
    }

    @Override
    public int preferredHeight() {
        return (int) Math.ceil(150 + (subtitle == null ? 0 : 19) + Math.max(grid.length * cell, 24 * (categories.size() + 1)));
    }

    @Override
    public void draw(Canvas c, int w, int h) {
        double top = ChartParts.title(c, title, subtitle, w);
        int rows = grid.length;
        int cols = rows == 0 ? 0 : grid[0].length;
        double left = ChartParts.PAD + 22 + 40;
        Scale xs = Scale.linear(0, cols, false).pixels(left, left + cols * cell);
        Scale ys = Scale.linear(0, rows, false).pixels(top, top + rows * cell);
        int[] counts = new int[categories.size() + 1];
        c.beginGroup("heatmap", Map.of("rows", Integer.toString(rows), "columns", Integer.toString(cols)));
        for (int r = 0; r < rows; r++) {
            int start = 0;
            for (int col = 1; col <= cols; col++) {
                if (col == cols || grid[r][col] != grid[r][start]) {
                    int v = grid[r][start];
                    counts[v < 0 ? categories.size() : v] += col - start;
                    String name = v < 0 ? "unquantized" : categories.get(v);
                    String tip = "row " + r + ", columns " + start + (col - 1 > start ? "–" + (col - 1) : "") + ": " + name;
                    c.rect(left + start * cell, top + r * cell, (col - start) * cell, cell, color(v), null, tip);
                    start = col;
                }
            }
        }
        c.endGroup();
        double bottom = top + rows * cell;
        ChartParts.xAxis(c, xs, bottom, bottom, xLabel, left + cols * cell / 2);
        c.beginGroup("axis", Map.of("axis", "y", "scale", "linear", "min", "0", "max", Integer.toString(rows),
                "label", yLabel));
        List<Double> ticks = ys.ticks(6);
        for (double t : ticks) {
            c.text(left - 7, ys.map(t) + ChartParts.TICK_SIZE * 0.35, ys.label(t, ticks), ChartParts.TICK_SIZE,
                    Canvas.Anchor.END, false, 0, Palette.INK);
        }
        c.text(ChartParts.PAD + 10, top + rows * cell / 2, yLabel, ChartParts.LABEL_SIZE, Canvas.Anchor.MIDDLE, false, -90, Palette.INK);
        c.endGroup();
        List<ChartParts.LegendEntry> legend = new ArrayList<>();
        for (int i = 0; i <= categories.size(); i++) {
            if (i < categories.size() || counts[i] > 0) {
                String name = i < categories.size() ? categories.get(i) : "unquantized";
                legend.add(new ChartParts.LegendEntry(name + " (" + counts[i] + ")", i < categories.size()
                        ? Palette.color(i) : NONE_COLOR, null, true));
            }
        }
        Map<String, String> data = new LinkedHashMap<>();
        for (int i = 0; i < categories.size(); i++) {
            data.put("count-" + categories.get(i), Integer.toString(counts[i]));
        }
        c.beginGroup("counts", data);
        c.endGroup();
        ChartParts.legend(c, legend, left + cols * cell + 24, top);
    }

    private static String color(int v) {
        return v < 0 ? NONE_COLOR : Palette.color(v);
    }
}
