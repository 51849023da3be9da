package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.jobs.plot.SweepFigures;
import dev.qlens.cli.jobs.sweep.AssignmentFiles;
import dev.qlens.cli.jobs.sweep.CompressionConfig;
import dev.qlens.cli.jobs.sweep.Reconstruct;
import dev.qlens.cli.jobs.sweep.ResultsFolder;
import dev.qlens.cli.jobs.sweep.SweepCsv;
import dev.qlens.cli.jobs.sweep.SweepJob;
import dev.qlens.cli.jobs.sweep.SweepJson;
import dev.qlens.cli.jobs.sweep.SweepOptions;
import dev.qlens.cli.jobs.sweep.SweepPart;
import dev.qlens.cli.jobs.sweep.SweepText;
import dev.qlens.cli.jobs.shard.PartFile;
import dev.qlens.cli.jobs.shard.Shard;
import dev.qlens.cli.jobs.sweep.TensorSweep;
import dev.qlens.cli.jobs.sweep.TileGrid;
import dev.qlens.cli.util.Ansi;
import dev.qlens.cli.util.Json;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.AtomicOutput;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.QuantFormat;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.Convention;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens sweep}: every format on every tensor, the recommendation, mixed per-tile formats. */
@Command(name = "sweep",
        header = "Fake-quantize tensors in every format and recommend the cheapest that meets a quality bar.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fake-quantize every selected tensor in every format and report pcc, mae, atol, SNR, bits per "
                + "element (scales included) and bytes; recommend per tensor the format with the fewest bits that "
                + "meets --min-pcc (or --min-snr); run a compression algorithm from --compression-config (transpose, "
                + "mixed-tile-greedy, mixed-tile-random, mixed-tile-threshold) beside the baseline. Results go to "
                + "<out>/<model>/<algorithm>/<timestamp>/. See docs/sweep.md."})
