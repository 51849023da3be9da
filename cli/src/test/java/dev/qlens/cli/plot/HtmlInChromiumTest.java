package dev.qlens.cli.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report in a real browser (headless Chromium): it renders, it is not blank, and it makes no
 * network request. Every request Chromium makes goes to a local proxy that counts connections; a
 * control page with an external image proves that the proxy sees requests. Without Chromium the test
 * is skipped, unless QLENS_REQUIRE_CHROMIUM is set (as .ci/run sets it after installing Chromium).
 */
class HtmlInChromiumTest {
    @TempDir
    Path dir;
    private ServerSocket proxy;
    private final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    private String chromium;

    @BeforeEach
    void start() throws IOException {
        chromium = findChromium();
        if (chromium == null) {
            String required = System.getenv("QLENS_REQUIRE_CHROMIUM");
            if (required != null && !required.isEmpty()) {
                throw new AssertionError("QLENS_REQUIRE_CHROMIUM is set but no chromium is on the PATH");
            }
            Assumptions.abort("chromium is not installed (Debian: apt-get install chromium); browser test skipped");
        }
        proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "counting-proxy");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
    }

    private void serve() {
        while (!proxy.isClosed()) {
            try (Socket s = proxy.accept()) {
                s.setSoTimeout(2000);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                int n = in.read(buf);
                String first = n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
                requests.add(first);
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // closed or a client that went away: keep counting
            }
        }
    }

    /**
     * The requests the page caused: all requests except Chromium's own service traffic (clock sync,
     * sign-in and update checks to Google hosts), which headless Chromium makes whatever it loads.
     */
    private List<String> pageRequests() {
        List<String> out = new ArrayList<>();
        synchronized (requests) {
            for (String r : requests) {
                if (!r.matches("^\\S+ (https?://)?[^/ ]*(google\\.com|googleapis\\.com|gstatic\\.com|gvt[12]\\.com)[:/ ].*")) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private static String findChromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    private String run(Path page, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("profile"),
                "--proxy-server=http://127.0.0.1:" + proxy.getLocalPort(), "--proxy-bypass-list=<-loopback>"));
        cmd.addAll(List.of(extra));
        cmd.add(page.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(dir.resolve("chromium.err").toFile())
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        return new String(out, StandardCharsets.UTF_8);
    }

    private Path report() throws IOException {
        double[] x = {0, 1, 2, 3};
        XYChart lines = new XYChart("Lines <img src=\"http://qlens-test.invalid/a.png\">", null, "x", "y", false, false)
                .line("http://qlens-test.invalid/b.png", x, new double[] {1, 3, 2, 4});
        BarChart bars = new BarChart("Bars", "sub", "SNR (dB)", false, List.of("a", "b")).add("SNR", new double[] {20, 30});
        HeatMap map = new HeatMap("Map", null, new int[][] {{0, 1}, {1, 0}}, List.of("bf16", "bfp8"), "column", "row");
        Path html = dir.resolve("report.html");
        Pictures.write(List.of(new Figure("lines", "caption", lines), new Figure("bars", "", bars), new Figure("map", "", map)),
                html, "svg", 1, "qlens test report", Map.of("key", "value"), List.of());
        return html;
    }

    @Test
    void reportRendersOfflineWithoutAnyRequest() throws Exception {
        Path html = report();
        String dom = run(html, "--dump-dom");
        for (String id : List.of("fig-lines", "fig-bars", "fig-map")) {
            assertTrue(dom.contains("<figure id=\"" + id + "\">"), id + " in the DOM:\n" + dom.substring(0, Math.min(400, dom.length())));
        }
        Path shot = dir.resolve("shot.png");
        run(html, "--screenshot=" + shot, "--window-size=1200,1000");
        BufferedImage img = ImageIO.read(shot.toFile());
        assertEquals(1200, img.getWidth());
        long inked = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    inked++;
                }
            }
        }
        assertTrue(inked > (long) img.getWidth() * img.getHeight() / 4 / 100, "the screenshot is not blank: " + inked);
        assertEquals(List.of(), pageRequests(), "the report made network requests");
    }

    @Test
    void theProxySeesRequestsOfAPageThatMakesThemAndThePolicyBlocksThem() throws Exception {
        Path control = dir.resolve("control.html");
        Files.writeString(control, "<!doctype html><html><body><img src=\"http://qlens-test.invalid/x.png\"></body></html>");
        run(control, "--dump-dom");
        assertTrue(pageRequests().stream().anyMatch(r -> r.contains("qlens-test.invalid")),
                "the control page's image request reached the proxy: " + requests);
        requests.clear();
        Path guarded = dir.resolve("guarded.html");
        Files.writeString(guarded, "<!doctype html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\""
                + HtmlReport.CSP + "\"></head><body><img src=\"http://qlens-test.invalid/x.png\"></body></html>");
        run(guarded, "--dump-dom");
        assertEquals(List.of(), pageRequests(), "the report's policy blocks even markup that asks for a fetch");
    }
}
