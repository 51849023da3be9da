package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.CastJob;
import dev.qlens.cli.util.Numbers;
import dev.qlens.cli.util.Sizes;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.convention.Convention;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens cast}: element-wise cast of floating-point tensors, written as safetensors. */
@Command(name = "cast",
        header = "Cast the floating-point tensors of a checkpoint to another dtype, element by element.", mixinStandardHelpOptions = true,
        description = {"Cast the floating-point tensors of a checkpoint element by element (no scaling) to another "
                + "floating-point dtype and write a safetensors file. Other tensors are copied unchanged; metadata is kept.",
                "The output is written atomically and never replaces an input."})
public final class CastCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    HubOptions hub;

    @Parameters(index = "0", paramLabel = "INPUT", description = "Checkpoint to read (safetensors, index, directory or ONNX).")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output .safetensors file.")
    Path output;

    @Option(names = "--dtype", required = true, paramLabel = "DTYPE",
            description = "Target safetensors dtype: F32, F16, BF16, F8_E4M3, F8_E5M2, F8_E4M3FNUZ, F8_E5M2FNUZ,"
                    + " F8_E8M0, F6_E2M3, F6_E3M2, F4 (aliases such as bf16 or fp8_e4m3fn work too).")
    String dtype;

    @Option(names = "--rounding", defaultValue = "even", paramLabel = "MODE",
            description = "even (default), away, zero or stochastic.")
    String rounding;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed for stochastic rounding.")
    long seed;

    @Option(names = "--saturate", description = "Clamp finite values beyond the format's range to +-max instead of Inf/NaN.")
    boolean saturate;

    @Option(names = "--compat", defaultValue = "ml_dtypes", paramLabel = "REF",
            description = "Special-value conventions: ml_dtypes (default) or torch.")
    String compat;

    @Option(names = "--only", paramLabel = "REGEX", description = "Cast only tensors whose name matches (others are copied).")
    String only;

    @Option(names = "--dequantize", description = "Dequantize quantized weights through their convention first"
            + " and drop their scale tensors.")
    boolean dequantize;

    @Option(names = "--convention", defaultValue = "auto", paramLabel = "LIST",
            description = "Conventions used by --dequantize (see qlens inspect).")
    String convention;

    @Option(names = "--shard-size", paramLabel = "SIZE", description = "Split the output into shards of at most SIZE"
            + " (e.g. 5GB, 500MiB), with a .safetensors.index.json.")
    String shardSize;

    @Option(names = "--force", description = "Replace the output file if it exists (an input is never replaced).")
    boolean force;

    @Option(names = "--no-progress", description = "Do not show a progress bar on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        DType target = DType.parse(dtype);
        EncodeMode mode = new EncodeMode(Rounding.parse(rounding), saturate, Compat.parse(compat), seed);
        CastJob.Result r = CastJob.run(new CastJob.Options(input, output, target, mode,
                only == null ? null : Pattern.compile(only), dequantize, Convention.parseSelection(convention), force,
                shardSize == null ? 0 : Sizes.parse(shardSize), !noProgress));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        r.warnings().forEach(w -> err.println("qlens cast: warning: " + w));
        out.println("wrote " + String.join(", ", r.written().stream().map(Path::toString).toList()));
        out.println(r.cast() + " tensors cast to " + target + ", " + r.copied() + " copied unchanged; "
                + Numbers.bytes(r.bytesIn()) + " -> " + Numbers.bytes(r.bytesOut()));
        out.flush();
        err.flush();
        return 0;
    }
}
