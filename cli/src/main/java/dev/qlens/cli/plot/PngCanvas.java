package dev.qlens.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A {@link Canvas} that paints with Java2D into an image (headless, anti-aliased) and encodes it as
 * PNG. The layout is the one the SVG gets; {@code scale} multiplies the pixel size (2 gives sharp
 * pictures on high-density screens).
 */
public final class PngCanvas implements Canvas {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private final BufferedImage image;
    private final Graphics2D g;
    private final Deque<Shape> clips = new ArrayDeque<>();

    /** A white picture of {@code width} x {@code height} layout pixels, stored at {@code scale} times that. */
    public PngCanvas(int width, int height, double scale) {
        image = new BufferedImage((int) Math.round(width * scale), (int) Math.round(height * scale), BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.scale(scale, scale);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width + 1, height + 1);
    }

    @Override
    public void rect(double x, double y, double w, double h, String fill, String stroke, String tooltip) {
        Rectangle2D r = new Rectangle2D.Double(x, y, w, h);
        g.setColor(color(fill));
        g.fill(r);
        if (stroke != null) {
            g.setColor(color(stroke));
            g.setStroke(new BasicStroke(1f));
            g.draw(r);
        }
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
        g.setColor(color(stroke));
        g.setStroke(stroke(width, dash));
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    @Override
    public void polyline(double[] xs, double[] ys, String stroke, double width, String dash) {
        Path2D.Double p = new Path2D.Double();
        boolean pen = false;
        for (int i = 0; i < xs.length; i++) {
            if (Double.isNaN(xs[i]) || Double.isNaN(ys[i])) {
                pen = false;
            } else if (pen) {
                p.lineTo(xs[i], ys[i]);
            } else {
                p.moveTo(xs[i], ys[i]);
                pen = true;
            }
        }
        g.setColor(color(stroke));
        g.setStroke(stroke(width, dash));
        g.draw(p);
    }

    @Override
    public void circle(double x, double y, double r, String fill, String tooltip) {
        g.setColor(color(fill));
        g.fill(new Ellipse2D.Double(x - r, y - r, 2 * r, 2 * r));
    }

    @Override
    public void text(double x, double y, String text, double size, Anchor anchor, boolean bold, double degrees, String color) {
        Font f = new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) size);
        g.setFont(f);
        g.setColor(color(color));
        // Align by the width Java2D will really draw (the installed face may differ from the layout's table).
        double w = anchor == Anchor.START ? 0 : f.getStringBounds(text, g.getFontRenderContext()).getWidth();
        double dx = anchor == Anchor.START ? 0 : anchor == Anchor.MIDDLE ? -w / 2 : -w;
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        if (degrees != 0) {
            g.rotate(Math.toRadians(degrees));
        }
        g.drawString(text, (float) dx, 0f);
        g.setTransform(saved);
    }

    @Override
    public void beginClip(double x, double y, double w, double h) {
        clips.push(g.getClip() == null ? new Rectangle2D.Double(-1e6, -1e6, 2e6, 2e6) : g.getClip());
        g.clip(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void endClip() {
        g.setClip(clips.pop());
    }

    @Override
    public void beginGroup(String cssClass, Map<String, String> data) {
        // Groups only structure the SVG.
    }

    @Override
    public void endGroup() {
        // Groups only structure the SVG.
    }

    /** The picture as PNG bytes. */
    public byte[] png() throws IOException {
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static BasicStroke stroke(double width, String dash) {
        if (dash == null) {
            return new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND);
        }
        String[] parts = dash.trim().split("\\s+");
        float[] d = new float[parts.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Float.parseFloat(parts[i]);
        }
        return new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, d, 0f);
    }

    private static Color color(String hex) {
        return new Color(Integer.parseInt(hex.substring(1), 16));
    }
}
