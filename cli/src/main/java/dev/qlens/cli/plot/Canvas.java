package dev.qlens.cli.plot;

import java.util.Map;

/**
 * What a chart draws on: a few primitives in pixel coordinates (origin top left), implemented once as
 * SVG text ({@link SvgCanvas}) and once as Java2D pixels ({@link PngCanvas}), so both pictures come
 * from the same layout. Colours are {@code #rrggbb} strings.
 */
public interface Canvas {
    /** Horizontal alignment of text relative to its anchor point. */
    enum Anchor {
        START, MIDDLE, END
    }

    /** A filled rectangle; {@code stroke} may be null; {@code tooltip} (SVG only) may be null. */
    void rect(double x, double y, double w, double h, String fill, String stroke, String tooltip);

    /** A straight line; {@code dash} is null for solid or an SVG dash array such as "6 3". */
    void line(double x1, double y1, double x2, double y2, String stroke, double width, String dash);

    /** An open polyline; a NaN coordinate breaks the line into separate pieces. */
    void polyline(double[] xs, double[] ys, String stroke, double width, String dash);

    /** A filled circle; {@code tooltip} (SVG only) may be null. */
    void circle(double x, double y, double r, String fill, String tooltip);

    /** Text with its baseline at y, rotated by {@code degrees} around the anchor point. */
    void text(double x, double y, String text, double size, Anchor anchor, boolean bold, double degrees, String color);

    /** Clips what follows to a rectangle until {@link #endClip()}. */
    void beginClip(double x, double y, double w, double h);

    /** Ends the clip started last. */
    void endClip();

    /** Opens a group: in SVG a {@code <g>} with this class and {@code data-*} attributes (tests and tools find series by them). */
    void beginGroup(String cssClass, Map<String, String> data);

    /** Closes the group opened last. */
    void endGroup();
}
