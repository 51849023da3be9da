package dev.qlens.cli.commands;

import com.google.gson.JsonObject;
import dev.qlens.cli.jobs.plot.CompareFigures;
import dev.qlens.cli.jobs.plot.EvalFigures;
import dev.qlens.cli.jobs.plot.QuantizeFigures;
import dev.qlens.cli.jobs.plot.ReportFile;
import dev.qlens.cli.jobs.plot.StaircaseFigure;
import dev.qlens.cli.jobs.plot.SvdFigures;
import dev.qlens.cli.jobs.plot.SweepFigures;
import dev.qlens.cli.jobs.plot.TensorCurves;
import dev.qlens.cli.jobs.sweep.AssignmentFiles;
import dev.qlens.cli.jobs.sweep.ResultsFolder;
import dev.qlens.cli.plot.Figure;
import dev.qlens.core.QlensException;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.QuantFormat;
import dev.qlens.formats.convention.Convention;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens plot}: pictures of formats, tensors and reports, as SVG, PNG or a self-contained HTML page. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        header = "Draw pictures of formats, tensors and the reports of compare, sweep, svd, quantize and eval.",
        description = {"Writes SVG (real text, small files), PNG or a self-contained HTML report (inline SVG, no "
                + "network access). The extension of -o picks the kind; a folder gets one file per picture."},
        subcommands = {PlotCommand.Staircase.class, PlotCommand.Tensor.class, PlotCommand.Compare.class,
                PlotCommand.Sweep.class, PlotCommand.Svd.class, PlotCommand.Quantize.class, PlotCommand.Eval.class})
