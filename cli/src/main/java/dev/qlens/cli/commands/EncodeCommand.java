package dev.qlens.cli.commands;

import dev.qlens.cli.jobs.CodecJob;
import dev.qlens.cli.util.Json;
import dev.qlens.cli.util.ShapeArg;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.Rounding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qlens encode}: write a format's byte layout for a float32 array (golden vectors). */
@Command(name = "encode",
        header = "Quantize a float32 array into any catalog format and write its exact byte layout.", mixinStandardHelpOptions = true,
        description = {"Quantize a float32 array (raw little-endian .f32/.bin with --shape, or .npy) into any catalog "
                + "format and write its exact byte layout: codes, scales, zero points, the NVFP4 per-tensor scale, optionally "
                + "the dequantized values, and a JSON sidecar listing them (read back by qlens decode)."})
public final class EncodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "float32 input: .npy, or raw little-endian values.")
    Path input;

    @Option(names = {"-f", "--format"}, required = true, paramLabel = "FORMAT",
            description = "Catalog format, e.g. mxfp4, mxfp8:away, nvfp4, bfp8, int8_b128, fp8_e4m3 (see qlens formats).")
    String format;

    @Option(names = "--shape", paramLabel = "DIMS", description = "Shape of a raw input, e.g. 606,32 (default: 1-D).")
    String shape;

    @Option(names = {"-o", "--output"}, paramLabel = "PREFIX",
            description = "Output prefix (default: the input's name and the format next to the input).")
    Path prefix;

    @Option(names = "--rounding", defaultValue = "even", paramLabel = "MODE", description = "even (default), away, zero, stochastic.")
    String rounding;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for stochastic rounding.")
    long seed;

    @Option(names = "--unpacked-codes", description = "Write one code per element (u8, or u16 for 16-bit codes) instead of"
            + " the packed layout; for BFP formats the row-major codes (the packed tiles keep the exponents).")
    boolean unpacked;

    @Option(names = "--dequantized", description = "Also write the dequantized float32 values.")
    boolean dequantized;

    @Option(names = "--npy", description = "Write .npy files instead of raw little-endian files.")
    boolean npy;

    @Option(names = "--json", description = "Print the sidecar JSON to stdout.")
    boolean json;

    @Option(names = "--force", description = "Replace existing output files.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        CodecJob.EncodeResult r = CodecJob.encode(new CodecJob.EncodeOptions(input, shape == null ? null : ShapeArg.parse(shape),
                format, prefix, new EncodeMode(Rounding.parse(rounding), false, Compat.ML_DTYPES, seed), unpacked, dequantized,
                npy, force));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.GSON.toJson(r.description()));
        } else {
            out.println("format " + r.description().get("format").getAsString() + ", shape "
                    + r.description().get("shape") + ", " + r.description().get("packed_bytes") + " bytes ("
                    + r.description().get("bits_per_element") + " bits per element)");
            for (Map.Entry<String, com.google.gson.JsonElement> e : r.description().getAsJsonObject("files").entrySet()) {
                out.println("  " + e.getKey() + ": " + r.sidecar().resolveSibling(e.getValue().getAsString()));
            }
            out.println("  sidecar: " + r.sidecar());
        }
        out.flush();
        return 0;
    }
}
