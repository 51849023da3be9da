package dev.qlens.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** The three chart kinds as SVG (parsed as XML) and PNG. */
class ChartRenderingTest {
    private static XYChart lines() {
        double[] x = {0, 1, 2, 3, 4};
        return new XYChart("Two <series> & more", "a subtitle", "x (units)", "y (units)", false, false)
                .line("first", x, new double[] {0, 1, 4, 9, 16})
                .line("second", x, new double[] {2, 2, 2, 2, 2})
                .reference(new XYChart.Reference("y", 10, "ten"));
    }

    @Test
    void xyChartHasItsSeriesTextsAndAxisRanges() throws Exception {
        SvgDoc svg = new SvgDoc(new Figure("lines", "", lines()).svg());
        assertEquals(List.of("first", "second"), svg.seriesNames());
        assertTrue(svg.texts().contains("Two <series> & more"), "the title survives escaping");
        assertTrue(svg.texts().containsAll(List.of("x (units)", "y (units)", "first", "second", "ten")));
        Element x = svg.axis("x");
        assertEquals(0.0, Double.parseDouble(x.getAttribute("data-min")));
        assertEquals(4.0, Double.parseDouble(x.getAttribute("data-max")));
        Element y = svg.axis("y");
        assertTrue(Double.parseDouble(y.getAttribute("data-min")) <= 0 && Double.parseDouble(y.getAttribute("data-max")) >= 16,
                "the y axis covers 0..16: " + y.getAttribute("data-min") + ".." + y.getAttribute("data-max"));
        // The constant series keeps only its two ends: interior points on a straight run are dropped.
        Element second = svg.groups("series").get(1);
        String d = ((Element) second.getElementsByTagNameNS(SvgDoc.NS, "path").item(0)).getAttribute("d");
        assertEquals(2, d.split("[ML]").length - 1, d);
    }

    @Test
    void svgIsTheSameOnEveryRun() {
        assertEquals(new Figure("a", "", lines()).svg(), new Figure("a", "", lines()).svg());
    }

    @Test
    void barChartDrawsOneBarPerFiniteValueWithTooltips() throws Exception {
        BarChart b = new BarChart("Bars", null, "SNR (dB)", false, List.of("l0", "l1", "l2"))
                .add("SNR", new double[] {10, Double.NaN, 30});
        SvgDoc svg = new SvgDoc(new Figure("bars", "", b).svg());
        Element series = svg.groups("series").get(0);
        assertEquals(2, SvgDoc.count(series, "rect"));
        assertEquals(2, SvgDoc.count(series, "title"), "a tooltip per bar");
        assertTrue(svg.texts().containsAll(List.of("l0", "l1", "l2", "SNR (dB)")));
        assertTrue(Double.parseDouble(svg.axis("x").getAttribute("data-max")) >= 30);
        assertEquals(0.0, Double.parseDouble(svg.axis("x").getAttribute("data-min")));
    }

    @Test
    void thousandsOfLayersStayAReadableHeight() throws Exception {
        int n = 5000;
        List<String> names = new java.util.ArrayList<>();
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            names.add("model.layers." + i + ".weight");
            v[i] = 20 + i % 7;
        }
        BarChart b = new BarChart("Many", null, "SNR (dB)", false, names).add("SNR", v);
        assertTrue(b.preferredHeight() <= 3200, "height " + b.preferredHeight());
        SvgDoc svg = new SvgDoc(new Figure("many", "", b).svg());
        assertEquals(n, SvgDoc.count(svg.groups("series").get(0), "rect"), "every layer keeps its bar");
        int labels = SvgDoc.count(svg.groups("categories").get(0), "text");
        assertTrue(labels > 100 && labels < n / 10, "every n-th name: " + labels);
    }

    @Test
    void heatMapMergesRunsAndCountsCells() throws Exception {
        int[][] grid = {{0, 0, 1, 1}, {2, -1, -1, 0}};
        HeatMap h = new HeatMap("Tiles", null, grid, List.of("a", "b", "c"), "column", "row");
        SvgDoc svg = new SvgDoc(new Figure("tiles", "", h).svg());
        Element map = svg.groups("heatmap").get(0);
        assertEquals(5, SvgDoc.count(map, "rect"), "rows merge equal neighbours: 2 + 3 rectangles");
        Element counts = svg.groups("counts").get(0);
        assertEquals("3", counts.getAttribute("data-count-a"));
        assertEquals("2", counts.getAttribute("data-count-b"));
        assertEquals("1", counts.getAttribute("data-count-c"));
        assertTrue(svg.texts().contains("unquantized (2)"));
    }

    @Test
    void pngHasTheRequestedSizeAndIsNotBlank() throws Exception {
        XYChart c = lines().size(400, 300);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(new Figure("p", "", c).png(1.5)));
        assertEquals(600, img.getWidth());
        assertEquals(450, img.getHeight());
        Set<Integer> colours = new HashSet<>();
        long inked = 0;
        for (int yy = 0; yy < img.getHeight(); yy++) {
            for (int xx = 0; xx < img.getWidth(); xx++) {
                int rgb = img.getRGB(xx, yy) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb != 0xFFFFFF) {
                    inked++;
                }
            }
        }
        assertTrue(inked > img.getWidth() * img.getHeight() / 100, "more than 1% of the pixels are drawn: " + inked);
        assertTrue(colours.contains(0x0072B2), "the first series is drawn in the palette's first colour");
        assertTrue(colours.size() > 20, "lines, text and anti-aliasing give many colours: " + colours.size());
    }

    @Test
    void figuresWithTheSameNameGetTheirOwnFiles() {
        List<Figure> f = Pictures.uniqueIds(List.of(new Figure("summary", "", lines()), new Figure("Summary", "", lines()),
                new Figure("summary", "", lines())));
        assertEquals(List.of("summary", "Summary-2", "summary-3"), f.stream().map(Figure::id).toList());
    }

    @Test
    void scalesPickNiceTicks() {
        Scale s = Scale.linear(0.03, 0.97, true);
        assertEquals(0.0, s.min());
        assertEquals(1.0, s.max(), 1e-12);
        List<Double> t = s.ticks(6);
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), t.stream().map(v -> s.label(v, t)).toList());
        Scale l = Scale.log(3e-5, 0.4);
        assertEquals(2e-5, l.min(), 1e-18);
        assertEquals(0.5, l.max(), 1e-12);
        List<Double> lt = l.ticks(6);
        assertTrue(lt.contains(1e-4) && lt.contains(0.1), lt.toString());
        assertEquals("1e-5", Scale.log(1e-5, 1).label(1e-5, List.of()));
    }
}
