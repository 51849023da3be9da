package dev.qlens.cli.plot;

/** A picture that can lay itself out and draw on any {@link Canvas}. */
public interface Chart {
    /** The chart's title (also the picture's accessible title). */
    String title();

    /** Draws the whole picture into a {@code width} x {@code height} area. */
    void draw(Canvas c, int width, int height);

    /** The width the chart looks best at. */
    default int preferredWidth() {
        return 960;
    }

    /** The height the chart looks best at (charts with one row per layer grow with their data). */
    default int preferredHeight() {
        return 600;
    }
}
