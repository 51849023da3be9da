package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.jobs.check.CheckJob;
import dev.qlens.cli.jobs.check.CheckOptions;
import dev.qlens.cli.jobs.check.CheckOutput;
import dev.qlens.cli.jobs.check.CheckReport;
import dev.qlens.cli.util.Json;
import dev.qlens.core.QlensException;
import dev.qlens.formats.convention.Convention;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens check}: compliance of quantized checkpoints, a ComfyUI load check, and QBench's value compliance. */
@Command(name = "check",
        header = "Check a quantized checkpoint, or fake-quantized tensors, before shipping it.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check a quantized checkpoint before shipping it: ComfyUI's metadata (.comfy_quant JSON and the"
                + " header entry), that the format loads in mainline ComfyUI, storage dtypes, scale shapes (the [out] vs"
                + " [out, 1] trap), padding, codes and scales (no NaN codes, E8M0 never 0xFF, E4M3 block scales finite and"
                + " non-negative), input_scale, and dequantized values finite, for every convention qlens reads. With"
                + " --original, each layer's SNR against the original, failing below --min-snr.",
                "With --format FORMAT (or --config), QBench's compliance instead: every value of the float tensors must be"
                + " representable in that catalog format at the scales the format infers.",
                "Exit codes: 0 compliant, 1 not compliant, 2 usage or input errors. Rules: docs/check.md."})
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    HubOptions hub;

    @Parameters(index = "0", paramLabel = "CKPT", description = "Checkpoint to check (safetensors, shard set or ONNX).")
    Path checkpoint;

    @Option(names = "--original", paramLabel = "ORIG", description = "The original checkpoint: adds each layer's SNR.")
    Path original;

    @Option(names = "--min-snr", paramLabel = "DB", defaultValue = "15",
            description = "With --original, layers below this SNR are errors (default 15 dB).")
    double minSnr;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
            description = "Compliance mode: every selected float tensor must be representable in this catalog format.")
    String format;

    @Option(names = "--config", paramLabel = "FILE", description = "Compliance formats per tensor: JSON"
            + " {\"default\": FORMAT, \"tensors\": {REGEX: FORMAT or null}}.")
    Path config;

    @Option(names = "--only", paramLabel = "REGEX", description = "Compliance mode: check only tensors whose name matches.")
    String only;

    @Option(names = "--max-examples", paramLabel = "N", defaultValue = "5",
            description = "Failing values listed per tensor (default 5).")
    int maxExamples;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Also print info lines (which ComfyUI first loads each format).")
    boolean verbose;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    int threads = Parallel.defaultThreads();

    @Option(names = "--convention", paramLabel = "LIST", defaultValue = "auto",
            description = "Conventions used to read the checkpoint (see qlens inspect).")
    String convention;

    @Option(names = "--no-progress", description = "Do not show progress on stderr.")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CheckReport r;
        try {
            if (maxExamples < 0 || threads < 1) {
                throw new IllegalArgumentException("--max-examples must be >= 0 and --threads >= 1");
            }
            r = CheckJob.run(new CheckOptions(checkpoint, original, minSnr, format, config,
                    only == null ? null : Pattern.compile(only), maxExamples, threads, !noProgress,
                    Convention.parseSelection(convention)));
        } catch (QlensException | IOException | UncheckedIOException | IllegalArgumentException e) {
            Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            err.println("qlens check: error: " + (t instanceof java.nio.file.NoSuchFileException
                    ? "no such file: " + t.getMessage() : t.getMessage()));
            err.flush();
            return 2;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        r.warnings().forEach(w -> err.println("qlens check: warning: " + w));
        if (json) {
            out.println(Json.GSON.toJson(CheckOutput.json(r)));
        } else {
            CheckOutput.print(r, out, verbose);
        }
        out.flush();
        err.flush();
        return r.compliant() ? 0 : 1;
    }
}
