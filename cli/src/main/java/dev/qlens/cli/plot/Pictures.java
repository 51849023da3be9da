package dev.qlens.cli.plot;

import dev.qlens.core.QlensException;
import dev.qlens.core.io.AtomicOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes figures where the user asked: a {@code .svg} or {@code .png} file (one figure), an {@code .html}
 * report (any number), or a folder (one file per figure, named by its id, in {@code folderFormat}).
 * Every file is written atomically.
 */
public final class Pictures {
    private Pictures() {
    }

    /**
     * Writes the figures and returns the files written.
     *
     * @param out a file whose extension picks the kind, or a folder
     * @param folderFormat "svg" or "png": the kind of files written into a folder
     * @param scale pixel multiplier of PNG files
     * @param title the HTML report's title
     * @param facts the HTML report's table of key facts
     * @param inputs files that must not be overwritten
     */
    public static List<Path> write(List<Figure> figures, Path out, String folderFormat, double scale, String title,
                                   Map<String, String> facts, List<Path> inputs) throws IOException {
        if (figures.isEmpty()) {
            throw new QlensException("nothing to plot");
        }
        figures = uniqueIds(figures);
        String ext = extension(out);
        List<Path> written = new ArrayList<>();
        if (ext.equals("html") || ext.equals("htm")) {
            AtomicOutput.checkTarget(out, inputs, true);
            AtomicOutput.writeBytes(out, HtmlReport.render(title, facts, figures).getBytes(StandardCharsets.UTF_8));
            written.add(out);
        } else if (ext.equals("svg") || ext.equals("png")) {
            if (figures.size() > 1) {
                throw new QlensException(out + ": this plot makes " + figures.size()
                        + " pictures; give a folder (-o plots/) or an .html file instead of one ." + ext + " file");
            }
            AtomicOutput.checkTarget(out, inputs, true);
            AtomicOutput.writeBytes(out, bytes(figures.get(0), ext, scale));
            written.add(out);
        } else if (ext.isEmpty() || Files.isDirectory(out)) {
            String kind = folderFormat.toLowerCase(Locale.ROOT);
            if (!kind.equals("svg") && !kind.equals("png")) {
                throw new QlensException("--image-format must be svg or png, not " + folderFormat);
            }
            Files.createDirectories(out);
            for (Figure f : figures) {
                Path p = out.resolve(f.id() + "." + kind);
                AtomicOutput.checkTarget(p, inputs, true);
                AtomicOutput.writeBytes(p, bytes(f, kind, scale));
                written.add(p);
            }
        } else {
            throw new QlensException(out + ": unknown picture type ." + ext + " (use .svg, .png, .html or a folder)");
        }
        return written;
    }

    /** The figures with ids made unique (a tensor named like another figure gets a "-2" suffix), so no file or id is used twice. */
    static List<Figure> uniqueIds(List<Figure> figures) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Figure> out = new ArrayList<>();
        for (Figure f : figures) {
            String id = f.id();
            for (int i = 2; !seen.add(id.toLowerCase(Locale.ROOT)); i++) {
                id = f.id() + "-" + i;
            }
            out.add(id.equals(f.id()) ? f : new Figure(id, f.caption(), f.chart()));
        }
        return out;
    }

    private static byte[] bytes(Figure f, String kind, double scale) throws IOException {
        if (kind.equals("png")) {
            try {
                return f.png(scale);
            } catch (java.awt.AWTError | UnsatisfiedLinkError | InternalError e) {
                throw new QlensException("cannot draw PNG (" + e.getMessage() + "): Java2D needs fontconfig and a font "
                        + "(Debian: apt-get install fontconfig fonts-dejavu-core); SVG and HTML need neither");
            }
        }
        return f.svg().getBytes(StandardCharsets.UTF_8);
    }

    private static String extension(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
