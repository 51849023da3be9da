package dev.qlens.cli.commands;

import dev.qlens.cli.plot.Figure;
import dev.qlens.cli.plot.Pictures;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where {@code qlens plot} writes its pictures, and in which kind. */
final class PlotOutput {
    @Option(names = {"-o", "--out"}, paramLabel = "PATH", defaultValue = "plots",
            description = "A .svg or .png file (one picture), an .html report (all pictures, self-contained), or a folder "
                    + "for one file per picture (default: plots).")
    Path out;

    @Option(names = "--image-format", paramLabel = "KIND", defaultValue = "svg",
            description = "Kind of the files written into a folder: svg (default) or png.")
    String imageFormat;

    @Option(names = "--scale", paramLabel = "X", defaultValue = "2",
            description = "PNG pixels per layout pixel (default 2: sharp on high-density screens).")
    double scale;

    /** Writes the figures and lists the files on stdout. */
    void write(PrintWriter stdout, List<Figure> figures, String title, Map<String, String> facts, List<Path> inputs)
            throws java.io.IOException {
        if (!(scale > 0 && scale <= 8)) {
            throw new IllegalArgumentException("--scale must be in (0, 8], not " + scale);
        }
        for (Path p : Pictures.write(figures, out, imageFormat, scale, title, facts, inputs)) {
            stdout.println("wrote " + p);
        }
    }

    /** Checks an --html target before a long run: an .html name that is none of the inputs. */
    static void checkHtml(Path html, List<Path> inputs) {
        if (html == null) {
            return;
        }
        if (!html.getFileName().toString().toLowerCase(java.util.Locale.ROOT).matches(".*\\.html?")) {
            throw new IllegalArgumentException("--html needs a file name ending in .html, not " + html);
        }
        dev.qlens.core.io.AtomicOutput.checkTarget(html, inputs, true);
    }

    /**
     * Writes an HTML report of a command's result to {@code html} (the --html option of compare, sweep, svd,
     * quantize, eval; checked by {@link #checkHtml} before the run) and says so on {@code note}.
     */
    static void html(PrintWriter note, Path html, List<Figure> figures, String title, Map<String, String> facts,
                     List<Path> inputs) throws java.io.IOException {
        if (figures.isEmpty()) {
            note.println("no HTML report: nothing to draw");
            return;
        }
        Pictures.write(figures, html, "svg", 1, title, facts, inputs);
        note.println("HTML report written to " + html);
    }
}
