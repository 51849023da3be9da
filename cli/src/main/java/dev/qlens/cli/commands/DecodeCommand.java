package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.CodecJob;
import dev.qlens.cli.util.ShapeArg;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens decode}: dequantize a format's byte layout back to float32. */
@Command(name = "decode",
        header = "Dequantize codes and scales of a catalog format to float32.", mixinStandardHelpOptions = true,
        description = {"Dequantize codes and scales in a catalog format to float32 (.npy or raw little-endian).",
                "Give the JSON sidecar written by qlens encode, or --format, --shape, --codes and the scale files."})
public final class DecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SIDECAR", description = "The .json written by qlens encode.")
    Path sidecar;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output: .npy or raw float32.")
    Path output;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "Catalog format (without a sidecar).")
    String format;

    @Option(names = "--shape", paramLabel = "DIMS", description = "Tensor shape (without a sidecar).")
    String shape;

    @Option(names = "--codes", paramLabel = "FILE", description = "Codes file (without a sidecar).")
    Path codes;

    @Option(names = "--unpacked-codes", description = "The codes file holds one code per element.")
    boolean unpacked;

    @Option(names = "--scales", paramLabel = "FILE", description = "Scales file.")
    Path scales;

    @Option(names = "--zero-points", paramLabel = "FILE", description = "Zero points file (int32) of affine formats.")
    Path zeroPoints;

    @Option(names = "--global-scale", paramLabel = "X|FILE", description = "NVFP4 per-tensor scale: a number or a float32 file.")
    String global;

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        long n = CodecJob.decode(new CodecJob.DecodeOptions(sidecar, format, shape == null ? null : ShapeArg.parse(shape), codes,
                unpacked, scales, zeroPoints, global, output, force));
        PrintWriter out = spec.commandLine().getOut();
        out.println("wrote " + n + " float32 values to " + output);
        out.flush();
        return 0;
    }
}