public final class PlotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("qlens plot: say what to plot (staircase, tensor, compare, sweep, svd, quantize, eval)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    static List<QuantFormat> formats(List<String> names) {
        List<QuantFormat> out = new ArrayList<>();
        if (names != null) {
            for (String n : names) {
                if (!n.equalsIgnoreCase("all")) {
                    out.add(FormatCatalog.parse(n));
                }
            }
        }
        return out;
    }

    /** {@code qlens plot staircase}. */
    @Command(name = "staircase", mixinStandardHelpOptions = true,
            header = "Draw the seed's synthetic amax to reconstructed-value staircases of formats.",
            description = {"x runs over [0, 1] in 400 float32 steps; element formats map x itself, block formats map x "
                    + "as the largest value of a random block (averaged over --rand-samples blocks), BFP also with its "
                    + "ideal per-element exponent. Without -c: mxfp4, nvfp4, bf16, bfp8, bfp4, bfp2 and fp0."})
    static final class Staircase implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        PlotOutput output;

        @Option(names = {"-c", "--compress"}, paramLabel = "FORMAT", description = "A format to draw (repeatable; any catalog name, or all).")
        List<String> formats;

        @Option(names = "--rand-samples", paramLabel = "N", defaultValue = "100", description = "Random blocks per point (default 100).")
        int randSamples;

        @Override
        public Integer call() throws Exception {
            Figure f = StaircaseFigure.of(formats(formats), randSamples);
            output.write(spec.commandLine().getOut(), List.of(f), "qlens: amax → reconstructed value", Map.of(), List.of());
            return 0;
        }
    }

    /** {@code qlens plot tensor}. */
    @Command(name = "tensor", mixinStandardHelpOptions = true,
            header = "Draw each format's reconstruction over a tensor's real value range, with its MAE.",
            description = {"One picture per selected tensor (filters as in sweep). The curves quantize --points evenly "
                    + "spaced values between the tensor's minimum and maximum as one row, as the seed does; the MAE "
                    + "in the legend is measured on the whole tensor with its true block layout, as sweep measures it."})
    static final class Tensor implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        PlotOutput output;
        @Mixin
        HubOptions hub;

        @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "Checkpoint (safetensors, index, directory or ONNX).")
        Path checkpoint;

        @Parameters(index = "1..*", paramLabel = "FILTER", description = "Tensor filters: a dotted prefix or a substring.")
        List<String> filters = new ArrayList<>();

        @Option(names = "--regex", description = "Read the filters as regular expressions.")
        boolean regex;

        @Option(names = "--limit", paramLabel = "N", description = "At most N tensors (after sorting by name).")
        Integer limit;

        @Option(names = {"-c", "--compress"}, paramLabel = "FORMAT", description = "A format to draw (repeatable; any catalog name, or all).")
        List<String> formats;

        @Option(names = "--points", paramLabel = "N", defaultValue = "1200", description = "Points per curve (default 1200).")
        int points;

        @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: available processors).")
        Integer threads;

        @Option(names = "--convention", paramLabel = "LIST", defaultValue = "auto",
                description = "Quantization conventions to apply when reading (auto, none or a comma list).")
        String convention;

        @Override
        public Integer call() throws Exception {
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            List<Figure> figs = TensorCurves.of(new TensorCurves.Options(checkpoint, filters, regex, limit,
                    formats(formats), points, Convention.parseSelection(convention), t, true));
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("checkpoint", checkpoint.toString());
            facts.put("tensors", Integer.toString(figs.size()));
            output.write(spec.commandLine().getOut(), figs, "qlens: tensors of " + checkpoint.getFileName(), facts,
                    List.of(checkpoint));
            return 0;
        }
    }

    /**
     * The plots of one JSON report: read it (checking that it is the right kind), draw its figures,
     * write them. A subclass says which kind and how to draw it.
     */
    abstract static class ReportPlot implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        PlotOutput output;

        @Parameters(index = "0", paramLabel = "REPORT.json", description = "The JSON report.")
        Path report;

        abstract ReportFile.Kind kind();

        abstract List<Figure> figures(JsonObject r);

        abstract Map<String, String> facts(JsonObject r);

        /** What to say when the report has nothing to draw. */
        String nothing() {
            return "the report has nothing to draw";
        }

        @Override
        public Integer call() throws Exception {
            JsonObject r = ReportFile.read(report, kind());
            List<Figure> figs = figures(r);
            if (figs.isEmpty()) {
                throw new QlensException(report + ": " + nothing());
            }
            output.write(spec.commandLine().getOut(), figs, "qlens " + kind().name().toLowerCase(java.util.Locale.ROOT)
                    + ": " + report.getFileName(), facts(r), List.of(report));
            return 0;
        }
    }

    /** {@code qlens plot compare}. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            header = "Draw a compare report: SNR per layer, relative-error percentiles, the worst layers.",
            description = {"Reads the JSON written by qlens compare --report (or qlens demo)."})
    static final class Compare extends ReportPlot {
        @Option(names = "--worst", paramLabel = "N", defaultValue = "20", description = "Layers in the worst-layers chart (default 20).")
        int worst;

        @Override
        ReportFile.Kind kind() {
            return ReportFile.Kind.COMPARE;
        }

        @Override
        List<Figure> figures(JsonObject r) {
            return CompareFigures.of(r, worst);
        }

        @Override
        Map<String, String> facts(JsonObject r) {
            return CompareFigures.facts(r);
        }
    }

    /** {@code qlens plot sweep}. */
    @Command(name = "sweep", mixinStandardHelpOptions = true,
            header = "Draw a sweep: bits per element against quality per tensor, and mixed-tile maps.",
            description = {"Reads a sweep results folder (results.json and the assignment maps beside it) or a "
                    + "results.json; FILTER keeps the tensors whose names contain it."})
    static final class Sweep implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        PlotOutput output;

        @Parameters(index = "0", paramLabel = "RESULTS", description = "A sweep results folder or its results.json.")
        Path results;

        @Parameters(index = "1..*", paramLabel = "FILTER", description = "Only tensors whose names contain one of these.")
        List<String> filters = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Path json = Files.isDirectory(results) ? results.resolve("results.json") : results;
            if (!Files.exists(json)) {
                throw new QlensException(results + ": no results.json here (give a sweep results folder or its results.json)");
            }
            JsonObject r = ReportFile.read(json, ReportFile.Kind.SWEEP);
            Path dir = json.toAbsolutePath().getParent();
            SweepFigures.Maps maps = name -> {
                Path npy = dir.resolve(ResultsFolder.slug(name) + "_assignment.npy");
                Path mapping = dir.resolve(ResultsFolder.slug(name) + "_assignment_mapping.json");
                return Files.exists(npy) ? AssignmentFiles.read(npy, Files.exists(mapping) ? mapping : null) : null;
            };
            output.write(spec.commandLine().getOut(), SweepFigures.of(r, filters, maps), "qlens sweep: "
                    + dir.getFileName(), SweepFigures.facts(r), List.of(json));
            return 0;
        }
    }

    /** {@code qlens plot svd}. */
    @Command(name = "svd", mixinStandardHelpOptions = true,
            header = "Draw a singular-value spectrum and its energy curve from qlens svd --json.",
            description = {"Reads the JSON printed by qlens svd --json (saved to a file)."})
    static final class Svd extends ReportPlot {
        @Override
        ReportFile.Kind kind() {
            return ReportFile.Kind.SVD;
        }

        @Override
        List<Figure> figures(JsonObject r) {
            return SvdFigures.of(r);
        }

        @Override
        Map<String, String> facts(JsonObject r) {
            return SvdFigures.facts(r);
        }
    }

    /** {@code qlens plot quantize}. */
    @Command(name = "quantize", mixinStandardHelpOptions = true,
            header = "Draw a quantize report: weight SNR and held-out output error per layer, before and after.",
            description = {"Reads the JSON written by qlens quantize --report."})
    static final class Quantize extends ReportPlot {
        @Override
        ReportFile.Kind kind() {
            return ReportFile.Kind.QUANTIZE;
        }

        @Override
        List<Figure> figures(JsonObject r) {
            return QuantizeFigures.of(r);
        }

        @Override
        Map<String, String> facts(JsonObject r) {
            return QuantizeFigures.facts(r);
        }

        @Override
        String nothing() {
            return "no layer was quantized, so there is nothing to draw";
        }
    }

    /** {@code qlens plot eval}. */
    @Command(name = "eval", mixinStandardHelpOptions = true,
            header = "Draw an eval report: embedding agreement per scheme and activation SNR per layer.",
            description = {"Reads the JSON written by qlens eval --report."})
    static final class Eval extends ReportPlot {
        @Override
        ReportFile.Kind kind() {
            return ReportFile.Kind.EVAL;
        }

        @Override
        List<Figure> figures(JsonObject r) {
            return EvalFigures.of(r);
        }

        @Override
        Map<String, String> facts(JsonObject r) {
            return EvalFigures.facts(r);
        }

        @Override
        String nothing() {
            return "the report has no quantized scheme, so there is nothing to draw";
        }
    }
}
