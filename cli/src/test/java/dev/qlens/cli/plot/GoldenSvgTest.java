package dev.qlens.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qlens.cli.jobs.plot.StaircaseFigure;
import dev.qlens.formats.catalog.FormatCatalog;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SVG output is the same byte for byte on every JDK and machine: fixed charts are compared with files
 * made once (CI runs this on JDK 17 and JDK 25). After an intended change of the drawing, rewrite them
 * with {@code mvn test -pl cli -Dtest=GoldenSvgTest -Dqlens.writeGolden=src/test/resources/plots}.
 */
class GoldenSvgTest {
    private static Figure figure(String name) {
        switch (name) {
            case "staircase":
                return StaircaseFigure.of(List.of(FormatCatalog.parse("bfp4"), FormatCatalog.parse("mxfp4"),
                        FormatCatalog.parse("fp8_e4m3")), 3);
            case "bars":
                return new Figure("bars", "", new BarChart("Bars & <names>", "sub", "SNR (dB)", false,
                        List.of("model.layers.0.self_attn.q_proj.weight", "b", "c"))
                        .add("before", new double[] {12.5, 30.25, -3}).add("after", new double[] {14, 31, 2.5})
                        .reference(20, "target"));
            default:
                return new Figure("tiles", "", new HeatMap("Tiles", null, new int[][] {{0, 1, 1}, {2, -1, 0}},
                        List.of("bf16", "bfp8", "bfp4"), "tile column", "tile row"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"staircase", "bars", "tiles"})
    void svgMatchesTheGoldenFile(String name) throws Exception {
        String svg = figure(name).svg();
        String out = System.getProperty("qlens.writeGolden");
        if (out != null) {
            Files.writeString(Path.of(out, name + ".svg"), svg);
        }
        try (InputStream in = GoldenSvgTest.class.getResourceAsStream("/plots/" + name + ".svg")) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), svg, name + ".svg differs from the golden file");
        }
    }
}
