package dev.qlens.cli.jobs.sweep;

import dev.qlens.cli.util.Json;
import dev.qlens.core.io.AtomicOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes a sweep's results folder {@code <out>/<model>/<algorithm>/<yyyyMMdd-HHmmss>/}: {@code
 * table.txt} (the report without colour), {@code results.json}, {@code compression_config.used.json},
 * and for mixed-tile runs each tensor's assignment map ({@code <tensor>_assignment.npy} and its
 * mapping JSON), plus {@code mixed_tile_random/<tensor>.csv} with every candidate for
 * mixed-tile-random. Every file is written atomically.
 */
public final class ResultsFolder {
    private ResultsFolder() {
    }

    /** A file-name-safe form of a tensor or model name. */
    public static String slug(String name) {
        return dev.qlens.cli.util.FileNames.slug(name, "tensor");
    }

    /** Creates the run folder and writes everything; returns the folder. */
    public static Path write(Path out, SweepJob.Result result, boolean summary) throws IOException {
        SweepReport r = result.report();
        String model = slug(Path.of(r.checkpoint()).getFileName().toString().replaceFirst("\\.(safetensors|onnx|json)$", ""));
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
        Path base = out.resolve(model).resolve(r.config().algorithm());
        Path dir = base.resolve(stamp);
        for (int i = 2; Files.exists(dir); i++) {
            dir = base.resolve(stamp + "-" + i);
        }
        writeInto(dir, result, summary);
        return dir;
    }

    /** Writes the results of a run into {@code dir} (created when missing): what a run folder holds. */
    public static void writeInto(Path dir, SweepJob.Result result, boolean summary) throws IOException {
        SweepReport r = result.report();
        Files.createDirectories(dir);
        write(dir.resolve("table.txt"), SweepText.render(r, summary, false));
        write(dir.resolve("results.json"), Json.GSON.toJson(SweepJson.of(r)) + "\n");
        write(dir.resolve("compression_config.used.json"), Json.GSON.toJson(r.config().used(
                r.tileFormats().isEmpty() ? r.formats() : r.tileFormats())) + "\n");
        for (TensorSweep.Outcome o : result.outcomes()) {
            if (o.assignment() == null) {
                continue;
            }
            String slug = slug(o.result().name());
            TileGrid grid = TileGrid.of(o.result().shape());
            AssignmentFiles.write(dir.resolve(slug + "_assignment.npy"), dir.resolve(slug + "_assignment_mapping.json"),
                    grid, o.assignment().formatIndex(), o.tileFormats());
            if (!o.assignment().samples().isEmpty()) {
                write(dir.resolve("mixed_tile_random").resolve(slug + ".csv"), samplesCsv(o));
            }
        }
    }

    private static String samplesCsv(TensorSweep.Outcome o) {
        List<TileFormat> f = o.tileFormats();
        StringBuilder sb = new StringBuilder("sample_id");
        f.forEach(x -> sb.append(',').append(x.cliName()).append("_tiles"));
        sb.append(",total_gb,pcc,mae,atol\n");
        for (TileAssignment.Sample s : o.assignment().samples()) {
            sb.append(s.id());
            for (int i = 0; i < f.size(); i++) {
                sb.append(',').append(s.counts()[i]);
            }
            sb.append(String.format(Locale.ROOT, ",%.9g,%.9g,%.9g,%.9g%n", s.bytes() / 1e9, s.metrics().pcc(),
                    s.metrics().mae(), s.metrics().atol()));
        }
        return sb.toString();
    }

    private static void write(Path file, String text) throws IOException {
        AtomicOutput.writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
