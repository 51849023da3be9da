package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.Parallel;
import dev.qlens.cli.jobs.quantize.BiasCorrection;
import dev.qlens.cli.jobs.quantize.KeepRule;
import dev.qlens.cli.jobs.quantize.Presets;
import dev.qlens.cli.jobs.quantize.QuantizeConsole;
import dev.qlens.cli.jobs.quantize.QuantizeJob;
import dev.qlens.cli.jobs.quantize.QuantizeJson;
import dev.qlens.cli.jobs.quantize.QuantizeOptions;
import dev.qlens.cli.jobs.plot.QuantizeFigures;
import dev.qlens.cli.jobs.quantize.QuantizePart;
import dev.qlens.cli.jobs.quantize.QuantizeReport;
import dev.qlens.cli.jobs.shard.PartFile;
import dev.qlens.cli.jobs.shard.Shard;
import dev.qlens.cli.util.Json;
import dev.qlens.cli.util.Sizes;
import dev.qlens.cli.util.TextTable;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.AtomicOutput;
import dev.qlens.formats.comfy.CodecSpec;
import dev.qlens.formats.comfy.ComfyFormat;
import dev.qlens.formats.comfy.LearnedRounding;
import dev.qlens.formats.convention.Convention;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens quantize}: ComfyUI-loadable quantized checkpoints, streamed, with a per-layer error report. */
@Command(name = "quantize",
        header = "Quantize the linear weights of a checkpoint into a checkpoint ComfyUI loads.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Quantize the 2-D linear weights of a checkpoint into a format ComfyUI loads and write a safetensors"
                + " checkpoint: the codes and scales in ComfyUI's exact layout, bit-identical to ComfyUI's own quantizers"
                + " (comfy-kitchen), a .comfy_quant entry per layer and the header's _quantization_metadata. Every other"
                + " tensor is copied unchanged. Tensors are streamed: memory holds a few layers, whatever the size.",
                "Mainline formats: float8_e4m3fn, float8_e5m2, nvfp4, mxfp8, int8_tensorwise (--scaling-mode, --convrot),"
                + " convrot_w4a4. With --quant-ops, the seed tool's float8_e4m3fn_rowwise, float8_e4m3fn_blockwise and"
                + " int8_blockwise, which only its ComfyUI-QuantOps custom node loads; scaled_fp8 writes the legacy layout.",
                "FP8 activations: ComfyUI quantizes them with a static scale (1.0 without input_scale), so activations above"
                + " 448 saturate on FP8 GPUs; use --input-scale or --full-precision-mm for layers whose inputs can be large"
                + " (text encoders are always run in full precision). See docs/quantize.md."})
