package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.jobs.eval.ActivationOptions;
import dev.qlens.cli.jobs.eval.EvalConsole;
import dev.qlens.cli.jobs.eval.EvalJob;
import dev.qlens.cli.jobs.eval.EvalJson;
import dev.qlens.cli.jobs.plot.EvalFigures;
import dev.qlens.cli.jobs.eval.EvalOptions;
import dev.qlens.cli.jobs.eval.Scheme;
import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.cli.util.Json;
import dev.qlens.cli.util.Progress;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.AtomicOutput;
import dev.qlens.core.io.Npy;
import dev.qlens.core.model.BertConfig;
import dev.qlens.formats.w8a8.ActivationQuantization;
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
import picocli.CommandLine.Spec;

/** {@code qlens eval}: what quantization does to a real sentence-embedding model's output. */
@Command(name = "eval",
        header = "Run a real sentence-embedding model in pure Java and measure what quantization changes.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a BERT sentence-embedding model in pure Java, in float32 and under quantization schemes, on the"
                + " same texts, and measure what each scheme changes: the cosine of every text's embedding to the float32"
                + " one (mean, min, 1st and 5th percentile), the overlap of each text's nearest neighbours, and for every"
                + " linear layer the output error against float32 (accumulated through the network and the layer's own),"
                + " the float32 input range and the share of activations static W8A8 clips; throughput in tokens/s.",
                "Schemes: fp32, w8 (int8 per-channel weights), w8a8-dynamic and w8a8-static (activations int8 too, exact"
                + " int32 GEMM), ort-int8 (ONNX Runtime's own int8 model of a built-in model, run its way), any catalog"
                + " format (weight-only; qlens formats), or the path of a quantized checkpoint (qlens quantize output, an"
                + " ONNX Runtime int8 model, ...). Default: fp32, w8, w8a8-dynamic, w8a8-static, ort-int8, fp8_e4m3_t,"
                + " int4_b32, nvfp4, mxfp4. See docs/eval.md."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    ModelSource source;

    @Option(names = {"-s", "--scheme"}, paramLabel = "NAME", split = ",",
            description = "Scheme to evaluate (repeatable or comma-separated; fp32 always runs as the reference).")
    List<String> schemes = new ArrayList<>();

    @Option(names = "--text", paramLabel = "FILE",
            description = "Evaluation texts, one per line (default: the built-in English corpus, Europarl paragraphs).")
    Path text;

    @Option(names = "--calibration-text", paramLabel = "FILE",
            description = "Calibration texts for w8a8-static, one per line (default: the built-in corpus's calibration part,"
                    + " which never overlaps its evaluation part).")
    Path calibrationText;

    @Option(names = "--texts", paramLabel = "N", defaultValue = "0",
            description = "Evaluation texts to use (default: 256 of the built-in corpus, or every line of --text).")
    int texts;

    @Option(names = "--calibration-texts", paramLabel = "N", defaultValue = "64",
            description = "Calibration texts to use (default: ${DEFAULT-VALUE}).")
    int calibrationTexts;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "0",
            description = "Cut texts at N tokens including [CLS] and [SEP] (default: the model's position limit, 512;"
                    + " a limit the tokenizer file declares, like MiniLM's 128, is reported, not applied).")
    int maxTokens;

    @Option(names = "--act-scheme", paramLabel = "S", defaultValue = "symmetric",
            description = "W8A8 activations: symmetric ([-127, 127], default) or affine ([-128, 127] with a zero point).")
    String actScheme;

    @Option(names = "--per-token", description = "w8a8-dynamic: one activation scale per token instead of per tensor.")
    boolean perToken;

    @Option(names = "--dynamic-clip", paramLabel = "P", defaultValue = "none",
            description = "w8a8-dynamic: clip ranges at this quantile (e.g. 0.999) instead of min/max (default: none).")
    String dynamicClip;

    @Option(names = "--static-clip", paramLabel = "P", defaultValue = "0.999",
            description = "w8a8-static: calibrated range at this quantile of |x| (symmetric) or x (affine), the maximum over"
                    + " calibration batches, or none for min/max (default: ${DEFAULT-VALUE}, seed 004's ap999).")
    String staticClip;

    @Option(names = "--neighbours", paramLabel = "K", defaultValue = "10",
            description = "Nearest neighbours compared per text (default: ${DEFAULT-VALUE}).")
    int neighbours;

    @Option(names = "--layers", paramLabel = "WHICH", defaultValue = "accumulated",
            description = "Layer table: accumulated (default; each model on its own inputs), own (each layer on the"
                    + " float32 input) or none.")
    String layers;

    @Option(names = "--save-embeddings", paramLabel = "FILE.npy",
            description = "Write the embeddings of a single-scheme run (one scheme besides fp32, or fp32 alone) as float32"
                    + " [texts, hidden], one row per text in input order.")
    Path saveEmbeddings;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Write the full report as JSON.")
    Path report;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report with pictures"
            + " (embedding agreement per scheme, activation SNR per layer); see qlens plot eval.")
    Path html;

    @Option(names = "--json", description = "Print the JSON report to stdout instead of the tables.")
    boolean json;

    @Option(names = "--force", description = "Replace existing --save-embeddings / --report files.")
    boolean force;

    @Option(names = "--batch-tokens", paramLabel = "N", defaultValue = "512",
            description = "Tokens per forward batch (default: ${DEFAULT-VALUE}); results do not depend on it.")
    int batchTokens;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores); results do not"
            + " depend on it.")
    int threads = Parallel.defaultThreads();

    @Option(names = "--no-progress", description = "Do not show a progress bar on stderr.")
    boolean noProgress;


    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EvalOptions options = options();
        EvalConsole.LayerTable table = enumValue(EvalConsole.LayerTable.class, layers, "--layers");
        List<Scheme> parsed = Scheme.parseAll(schemes);
        if (saveEmbeddings != null && parsed.size() > 2) {
            throw new ParameterException(spec.commandLine(), "--save-embeddings needs a single scheme (got "
                    + (parsed.size() - 1) + " besides fp32); pass one --scheme");
        }
        for (Path p : new Path[] {saveEmbeddings, report}) {
            if (p != null) {
                AtomicOutput.checkTarget(p, inputs(), force);
            }
        }
        PlotOutput.checkHtml(html, inputs());
        MavenFetcher fetcher = source.fetcher(err);
        EvalJob.Result result;
        try (EvalProgress progress = new EvalProgress("eval", !noProgress, err)) {
            result = EvalJob.run(options, fetcher, progress);
        }
        if (saveEmbeddings != null) {
            String name = parsed.get(parsed.size() - 1).name();
            float[][] e = result.embeddings().get(name);
            int h = e.length == 0 ? 0 : e[0].length;
            float[] flat = new float[e.length * h];
            for (int i = 0; i < e.length; i++) {
                System.arraycopy(e[i], 0, flat, i * h, h);
            }
            Npy.writeFloats(saveEmbeddings, new long[] {e.length, h}, flat);
        }
        com.google.gson.JsonObject jsonReport = EvalJson.of(result.report());
        String jsonText = Json.GSON.toJson(jsonReport) + "\n";
        if (report != null) {
            AtomicOutput.writeBytes(report, jsonText.getBytes(StandardCharsets.UTF_8));
        }
        if (html != null) {
            PlotOutput.html(json ? spec.commandLine().getErr() : out, html, EvalFigures.of(jsonReport),
                    "qlens eval: " + result.report().model().name(), EvalFigures.facts(jsonReport), inputs());
        }
        if (json) {
            out.print(jsonText);
            out.flush();
        } else {
            EvalConsole.print(result.report(), table, out);
            if (saveEmbeddings != null) {
                out.println("embeddings of " + parsed.get(parsed.size() - 1).name() + " written to " + saveEmbeddings);
            }
            if (report != null) {
                out.println("report written to " + report);
            }
            out.flush();
        }
        return 0;
    }

    private List<Path> inputs() {
        List<Path> in = new ArrayList<>();
        for (Path p : new Path[] {text, calibrationText, source.tokenizer}) {
            if (p != null) {
                in.add(p);
            }
        }
        if (dev.qlens.cli.jobs.eval.BuiltinModel.byKey(source.model) == null) {
            in.add(Path.of(source.model));
        }
        return in;
    }

    private EvalOptions options() {
        ActivationQuantization.Scheme as = enumValue(ActivationQuantization.Scheme.class, actScheme, "--act-scheme");
        if (as == ActivationQuantization.Scheme.ORT_UINT8) {
            throw new ParameterException(spec.commandLine(), "--act-scheme must be symmetric or affine");
        }
        BertConfig.Pooling pool = source.pooling(spec.commandLine());
        try {
            ActivationOptions act = new ActivationOptions(as, perToken, clip(dynamicClip, "--dynamic-clip"),
                    clip(staticClip, "--static-clip"));
            return new EvalOptions(source.model, source.tokenizer, source.heads, pool, schemes, text, calibrationText, texts, calibrationTexts,
                    maxTokens, batchTokens, neighbours, act, threads);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private double clip(String text, String option) {
        if (text.equalsIgnoreCase("none")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), option + " must be a quantile in [0.5, 1] or none, not " + text);
        }
    }

    private <E extends Enum<E>> E enumValue(Class<E> type, String text, String option) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            List<String> names = new ArrayList<>();
            for (E v : type.getEnumConstants()) {
                names.add(v.name().toLowerCase(Locale.ROOT));
            }
            throw new ParameterException(spec.commandLine(), option + " must be one of " + names + ", not " + text);
        }
    }
}
