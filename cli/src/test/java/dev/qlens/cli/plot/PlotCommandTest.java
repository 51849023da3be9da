package dev.qlens.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.CliRunner;
import dev.qlens.core.testing.SafetensorsBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/** {@code qlens plot} and the {@code --html} options end to end, on a small generated checkpoint. */
class PlotCommandTest {
    @TempDir
    Path dir;
    Path model;

    @BeforeEach
    void model() throws Exception {
        Random r = new Random(11);
        float[] a = new float[96 * 128];
        float[] b = new float[64 * 64];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() * 0.02 * (1 + (i % 128) / 32));
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (r.nextGaussian() * 0.05);
        }
        model = new SafetensorsBuilder().f32("blocks.0.attn.weight", new long[] {96, 128}, a)
                .f32("blocks.0.mlp.weight", new long[] {64, 64}, b).write(dir.resolve("m.safetensors"));
    }

    private static CliRunner.Result ok(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + "\n" + r.err());
        return r;
    }

    /** Every inline SVG of an HTML page, parsed as XML. */
    static List<SvgDoc> inlineSvgs(String html) throws Exception {
        List<SvgDoc> out = new ArrayList<>();
        Matcher m = Pattern.compile("<svg .*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            out.add(new SvgDoc(m.group()));
        }
        return out;
    }

    @Test
    void compareReportAsFilesAndAsHtml() throws Exception {
        Path q = dir.resolve("q.safetensors");
        ok("-q", "cast", model.toString(), "-o", q.toString(), "--dtype", "F8_E4M3", "--saturate");
        Path report = dir.resolve("r.json");
        Path html = dir.resolve("c.html");
        CliRunner.Result c = ok("-q", "compare", model.toString(), q.toString(), "--report", report.toString(),
                "--html", html.toString());
        assertTrue(c.out().contains("HTML report written to " + html), c.out());
        String page = Files.readString(html);
        assertTrue(page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"" + HtmlReport.CSP + "\">"));
        for (String id : List.of("fig-snr-per-layer", "fig-relative-error", "fig-worst-layers")) {
            assertTrue(page.contains("<figure id=\"" + id + "\">"), id);
        }
        assertFalse(page.contains("<script"), "no script");
        assertEquals(3, inlineSvgs(page).size());

        Path out = dir.resolve("pics");
        ok("-q", "plot", "compare", report.toString(), "-o", out.toString());
        SvgDoc snr = new SvgDoc(Files.readString(out.resolve("snr-per-layer.svg")));
        Element bars = snr.groups("series").get(0);
        assertEquals(2, SvgDoc.count(bars, "rect"), "one bar per layer");
        assertTrue(snr.texts().containsAll(List.of("blocks.0.attn.weight", "blocks.0.mlp.weight", "SNR (dB)")));
        JsonObject rep = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
        double maxSnr = 0;
        for (JsonElement l : rep.getAsJsonArray("layers")) {
            maxSnr = Math.max(maxSnr, l.getAsJsonObject().get("snr_db").getAsDouble());
        }
        assertTrue(Double.parseDouble(snr.axis("x").getAttribute("data-max")) >= maxSnr);

        CliRunner.Result png = ok("-q", "plot", "compare", report.toString(), "-o", dir.resolve("png").toString(),
                "--image-format", "png", "--scale", "1");
        assertEquals(3, png.out().lines().filter(l -> l.endsWith(".png")).count());
        byte[] head = Files.readAllBytes(dir.resolve("png").resolve("worst-layers.png"));
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
    }

    @Test
    void wrongReportKindAndAmbiguousOutputAreClearErrors() throws Exception {
        Path svd = dir.resolve("svd.json");
        Files.writeString(svd, ok("svd", model.toString(), "blocks.0.mlp.weight", "-k", "8", "--json").out());
        CliRunner.Result wrong = CliRunner.run("plot", "compare", svd.toString());
        assertEquals(1, wrong.exitCode());
        assertTrue(wrong.err().contains("is not a compare report; it is a svd report: use qlens plot svd"), wrong.err());

        CliRunner.Result many = CliRunner.run("plot", "svd", svd.toString(), "-o", dir.resolve("one.svg").toString());
        assertEquals(1, many.exitCode());
        assertTrue(many.err().contains("makes 2 pictures"), many.err());
        assertFalse(Files.exists(dir.resolve("one.svg")));

        CliRunner.Result kind = CliRunner.run("plot", "staircase", "-o", dir.resolve("x.gif").toString());
        assertEquals(1, kind.exitCode());
        assertTrue(kind.err().contains("unknown picture type .gif"), kind.err());

        CliRunner.Result html = CliRunner.run("svd", model.toString(), "blocks.0.mlp.weight", "--html", dir.resolve("x.txt").toString());
        assertEquals(1, html.exitCode());
        assertTrue(html.err().contains("--html needs a file name ending in .html"), html.err());

        Path svg = dir.resolve("s.svg");
        ok("-q", "plot", "svd", svd.toString(), "-o", dir.resolve("svdpics").toString());
        SvgDoc energy = new SvgDoc(Files.readString(dir.resolve("svdpics").resolve("energy.svg")));
        assertEquals("1.0", energy.axis("y").getAttribute("data-max"));
        assertEquals(List.of("energy"), energy.seriesNames());
        assertEquals("8", energy.groups("series").get(0).getAttribute("data-points"));
        assertFalse(Files.exists(svg));
    }

    @Test
    void tensorCurvesCarryTheSweepsMae() throws Exception {
        Path svg = dir.resolve("t.svg");
        ok("-q", "plot", "tensor", model.toString(), "blocks.0.attn", "-c", "bf16", "-c", "mxfp4", "--points", "200",
                "-o", svg.toString());
        SvgDoc doc = new SvgDoc(Files.readString(svg));
        JsonObject sweep = JsonParser.parseString(ok("-q", "sweep", model.toString(), "blocks.0.attn", "-c", "bf16", "-c",
                "mxfp4", "--format", "json", "--no-save", "--no-cache").out()).getAsJsonObject();
        List<String> expected = new ArrayList<>();
        for (JsonElement e : sweep.getAsJsonArray("tensors").get(0).getAsJsonObject().getAsJsonArray("results")) {
            JsonObject row = e.getAsJsonObject();
            expected.add(String.format(Locale.ROOT, "%s (MAE %.3e)", row.get("format").getAsString().toUpperCase(Locale.ROOT),
                    row.get("mae").getAsDouble()));
        }
        expected.add("Ideal");
        assertEquals(expected, doc.seriesNames());
        assertTrue(doc.texts().contains("blocks.0.attn.weight"));
        for (Element g : doc.groups("series")) {
            assertEquals("200", g.getAttribute("data-points"));
        }
    }

    @Test
    void sweepPicturesShowTheRecommendationAndTileMaps() throws Exception {
        Path cfg = dir.resolve("mixed.json");
        Files.writeString(cfg, "{\"algorithm\": \"mixed-tile-threshold\", \"quantization_formats\": [\"bfp2\", \"bfp4\","
                + " \"bfp8\", \"bf16\"], \"params\": {\"metric\": \"pcc\", \"threshold\": 0.999}}");
        Path html = dir.resolve("s.html");
        ok("-q", "sweep", model.toString(), "-c", "bf16", "-c", "fp8_e4m3", "-c", "mxfp4", "--compression-config",
                cfg.toString(), "--out", dir.resolve("res").toString(), "--no-cache", "--html", html.toString());
        Path folder;
        try (Stream<Path> s = Files.walk(dir.resolve("res"))) {
            folder = s.filter(p -> p.getFileName().toString().equals("results.json")).findFirst().orElseThrow().getParent();
        }
        JsonObject res = JsonParser.parseString(Files.readString(folder.resolve("results.json"))).getAsJsonObject();
        Path pics = dir.resolve("sweep-pics");
        ok("-q", "plot", "sweep", folder.toString(), "-o", pics.toString());
        for (JsonElement e : res.getAsJsonArray("tensors")) {
            JsonObject t = e.getAsJsonObject();
            String name = t.get("name").getAsString();
            SvgDoc points = new SvgDoc(Files.readString(pics.resolve(name + ".svg")));
            assertTrue(points.seriesNames().contains("storage formats"));
            assertTrue(points.seriesNames().contains("mixed tiles"));
            if (!t.get("recommended").isJsonNull()) {
                assertTrue(points.seriesNames().contains("recommended"));
            }
            assertTrue(points.texts().contains("pcc >= 0.999"), "the criterion line");
            SvgDoc tiles = new SvgDoc(Files.readString(pics.resolve(name + "-tiles.svg")));
            JsonObject counts = null;
            for (JsonElement row : t.getAsJsonArray("results")) {
                if (row.getAsJsonObject().get("format").getAsString().equals("MIXED")) {
                    counts = row.getAsJsonObject().getAsJsonObject("tiles");
                }
            }
            Element c = tiles.groups("counts").get(0);
            for (String f : List.of("bf16", "bfp8", "bfp4", "bfp2")) {
                assertEquals(counts.get(f).getAsString(), c.getAttribute("data-count-" + f), name + " " + f);
            }
        }
        String page = Files.readString(html);
        assertEquals(1 + 2 * 2, inlineSvgs(page).size(), "summary, and per tensor its points and its tile map");
        assertTrue(page.contains("<figure id=\"fig-blocks.0.mlp.weight-tiles\">"));
    }

    @Test
    void quantizeReportPictures() throws Exception {
        Path out = dir.resolve("q8.safetensors");
        Path report = dir.resolve("q.json");
        Path html = dir.resolve("q.html");
        ok("-q", "quantize", model.toString(), "-o", out.toString(), "--format", "float8_e4m3fn", "--report",
                report.toString(), "--html", html.toString());
        List<SvgDoc> svgs = inlineSvgs(Files.readString(html));
        assertEquals(1, svgs.size());
        assertEquals(List.of("round-to-nearest"), svgs.get(0).seriesNames());
        ok("-q", "plot", "quantize", report.toString(), "-o", dir.resolve("qp.svg").toString());
        assertEquals(2, SvgDoc.count(new SvgDoc(Files.readString(dir.resolve("qp.svg"))).groups("series").get(0), "rect"));
    }

    @Test
    void evalReportPictures() throws Exception {
        StringBuilder layers = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            layers.append(i == 0 ? "" : ",").append("{\"layer\": \"l").append(i).append("\", \"accumulated\": {\"snr_db\": ")
                    .append(30 - 2 * i).append("}, \"own\": {\"snr_db\": ").append(31 - i).append("}}");
        }
        String scheme = "{\"scheme\": \"%s\", \"embedding\": {\"cosine_mean\": %s, \"cosine_p1\": %s, "
                + "\"neighbour_overlap\": %s, \"k\": 10}, \"layers\": [%s]}";
        String json = "{\"model\": {\"name\": \"tiny\", \"layers\": 2, \"hidden\": 8}, \"texts\": {\"evaluation_texts\": 5, "
                + "\"tokens\": 40, \"source\": \"test\"}, \"seconds\": 1, \"schemes\": ["
                + String.format(Locale.ROOT, scheme, "fp32", "1", "1", "1", "") + ","
                + String.format(Locale.ROOT, scheme, "w8", "0.999", "0.99", "0.9", layers) + ","
                + String.format(Locale.ROOT, scheme, "nvfp4", "0.98", "0.95", "0.7", layers) + "]}";
        Path report = dir.resolve("eval.json");
        Files.writeString(report, json);
        Path out = dir.resolve("evalpics");
        ok("-q", "plot", "eval", report.toString(), "-o", out.toString());
        SvgDoc emb = new SvgDoc(Files.readString(out.resolve("embedding-agreement.svg")));
        assertEquals(List.of("mean", "worst 1% (1 − p1 cosine)"), emb.seriesNames());
        assertEquals(2, SvgDoc.count(emb.groups("series").get(0), "rect"), "fp32 is the reference, not a bar");
        assertEquals("log", emb.axis("x").getAttribute("data-scale"));
        SvgDoc acc = new SvgDoc(Files.readString(out.resolve("layer-snr-accumulated.svg")));
        assertEquals(List.of("w8", "nvfp4"), acc.seriesNames());
        assertEquals("4", acc.groups("series").get(0).getAttribute("data-points"));
        assertTrue(Files.exists(out.resolve("neighbour-overlap.svg")) && Files.exists(out.resolve("layer-snr-own.svg")));
    }
}