public final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    HubOptions hub;

    @Parameters(index = "0", arity = "0..1", paramLabel = "INPUT",
            description = "Checkpoint to quantize: safetensors file, shard set (directory or index) or ONNX model.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "Output .safetensors (default: beside the input, named after it, the format and the options).")
    Path output;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "float8_e4m3fn",
            description = "Target format (default float8_e4m3fn). See qlens quantize --list-formats.")
    String format;

    @Option(names = {"--scaling-mode", "--scaling_mode"}, paramLabel = "MODE", defaultValue = "tensor",
            description = "int8_tensorwise scales: tensor (default) or row (weight_scale [out, 1]).")
    String scalingMode;

    @Option(names = "--convrot", arity = "0..1", paramLabel = "G", fallbackValue = "256",
            description = "ConvRot: Hadamard rotation per group of G input columns (G a power of 4, default 256)"
                    + " for int8_tensorwise (implies --scaling-mode row) and convrot_w4a4.")
    Integer convrot;

    @Option(names = {"--group-size", "--block-size"}, paramLabel = "N", defaultValue = "128",
            description = "Tile size of the seed tool's block formats (default 128).")
    int groupSize;

    @Option(names = "--quant-ops", description = "Allow formats mainline ComfyUI cannot load (they need the seed tool's"
            + " ComfyUI-QuantOps custom node).")
    boolean quantOps;

    @Option(names = "--preset", paramLabel = "NAME", split = ",", description = "Keep the layers of the seed tool's model"
            + " preset in original precision (t5xxl, wan, qwen, flux2, zimage, ...; see --list-presets). Repeatable.")
    List<String> presets = new ArrayList<>();

    @Option(names = {"--exclude", "--exclude-layers"}, paramLabel = "REGEX",
            description = "Keep layers whose name matches (regex search) in original precision, or give them --fallback.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--include", paramLabel = "REGEX",
            description = "Quantize layers whose name matches even when a preset or the always-kept list would keep them.")
    List<String> includes = new ArrayList<>();

    @Option(names = "--layer-config", paramLabel = "FILE", description = "Per-layer settings: JSON of regex -> {format,"
            + " skip, scaling_mode, convrot, group_size, full_precision_matrix_mult}; the most specific pattern wins.")
    Path layerConfig;

    @Option(names = "--fullmatch", description = "Layer-config patterns must match the whole layer name.")
    boolean fullMatch;

    @Option(names = "--keep-if", paramLabel = "RULE", description = "Measure each layer after quantizing and keep it in"
            + " original precision (or --fallback) when the rule holds: snr<DB, rel>X (relative Frobenius error) or"
            + " cos<X, e.g. \"snr<30\". Repeatable (any rule keeps).")
    List<String> keepIf = new ArrayList<>();

    @Option(names = "--fallback", paramLabel = "FORMAT", description = "Format for excluded, protected or unfit layers"
            + " (default options; int8_tensorwise per row) instead of keeping them.")
    String fallback;

    @Option(names = "--dry-run", description = "Print the plan (format, reason, bytes per layer; measured errors with"
            + " --keep-if) and write nothing.")
    boolean dryRun;

    @Option(names = "--scale-search", description = "Choose error-minimizing scales where the format lets the producer"
            + " choose (INT clip search per row or tensor, NVFP4 amax/6 or amax/4 per block, MXFP8 floor or ceiling"
            + " exponent). ComfyUI loads the result unchanged.")
    boolean scaleSearch;

    @Option(names = "--learned-rounding", arity = "0..1", paramLabel = "METHOD", fallbackValue = "original",
            description = "The seed's SVD objective ||U_k^T (Q - W) V_k||: original (the seed's optimizer's limit, rounded"
                    + " once) or grid (minimized after rounding). Reports round-to-nearest next to it.")
    String learned;

    @Option(names = "--method", paramLabel = "rtn|gptq", defaultValue = "rtn",
            description = "Rounding: rtn (round to nearest, default) or gptq (column by column with error feedback"
                    + " through the layer's input statistics; needs --calibration). Both write the same layout.")
    String method;

    @Option(names = "--calibration", paramLabel = "STATS",
            description = "Input statistics from qlens calibrate: GPTQ's second moments, and held-out inputs on which"
                    + " every layer's output error is reported (also with rtn).")
    Path calibration;

    @Option(names = "--gptq-damp", paramLabel = "D", defaultValue = "0.01",
            description = "GPTQ dampening, a fraction of the mean diagonal of X^T X (default: ${DEFAULT-VALUE}).")
    double gptqDamp;

    @Option(names = "--gptq-block", paramLabel = "N", defaultValue = "128",
            description = "GPTQ columns per lazy batch (default: ${DEFAULT-VALUE}); changes speed, not the result much.")
    int gptqBlock;

    @Option(names = "--act-order", description = "GPTQ: round the inputs with the largest energy first.")
    boolean actOrder;

    @Option(names = {"--top-p", "--top_p"}, paramLabel = "P", defaultValue = "0.2", description = "Learned rounding rank:"
            + " fraction of min(rows, cols) (default 0.2).")
    double topP;

    @Option(names = {"--min-k", "--min_k"}, paramLabel = "K", defaultValue = "256", description = "Smallest rank (256).")
    int minK;

    @Option(names = {"--max-k", "--max_k"}, paramLabel = "K", defaultValue = "1280", description = "Largest rank (1280).")
    int maxK;

    @Option(names = "--allow-worse", description = "Write learned rounding even when its Frobenius error is above"
            + " round-to-nearest's (by default such layers get round-to-nearest).")
    boolean allowWorse;

    @Option(names = {"--input-scale", "--input_scale"}, paramLabel = "VALUE|weight", description = "Write a static"
            + " activation scale input_scale (FP8: the value activations are divided by before the cast; 'weight' copies"
            + " the layer's weight scale, as the seed does for T5). Without it ComfyUI uses 1.0 and saturates above 448.")
    String inputScale;

    @Option(names = {"--full-precision-mm", "--full_precision_matrix_mult", "-fpmm"}, description = "Mark every"
            + " quantized layer full_precision_matrix_mult: ComfyUI dequantizes and multiplies in bf16/fp16.")
    boolean fullPrecisionMm;

    @Option(names = "--bias-correction", description = "The seed's bias correction on seeded Gaussian inputs (adds"
            + " noise of size |row error| / sqrt(samples); see docs/quantize.md for what it does not do).")
    boolean biasCorrection;

    @Option(names = {"--calib-samples", "--calib_samples"}, paramLabel = "N", defaultValue = "3072",
            description = "Gaussian rows for --bias-correction (default 3072).")
    int calibSamples;

    @Option(names = {"--seed", "--manual_seed"}, paramLabel = "S", defaultValue = "0",
            description = "Seed of the bias-correction draws and of the learned-rounding SVD.")
    long seed;

    @Option(names = "--embeddings", description = "Also quantize embedding tables (FP8 and INT8 formats only, as ComfyUI loads them).")
    boolean embeddings;

    @Option(names = "--report", paramLabel = "FILE", description = "Write every number of the run as JSON.")
    Path report;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report with pictures"
            + " (weight SNR and held-out output error per layer, before and after); see qlens plot quantize.")
    Path html;

    @Option(names = "--shard", paramLabel = "K/N", description = "Quantize only share K of N of the modules (a stable split"
            + " by name and size) into OUTPUT-0000K-of-0000N.safetensors, and write its part to --part; qlens merge writes"
            + " the shard set's index and the run's report.")
    String shard;

    @Option(names = "--part", paramLabel = "FILE", description = "Where a --shard run writes its part (JSON for qlens merge).")
    Path part;

    @Option(names = "--shard-size", paramLabel = "SIZE", description = "Split the output into shards of at most SIZE"
            + " (e.g. 5GB), with a .safetensors.index.json.")
    String shardSize;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores); the output is"
            + " identical for any count.")
    int threads = Parallel.defaultThreads();

    @Option(names = "--convention", paramLabel = "LIST", defaultValue = "auto",
            description = "Conventions used to read an already quantized input (see qlens inspect).")
    String convention;

    @Option(names = "--force", description = "Replace the output if it exists (an input is never replaced).")
    boolean force;

    @Option(names = "--no-progress", description = "Do not show progress on stderr.")
    boolean noProgress;

    @Option(names = "--list-presets", description = "List the model presets and exit.")
    boolean listPresets;

    @Option(names = "--list-formats", description = "List the formats with their layouts and exit.")
    boolean listFormats;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (listPresets || listFormats) {
            list(out);
            return 0;
        }
        if (input == null) {
            throw new QlensException("missing INPUT: the checkpoint to quantize (see qlens quantize --help)");
        }
        QuantizeOptions o = options();
        if (report != null) {
            AtomicOutput.checkTarget(report, List.of(input), force);
        }
        PlotOutput.checkHtml(html, List.of(input));
        Shard sh = ShardOptions.check(spec, shard, part, report != null || html != null, List.of(input));
        QuantizeReport r;
        if (sh != null) {
            QuantizePart.Run run = QuantizeJob.runPart(o, sh, l -> { });
            PartFile.write(part, run.header(), run.part());
            r = run.report();
        } else {
            r = QuantizeJob.run(o);
        }
        r.warnings().forEach(w -> err.println("qlens quantize: warning: " + w));
        QuantizeConsole.print(r, out);
        if (report != null) {
            AtomicOutput.writeBytes(report, (Json.GSON.toJson(QuantizeJson.of(r)) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (sh != null) {
            out.println("shard " + sh + ": part written to " + part + " (join all parts with qlens merge)");
        }
        if (html != null) {
            com.google.gson.JsonObject j = QuantizeJson.of(r);
            PlotOutput.html(out, html, QuantizeFigures.of(j), "qlens quantize: " + input.getFileName(),
                    QuantizeFigures.facts(j), List.of(input));
        }
        out.flush();
        err.flush();
        return 0;
    }

    QuantizeOptions options() {
        ComfyFormat f = ComfyFormat.parse(format);
        boolean perRow = mode(scalingMode) || (convrot != null && f == ComfyFormat.INT8_TENSORWISE);
        int g = convrot == null ? (f == ComfyFormat.CONVROT_W4A4 ? CodecSpec.DEFAULT_CONVROT : 0) : convrot;
        if (perRow && f != ComfyFormat.INT8_TENSORWISE) {
            throw new IllegalArgumentException("--scaling-mode row applies to int8_tensorwise; for row-scaled FP8 use"
                    + " --format float8_e4m3fn_rowwise --quant-ops (custom node only)");
        }
        CodecSpec main = new CodecSpec(f, perRow, g, groupSize);
        CodecSpec fb = null;
        if (fallback != null) {
            ComfyFormat ff = ComfyFormat.parse(fallback);
            fb = new CodecSpec(ff, ff == ComfyFormat.INT8_TENSORWISE, ff == ComfyFormat.CONVROT_W4A4 ? CodecSpec.DEFAULT_CONVROT : 0,
                    groupSize);
        }
        List<KeepRule> rules = new ArrayList<>();
        keepIf.forEach(k -> rules.add(KeepRule.parse(k)));
        LearnedRounding.Options lr = null;
        if (learned != null) {
            if (!(topP > 0 && topP <= 1) || minK < 1 || maxK < minK) {
                throw new IllegalArgumentException("learned rounding needs 0 < --top-p <= 1 and 1 <= --min-k <= --max-k");
            }
            lr = new LearnedRounding.Options(LearnedRounding.Method.parse(learned), topP, minK, maxK, seed);
        }
        for (String p : presets) {
            Presets.builtIn().get(p);
        }
        dev.qlens.formats.gptq.Gptq.Options gptq;
        switch (method.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "rtn":
                gptq = null;
                break;
            case "gptq":
                gptq = new dev.qlens.formats.gptq.Gptq.Options(gptqDamp, gptqBlock, actOrder);
                break;
            default:
                throw new IllegalArgumentException("--method must be rtn or gptq, not '" + method + "'");
        }
        return new QuantizeOptions(input, output, main, quantOps, List.copyOf(presets), patterns(excludes, "--exclude"),
                patterns(includes, "--include"), layerConfig, fullMatch, rules, fb, dryRun, scaleSearch, lr, allowWorse,
                inputScale == null ? null : QuantizeOptions.InputScale.parse(inputScale), fullPrecisionMm,
                biasCorrection ? new BiasCorrection.Options(calibSamples, seed) : null, embeddings, report,
                shardSize == null ? 0 : Sizes.parse(shardSize), force, threads, !noProgress,
                Convention.parseSelection(convention), gptq, calibration);
    }

    private static boolean mode(String m) {
        switch (m.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "tensor":
                return false;
            case "row":
                return true;
            default:
                throw new IllegalArgumentException("--scaling-mode must be tensor or row, not '" + m + "' (for block"
                        + " scales use --format float8_e4m3fn_blockwise or int8_blockwise with --quant-ops)");
        }
    }

    private static List<Pattern> patterns(List<String> regexes, String option) {
        List<Pattern> out = new ArrayList<>();
        for (String r : regexes) {
            try {
                out.add(Pattern.compile(r));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(option + " '" + r + "' is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        return out;
    }

    private void list(PrintWriter out) {
        if (listFormats) {
            TextTable t = new TextTable("format", "loads in", "layout");
            for (ComfyFormat f : ComfyFormat.values()) {
                t.row(f.cliName(), f.mainline() ? "ComfyUI since " + f.since() : "ComfyUI-QuantOps node only",
                        f.description());
            }
            out.print(t.render());
        }
        if (listPresets) {
            TextTable t = new TextTable("preset", "kind", "kept layers (substrings)", "what for");
            Presets.builtIn().all().values().forEach(p -> t.row(p.name(), p.category(),
                    String.join(" ", p.keep()) + (p.remove().isEmpty() ? "" : "; removes " + String.join(" ", p.remove())),
                    p.description()));
            out.print(t.render());
            out.println("always kept (every preset): " + String.join(" ", Presets.builtIn().always()));
        }
        out.flush();
    }
}
