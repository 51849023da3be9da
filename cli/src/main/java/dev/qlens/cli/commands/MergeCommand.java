package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.MergeJob;
import dev.qlens.cli.jobs.compare.CompareConsole;
import dev.qlens.cli.jobs.compare.CompareJson;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.cli.jobs.quantize.QuantizeConsole;
import dev.qlens.cli.jobs.quantize.QuantizeJson;
import dev.qlens.cli.jobs.quantize.QuantizePart;
import dev.qlens.cli.jobs.sweep.ResultsFolder;
import dev.qlens.cli.jobs.sweep.SweepJob;
import dev.qlens.cli.jobs.sweep.SweepText;
import dev.qlens.cli.util.Ansi;
import dev.qlens.cli.util.Json;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.AtomicOutput;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens merge}: the parts of {@code --shard} runs joined into the single run's output. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        header = "Join the parts of sharded compare, sweep or quantize runs into the single run's output.",
        description = {"Each part is the --part file of one --shard K/N run; every shard of the run must be given once. "
                + "compare parts become the report a single compare writes (-o REPORT.json), sweep parts a results "
                + "folder (-o DIR), quantize parts the index of the shard set and the run's report."})
public final class MergeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PART", arity = "1..*", description = "The parts (any order).")
    List<Path> parts;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH", required = true,
            description = "compare: the report file; sweep: the results folder; quantize: the index file to write.")
    Path output;

    @Option(names = "--summary", description = "sweep: the per-format summary in table.txt and on stdout, as sweep --summary.")
    boolean summary;

    @Option(names = "--report", paramLabel = "FILE", description = "quantize: write the run's JSON report here.")
    Path report;

    @Option(names = "--force", description = "Overwrite an existing output.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        MergeJob.Input in = MergeJob.read(parts);
        switch (in.kind()) {
            case "compare" -> {
                AtomicOutput.checkTarget(output, parts, force);
                CompareReport r = MergeJob.compare(in);
                AtomicOutput.writeBytes(output, (Json.GSON.toJson(CompareJson.of(r)) + "\n").getBytes(StandardCharsets.UTF_8));
                CompareConsole.print(r, CompareReport.Sort.MAE, 10, out);
                out.println();
                out.println("merged " + in.parts().size() + " parts; report written to " + output);
            }
            case "sweep" -> {
                if (java.nio.file.Files.exists(output) && !java.nio.file.Files.isDirectory(output)) {
                    throw new QlensException(output + " is a file; sweep parts merge into a results folder");
                }
                if (java.nio.file.Files.exists(output.resolve("results.json")) && !force) {
                    throw new QlensException(output + " already holds results.json (use --force to overwrite)");
                }
                SweepJob.Result r = MergeJob.sweep(in);
                ResultsFolder.writeInto(output, r, summary);
                out.print(SweepText.render(r.report(), summary, Ansi.stdoutIsTerminal()));
                out.println("merged " + in.parts().size() + " parts; results written to " + output);
            }
            case "quantize" -> {
                QuantizePart.Merged m = MergeJob.quantize(in);
                if (!output.toAbsolutePath().normalize().equals(m.index().normalize())) {
                    throw new QlensException("the parts form the shard set indexed by " + m.index() + "; give that as -o"
                            + " (the index must sit next to its files and be named after them)");
                }
                AtomicOutput.checkTarget(output, parts, force);
                if (report != null) {
                    AtomicOutput.checkTarget(report, parts, force);
                }
                AtomicOutput.writeBytes(output, m.indexJson().getBytes(StandardCharsets.UTF_8));
                if (report != null) {
                    AtomicOutput.writeBytes(report, (Json.GSON.toJson(QuantizeJson.of(m.report())) + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
                QuantizeConsole.print(m.report(), out);
                out.println("merged " + in.parts().size() + " parts; index written to " + output
                        + (report != null ? ", report to " + report : ""));
            }
            default -> throw new QlensException(parts.get(0) + ": cannot merge " + in.kind() + " parts");
        }
        out.flush();
        return 0;
    }
}
