package dev.qlens.cli.plot;

import java.util.Map;

/**
 * A {@link Canvas} that writes SVG 1.1 text: real {@code <text>} elements, one {@code <path>} per
 * polyline, coordinates with at most two decimals, and element ids prefixed by the figure's id so that
 * several charts can sit in one HTML page. The output depends only on what is drawn, never on the
 * machine, so it is the same byte for byte on every run.
 */
public final class SvgCanvas implements Canvas {
    private final StringBuilder sb = new StringBuilder(8192);
    private final String idPrefix;
    private final int width;
    private final int height;
    private int clips;

    /**
     * @param width width in pixels
     * @param height height in pixels
     * @param idPrefix prefix of the ids this picture defines (letters, digits, '-')
     * @param title the accessible title of the picture
     */
    public SvgCanvas(int width, int height, String idPrefix, String title) {
        this.width = width;
        this.height = height;
        this.idPrefix = idPrefix;
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\" role=\"img\">\n");
        sb.append("<title>").append(escape(title)).append("</title>\n");
        sb.append("<rect width=\"").append(width).append("\" height=\"").append(height).append("\" fill=\"#FFFFFF\"/>\n");
    }

    @Override
    public void rect(double x, double y, double w, double h, String fill, String stroke, String tooltip) {
        sb.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" fill=\"").append(fill).append('"');
        if (stroke != null) {
            sb.append(" stroke=\"").append(stroke).append('"');
        }
        closeWithTooltip("rect", tooltip);
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
        sb.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
                .append(n(width)).append('"');
        if (dash != null) {
            sb.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        sb.append("/>\n");
    }

    @Override
    public void polyline(double[] xs, double[] ys, String stroke, double width, String dash) {
        StringBuilder d = new StringBuilder(xs.length * 12);
        boolean pen = false;
        for (int i = 0; i < xs.length; i++) {
            if (Double.isNaN(xs[i]) || Double.isNaN(ys[i])) {
                pen = false;
                continue;
            }
            d.append(pen ? 'L' : 'M').append(n(xs[i])).append(' ').append(n(ys[i]));
            pen = true;
        }
        if (d.length() == 0) {
            return;
        }
        sb.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"").append(n(width)).append("\" stroke-linejoin=\"round\"");
        if (dash != null) {
            sb.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        sb.append("/>\n");
    }

    @Override
    public void circle(double x, double y, double r, String fill, String tooltip) {
        sb.append("<circle cx=\"").append(n(x)).append("\" cy=\"").append(n(y)).append("\" r=\"").append(n(r))
                .append("\" fill=\"").append(fill).append('"');
        closeWithTooltip("circle", tooltip);
    }

    @Override
    public void text(double x, double y, String text, double size, Anchor anchor, boolean bold, double degrees, String color) {
        sb.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" font-size=\"").append(n(size)).append('"');
        if (anchor != Anchor.START) {
            sb.append(" text-anchor=\"").append(anchor == Anchor.MIDDLE ? "middle" : "end").append('"');
        }
        if (bold) {
            sb.append(" font-weight=\"bold\"");
        }
        if (degrees != 0) {
            sb.append(" transform=\"rotate(").append(n(degrees)).append(' ').append(n(x)).append(' ').append(n(y)).append(")\"");
        }
        if (!color.equals(Palette.INK)) {
            sb.append(" fill=\"").append(color).append('"');
        }
        sb.append('>').append(escape(text)).append("</text>\n");
    }

    @Override
    public void beginClip(double x, double y, double w, double h) {
        String id = idPrefix + "-clip" + clips++;
        sb.append("<clipPath id=\"").append(id).append("\"><rect x=\"").append(n(x)).append("\" y=\"").append(n(y))
                .append("\" width=\"").append(n(w)).append("\" height=\"").append(n(h)).append("\"/></clipPath>\n");
        sb.append("<g clip-path=\"url(#").append(id).append(")\">\n");
    }

    @Override
    public void endClip() {
        sb.append("</g>\n");
    }

    @Override
    public void beginGroup(String cssClass, Map<String, String> data) {
        sb.append("<g class=\"").append(escape(cssClass)).append('"');
        // Sorted, so that the output does not depend on the map's iteration order (Map.of's varies per JVM run).
        new java.util.TreeMap<>(data).forEach((k, v) -> sb.append(" data-").append(k).append("=\"").append(escape(v)).append('"'));
        sb.append(">\n");
    }

    @Override
    public void endGroup() {
        sb.append("</g>\n");
    }

    /** The finished document without an XML prolog (ready to inline in HTML). */
    public String element() {
        return sb + "</svg>\n";
    }

    /** The finished standalone SVG file. */
    public String document() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element();
    }

    /** Width in pixels. */
    public int width() {
        return width;
    }

    /** Height in pixels. */
    public int height() {
        return height;
    }

    private void closeWithTooltip(String element, String tooltip) {
        if (tooltip == null) {
            sb.append("/>\n");
        } else {
            sb.append("><title>").append(escape(tooltip)).append("</title></").append(element).append(">\n");
        }
    }

    /** A coordinate with at most two decimals and no trailing zeros (locale independent). */
    static String n(double v) {
        long c = Math.round(v * 100);
        if (c == 0) {
            return "0";
        }
        StringBuilder s = new StringBuilder();
        if (c < 0) {
            s.append('-');
            c = -c;
        }
        s.append(c / 100);
        long frac = c % 100;
        if (frac != 0) {
            s.append('.').append(frac / 10);
            if (frac % 10 != 0) {
                s.append(frac % 10);
            }
        }
        return s.toString();
    }

    /** Escapes text for XML content and attribute values. */
    public static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        out.append(' ');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
