package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.compare.CompareConsole;
import dev.qlens.cli.jobs.compare.CompareCsv;
import dev.qlens.cli.jobs.compare.CompareJob;
import dev.qlens.cli.jobs.compare.CompareJson;
import dev.qlens.cli.jobs.compare.CompareOptions;
import dev.qlens.cli.jobs.compare.ComparePart;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.cli.jobs.shard.PartFile;
import dev.qlens.cli.jobs.shard.Shard;
import dev.qlens.cli.jobs.plot.CompareFigures;
import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.util.Json;
import dev.qlens.core.io.AtomicOutput;
import dev.qlens.formats.convention.Convention;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens compare}: per-tensor quantization error between two checkpoints. */
@Command(name = "compare",
        header = "Measure the quantization error of every tensor of a checkpoint against the original.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the quantization error of every tensor: the quantized checkpoint is dequantized "
                + "through its conventions (ComfyUI, scaled_fp8, DeepSeek, ONNX Runtime, ModelOpt) and compared "
                + "with the original, tensor by tensor, in bounded memory. Metrics: docs/metrics.md."})
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    HubOptions hub;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ORIGINAL", description = "Reference checkpoint.")
    Path originalArg;

    @Parameters(index = "1", arity = "0..1", paramLabel = "QUANTIZED", description = "Quantized checkpoint.")
    Path quantizedArg;

    @Option(names = "--original", paramLabel = "PATH", description = "Same as ORIGINAL (the seed tool's flag).")
    Path originalOpt;

    @Option(names = "--quantized", paramLabel = "PATH", description = "Same as QUANTIZED (the seed tool's flag).")
    Path quantizedOpt;

    @Option(names = {"--layers", "--layers-to-compare"}, paramLabel = "A,B", split = ",",
            description = "Compare only tensors whose name contains one of these substrings (case-sensitive).")
    List<String> layers = new ArrayList<>();

    @Option(names = {"--report", "--output-report"}, paramLabel = "FILE",
            description = "Write the full JSON report here (atomically; parent folders are created).")
    Path report;

    @Option(names = {"--top", "--top-layers"}, paramLabel = "N", defaultValue = "10",
            description = "Worst tensors to show (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--sort", paramLabel = "KEY", defaultValue = "mae",
            description = "Rank the worst tensors by mae (default), rel, snr, pcc, cosine or max.")
    String sort;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "What stdout gets: table (default), json (the full report) or csv (one row per tensor).")
    String format;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores); results do"
            + " not depend on it.")
    int threads = Parallel.defaultThreads();

    @Option(names = "--convention", paramLabel = "LIST", defaultValue = "auto",
            description = "Quantization conventions to apply to both files: auto (default), none, or a comma list of"
                    + " comfy, scaled_fp8, deepseek, onnxruntime, modelopt.")
    String convention;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report with pictures"
            + " (SNR per layer, relative-error percentiles, the worst layers); see qlens plot compare.")
    Path html;

    @Option(names = "--shard", paramLabel = "K/N", description = "Compare only share K of N of the tensors (a stable split"
            + " by name and size), writing its part to --part; qlens merge joins the parts into the full report.")
    String shard;

    @Option(names = "--part", paramLabel = "FILE", description = "Where a --shard run writes its part (JSON for qlens merge).")
    Path part;

    @Option(names = "--force", description = "Overwrite an existing --report file.")
    boolean force;

    @Option(names = "--device", paramLabel = "DEVICE", hidden = true,
            description = "Accepted for compatibility with the seed tool and ignored (qlens runs on the CPU).")
    String device;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path original = pick(originalArg, originalOpt, "original");
        Path quantized = pick(quantizedArg, quantizedOpt, "quantized");
        CompareReport.Sort order;
        java.util.Set<Convention> conventions;
        try {
            order = CompareReport.Sort.parse(sort);
            conventions = Convention.parseSelection(convention);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!List.of("table", "json", "csv").contains(fmt)) {
            throw new ParameterException(spec.commandLine(), "--format must be table, json or csv, not " + format);
        }
        if (top < 0) {
            throw new ParameterException(spec.commandLine(), "--top must be 0 or more");
        }
        if (report != null) {
            AtomicOutput.checkTarget(report, List.of(original, quantized), force);
        }
        PlotOutput.checkHtml(html, List.of(original, quantized));
        Shard sh = ShardOptions.check(spec, shard, part, report != null || html != null, List.of(original, quantized));
        if (device != null) {
            err.println("compare: note: --device is ignored; qlens computes on the CPU");
        }
        CompareOptions o = new CompareOptions(original, quantized, layers, threads, conventions, true, sh);
        CompareReport r;
        if (sh != null) {
            ComparePart.Run run = CompareJob.runPart(o, t -> { });
            PartFile.write(part, run.header(), run.part());
            r = run.report();
        } else {
            r = CompareJob.run(o);
        }
        if (report != null) {
            Path parent = report.toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
            AtomicOutput.writeBytes(report, (Json.GSON.toJson(CompareJson.of(r)) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (html != null) {
            com.google.gson.JsonObject j = CompareJson.of(r);
            PlotOutput.html(fmt.equals("table") ? out : err, html, CompareFigures.of(j, 20), "qlens compare: "
                    + original.getFileName() + " vs " + quantized.getFileName(), CompareFigures.facts(j),
                    List.of(original, quantized));
        }
        switch (fmt) {
            case "json":
                out.println(Json.GSON.toJson(CompareJson.of(r)));
                break;
            case "csv":
                out.print(CompareCsv.of(r));
                break;
            default:
                CompareConsole.print(r, order, top, out);
                if (sh != null) {
                    out.println();
                    out.println("shard " + sh + ": " + (r.layers().size() + r.identical().size()) + " tensors compared; part written to " + part
                            + " (join all parts with qlens merge)");
                }
                if (report != null) {
                    out.println();
                    out.println("report written to " + report);
                }
        }
        out.flush();
        return 0;
    }

    private Path pick(Path positional, Path option, String what) {
        if (positional != null && option != null && !positional.equals(option)) {
            throw new ParameterException(spec.commandLine(), "the " + what + " checkpoint is given twice: " + positional
                    + " and --" + what + " " + option);
        }
        Path p = positional != null ? positional : option;
        if (p == null) {
            throw new ParameterException(spec.commandLine(), "missing the " + what + " checkpoint (qlens compare"
                    + " ORIGINAL QUANTIZED)");
        }
        return p;
    }
}
