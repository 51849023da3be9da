package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.jobs.eval.ActivationOptions;
import dev.qlens.cli.jobs.eval.CalibrateJob;
import dev.qlens.cli.jobs.eval.EvalOptions;
import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.core.model.BertConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code qlens calibrate}: every linear layer's input statistics, for GPTQ. */
@Command(name = "calibrate",
        header = "Record every linear layer's input statistics, for GPTQ and held-out output error.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a BERT model in float32 over calibration texts and save, for every linear layer, the input"
                + " second moment X^T X (float64), the input sums and ranges: what qlens quantize --method gptq needs."
                + " The same statistics over held-out texts (by default the texts qlens eval scores) let quantize report"
                + " each layer's output error on inputs GPTQ never saw. See docs/quantize.md."})
public final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    ModelSource source;

    @Option(names = {"-o", "--output"}, paramLabel = "STATS.safetensors", required = true,
            description = "Where to write the statistics.")
    Path output;

    @Option(names = "--calibration-text", paramLabel = "FILE",
            description = "Calibration texts, one per line (default: the built-in corpus's calibration part).")
    Path calibrationText;

    @Option(names = "--calibration-texts", paramLabel = "N", defaultValue = "128",
            description = "Calibration texts to use (default: ${DEFAULT-VALUE}).")
    int calibrationTexts;

    @Option(names = "--text", paramLabel = "FILE",
            description = "Held-out texts, one per line (default: the built-in corpus's evaluation part, which never"
                    + " overlaps its calibration part).")
    Path text;

    @Option(names = "--texts", paramLabel = "N", defaultValue = "0",
            description = "Held-out texts to use (default: 256 of the built-in corpus, or every line of --text).")
    int texts;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "0",
            description = "Cut texts at N tokens (default: the model's position limit).")
    int maxTokens;

    @Option(names = "--batch-tokens", paramLabel = "N", defaultValue = "512",
            description = "Tokens per forward batch (default: ${DEFAULT-VALUE}); the statistics sum batch by batch.")
    int batchTokens;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores); results do not"
            + " depend on it.")
    int threads = Parallel.defaultThreads();

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;

    @Option(names = "--no-progress", description = "Do not show a progress bar on stderr.")
    boolean noProgress;


    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BertConfig.Pooling pool = source.pooling(spec.commandLine());
        EvalOptions o;
        try {
            o = new EvalOptions(source.model, source.tokenizer, source.heads, pool, List.of("fp32"), text, calibrationText, texts,
                    calibrationTexts, maxTokens, batchTokens, 10, ActivationOptions.DEFAULT, threads);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        MavenFetcher fetcher = source.fetcher(err);
        CalibrateJob.Result r;
        try (EvalProgress progress = new EvalProgress("calibrate", !noProgress, err)) {
            r = CalibrateJob.run(o, output, force, fetcher, progress);
        }
        out.printf(Locale.ROOT, "%d layers: calibration %d texts (%d tokens), held-out %d texts (%d tokens); %.1f s%n",
                r.layers(), r.calibrationTexts(), r.calibrationTokens(), r.heldoutTexts(), r.heldoutTokens(), r.seconds());
        out.println("statistics written to " + r.output());
        out.flush();
        return 0;
    }
}
