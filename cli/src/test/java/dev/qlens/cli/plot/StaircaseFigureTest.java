package dev.qlens.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.cli.jobs.plot.StaircaseFigure;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.QuantFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

/** The seed's synthetic staircases: its labels, its values, and the determinism of its "rand" curves. */
class StaircaseFigureTest {
    @Test
    void defaultFiguresHaveTheSeedsCurvesAndUnitAxes() throws Exception {
        Figure f = StaircaseFigure.of(List.of(), 10);
        SvgDoc svg = new SvgDoc(f.svg());
        assertEquals(List.of("MXFP4 (block max)", "NVFP4 (block max)", "BF16", "BFP8 (ideal exp)", "BFP8 (rand16 exp)",
                "BFP4 (ideal exp)", "BFP4 (rand16 exp)", "BFP2 (ideal exp)", "BFP2 (rand16 exp)", "FP0", "IDEAL"),
                svg.seriesNames());
        for (Element g : svg.groups("series")) {
            assertEquals("400", g.getAttribute("data-points"));
        }
        assertEquals("0.0", svg.axis("x").getAttribute("data-min"));
        assertEquals("1.0", svg.axis("x").getAttribute("data-max"));
        assertTrue(f.svg().length() < 60_000, "a small file: " + f.svg().length());
    }

    /**
     * Seed-semantics §2.2: the "rand16" curve is TTNN quantization of x alone (0.3 → 0.3125 with bfp4); the
     * ideal curve has one more magnitude bit. The grid point nearest 0.3 is x[120] = 120/399 = 0.30075…
     */
    @Test
    void seedValuesNearPointThree() {
        XYChart c = (XYChart) StaircaseFigure.of(List.of(FormatCatalog.parse("bfp8"), FormatCatalog.parse("bfp4")), 5).chart();
        assertEquals((float) (120 / 399.0), (float) series(c, "IDEAL").x()[120]);
        assertEquals(0.30078125, series(c, "BFP8 (rand16 exp)").y()[120], 0);
        assertEquals(0.30078125, series(c, "BFP8 (ideal exp)").y()[120], 0);
        assertEquals(0.3125, series(c, "BFP4 (rand16 exp)").y()[120], 0);
        // x[132] = 0.3308: the ideal curve's extra magnitude bit (steps of 1/32 at 0.25) gives 0.34375, TTNN 0.3125.
        assertEquals(0.34375, series(c, "BFP4 (ideal exp)").y()[132], 0);
        assertEquals(0.3125, series(c, "BFP4 (rand16 exp)").y()[132], 0);
    }

    private static XYChart.Series series(XYChart c, String name) {
        return c.series().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    /**
     * The seed's random blocks are a quirk: the block maximum alone sets BFP's shared exponent, MX's
     * scale and NVFP4's scales, so the averaged curve equals quantizing x in an otherwise empty block.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bfp8", "bfp4", "bfp2", "mxfp4", "mxfp8", "nvfp4"})
    void randomBlockCurvesEqualTheBlockMaximumAlone(String name) {
        QuantFormat f = FormatCatalog.parse(name);
        XYChart c = (XYChart) StaircaseFigure.of(List.of(f), 7).chart();
        XYChart.Series s = c.series().stream().filter(t -> t.name().contains("rand16") || t.name().contains("block max"))
                .findFirst().orElseThrow();
        int width = f.family().equals("bfp") ? 16 : 32;
        for (int i = 0; i < s.x().length; i++) {
            float[] row = new float[width];
            row[0] = (float) s.x()[i];
            double alone = f.fakeQuantize(row, new long[] {1, width}, EncodeMode.DEFAULT)[0];
            assertEquals(alone, s.y()[i], Math.ulp((float) alone), name + " at x = " + s.x()[i]);
        }
    }
}