public final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    HubOptions hub;

    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "Checkpoint to sweep.")
    Path checkpoint;

    @Parameters(index = "1..*", paramLabel = "FILTER", description = "Tensor filters as in inspect: a dotted query is a"
            + " prefix match on name components, anything else a case-insensitive substring.")
    List<String> filters = new ArrayList<>();

    @Option(names = {"-c", "--compress"}, paramLabel = "FORMAT", description = "A format to try (repeatable; any"
            + " catalog name, see qlens formats); 'all' for the default set. Default: the config's formats, else all.")
    List<String> compress = new ArrayList<>();

    @Option(names = "--compression-config", paramLabel = "FILE", description = "Compression algorithm config (JSON,"
            + " the seed tool's schema: algorithm, quantization_formats, params, seed).")
    Path configFile;

    @Option(names = "--limit", paramLabel = "N", description = "Sweep only the first N matching tensors (sorted by name).")
    Integer limit;

    @Option(names = "--summary", description = "Add the mean of every metric per format over tensors.")
    boolean summary;

    @Option(names = "--min-pcc", paramLabel = "P", defaultValue = "0.999",
            description = "Recommendation: fewest bits with pcc at least P (default: ${DEFAULT-VALUE}).")
    double minPcc;

    @Option(names = "--min-snr", paramLabel = "DB", description = "Recommendation: fewest bits with SNR at least DB"
            + " instead of the pcc bound.")
    Double minSnr;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "results",
            description = "Results folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-save", description = "Do not write a results folder.")
    boolean noSave;

    @Option(names = "--recompute", description = "Ignore cached results and refresh them.")
    boolean recompute;

    @Option(names = "--no-cache", description = "Neither read nor write the cache.")
    boolean noCache;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Metrics cache (default: <out>/.cache).")
    Path cacheDir;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    int threads = Parallel.defaultThreads();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "stdout: table (default), json or csv.")
    String format;

    @Option(names = "--regex", description = "Treat the filters as regular expressions.")
    boolean regex;

    @Option(names = "--convention", paramLabel = "LIST", defaultValue = "auto",
            description = "Quantization conventions to apply when reading (auto, none or a comma list).")
    String convention;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report with pictures"
            + " (bits per element against quality per tensor, mixed-tile maps); see qlens plot sweep.")
    Path html;

    @Option(names = "--shard", paramLabel = "K/N", description = "Sweep only share K of N of the tensors (a stable split"
            + " by name and size), writing its part to --part instead of a results folder; qlens merge joins the parts.")
    String shard;

    @Option(names = "--part", paramLabel = "FILE", description = "Where a --shard run writes its part (JSON for qlens merge).")
    Path part;

    @Option(names = "--reconstruct", paramLabel = "ASSIGNMENT.npy", description = "Instead of sweeping: rebuild the"
            + " tensor named by FILTER from a mixed-tile assignment map and write it as float32 .npy.")
    Path reconstruct;

    @Option(names = "--assignment-mapping", paramLabel = "JSON", description = "Mapping JSON of --reconstruct"
            + " (default: the seed's codes bf16 0, bfp8 1, bfp4 2, bfp2 3).")
    Path mapping;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Output of --reconstruct (default:"
            + " <assignment>_recon.npy).")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        Set<Convention> conventions;
        try {
            conventions = Convention.parseSelection(convention);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (reconstruct != null) {
            return reconstruct(stdout, conventions);
        }
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!List.of("table", "json", "csv").contains(fmt)) {
            throw new ParameterException(spec.commandLine(), "--format must be table, json or csv, not " + format);
        }
        PlotOutput.checkHtml(html, List.of(checkpoint));
        Shard sh = ShardOptions.check(spec, shard, part, html != null, List.of(checkpoint));
        CompressionConfig config = configFile == null ? CompressionConfig.none() : CompressionConfig.read(configFile);
        List<QuantFormat> formats = formats(config);
        Path cache = noCache ? null : cacheDir != null ? cacheDir : out.resolve(".cache");
        SweepOptions o = new SweepOptions(checkpoint, filters, regex, formats, limit, config, minPcc, minSnr, threads,
                cache, recompute, conventions, true, sh);
        SweepJob.Result result;
        Path folder = null;
        if (sh != null) {
            SweepPart.Run run = SweepJob.runPart(o);
            PartFile.write(part, run.header(), run.part());
            result = run.result();
        } else {
            result = SweepJob.run(o);
            folder = noSave ? null : ResultsFolder.write(out, result, summary);
        }
        if (html != null) {
            writeHtml(result, fmt.equals("table") ? stdout : spec.commandLine().getErr());
        }
        switch (fmt) {
            case "json":
                stdout.println(Json.GSON.toJson(SweepJson.of(result.report())));
                break;
            case "csv":
                stdout.print(SweepCsv.of(result.report()));
                break;
            default:
                stdout.print(SweepText.render(result.report(), summary, Ansi.stdoutIsTerminal()));
                if (folder != null) {
                    stdout.println("results written to " + folder);
                }
                if (sh != null) {
                    stdout.println("shard " + sh + ": " + result.report().tensors().size() + " tensors; part written to "
                            + part + " (join all parts with qlens merge)");
                }
        }
        stdout.flush();
        return 0;
    }

    private void writeHtml(SweepJob.Result result, PrintWriter note) throws java.io.IOException {
        Map<String, AssignmentFiles.Map> maps = new java.util.HashMap<>();
        for (TensorSweep.Outcome oc : result.outcomes()) {
            if (oc.assignment() != null) {
                maps.put(oc.result().name(), AssignmentFiles.of(TileGrid.of(oc.result().shape()),
                        oc.assignment().formatIndex(), oc.tileFormats()));
            }
        }
        com.google.gson.JsonObject j = SweepJson.of(result.report());
        PlotOutput.html(note, html, SweepFigures.of(j, List.of(), maps::get), "qlens sweep: " + checkpoint.getFileName(),
                SweepFigures.facts(j), List.of(checkpoint));
    }

    private List<QuantFormat> formats(CompressionConfig config) {
        List<String> names = new ArrayList<>(compress);
        if (names.isEmpty()) {
            names.addAll(config.formats());
        }
        Map<String, QuantFormat> out = new LinkedHashMap<>();
        if (names.isEmpty() || names.stream().anyMatch(n -> n.equalsIgnoreCase("all"))) {
            FormatCatalog.sweepDefaults().forEach(f -> out.put(f.name(), f));
        }
        for (String n : names) {
            if (n.equalsIgnoreCase("all")) {
                continue;
            }
            try {
                QuantFormat f = FormatCatalog.parse(n);
                out.putIfAbsent(f.name(), f);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        return List.copyOf(out.values());
    }

    private int reconstruct(PrintWriter stdout, Set<Convention> conventions) throws Exception {
        if (filters.size() != 1) {
            throw new ParameterException(spec.commandLine(), "--reconstruct needs exactly one tensor name after the"
                    + " checkpoint");
        }
        String name = filters.get(0);
        Path target = output != null ? output
                : reconstruct.resolveSibling(reconstruct.getFileName().toString().replaceFirst("\\.npy$", "")
                + "_recon.npy");
        try (Checkpoint c = Checkpoints.open(checkpoint)) {
            AtomicOutput.checkTarget(target, c.files(), true);
            LogicalTensor t = CheckpointView.of(c, conventions).tensor(name);
            if (t == null) {
                throw new QlensException(checkpoint + ": no tensor named '" + name + "'");
            }
            AssignmentFiles.Map map = AssignmentFiles.read(reconstruct, mapping);
            Reconstruct.run(t.open(), t.shape(), map, target);
        }
        stdout.println("rebuilt " + name + " from " + reconstruct + " into " + target);
        stdout.flush();
        return 0;
    }
}
