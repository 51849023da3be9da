package dev.qlens.cli.plot;

import dev.qlens.cli.util.FileNames;

/**
 * One picture of a report: an id (file stem and SVG id prefix), a caption for the HTML report, and
 * the chart.
 */
public record Figure(String id, String caption, Chart chart) {
    /** Validates and makes the id safe as a file name and an XML id. */
    public Figure {
        id = FileNames.slug(id, "figure");
    }

    /** The chart as a standalone SVG document at its preferred size. */
    public String svg() {
        return canvas().document();
    }

    /** The chart as an SVG element to inline in HTML. */
    public String svgElement() {
        return canvas().element();
    }

    /** The chart as PNG at its preferred size times {@code scale}. */
    public byte[] png(double scale) throws java.io.IOException {
        PngCanvas c = new PngCanvas(chart.preferredWidth(), chart.preferredHeight(), scale);
        chart.draw(c, chart.preferredWidth(), chart.preferredHeight());
        return c.png();
    }

    private SvgCanvas canvas() {
        String prefix = "q" + id.replace('.', '-');
        SvgCanvas c = new SvgCanvas(chart.preferredWidth(), chart.preferredHeight(), prefix, chart.title());
        chart.draw(c, chart.preferredWidth(), chart.preferredHeight());
        return c;
    }
}
