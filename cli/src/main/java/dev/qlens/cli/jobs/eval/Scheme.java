package dev.qlens.cli.jobs.eval;

import dev.qlens.core.QlensException;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.QuantFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One way of running the model in {@code qlens eval}.
 *
 * @param kind what is quantized and how
 * @param name the name on the command line and in the report
 * @param format the catalog format of a weight-only scheme, else null
 * @param checkpoint the quantized checkpoint of a checkpoint scheme, else null
 */
public record Scheme(Kind kind, String name, QuantFormat format, Path checkpoint) {
    /** The kinds of scheme. */
    public enum Kind {
        /** The float32 model, the reference. */
        FP32,
        /** Weights int8 per output channel (symmetric, seed 004), activations float32. */
        W8,
        /** W8 with activations quantized per input at run time, exact int8 GEMM. */
        W8A8_DYNAMIC,
        /** W8 with activations quantized with ranges calibrated beforehand, exact int8 GEMM. */
        W8A8_STATIC,
        /** ONNX Runtime's own int8 model of a built-in model, run as ONNX Runtime runs it. */
        ORT_INT8,
        /** Weights fake-quantized in a catalog format, the product in float32. */
        WEIGHT_ONLY,
        /** A quantized checkpoint file, read through its convention. */
        CHECKPOINT
    }

    /** The names of the default experiment (seed 004's table plus four weight-only formats). */
    public static final List<String> DEFAULTS = List.of("fp32", "w8", "w8a8-dynamic", "w8a8-static", "ort-int8",
            "fp8_e4m3_t", "int4_b32", "nvfp4", "mxfp4");

    /**
     * Parses a scheme: {@code fp32}, {@code w8}, {@code w8a8-dynamic}, {@code w8a8-static}, {@code ort-int8},
     * a catalog format name (weight-only), or the path of a quantized checkpoint.
     *
     * @throws QlensException naming the scheme and what is accepted
     */
    public static Scheme parse(String text) {
        String t = text.trim();
        switch (t.toLowerCase(Locale.ROOT)) {
            case "fp32":
                return new Scheme(Kind.FP32, "fp32", null, null);
            case "w8":
                return new Scheme(Kind.W8, "w8", null, null);
            case "w8a8-dynamic":
                return new Scheme(Kind.W8A8_DYNAMIC, "w8a8-dynamic", null, null);
            case "w8a8-static":
                return new Scheme(Kind.W8A8_STATIC, "w8a8-static", null, null);
            case "ort-int8":
                return new Scheme(Kind.ORT_INT8, "ort-int8", null, null);
            default:
                break;
        }
        Path p = Path.of(t);
        if (Files.isRegularFile(p) || Files.isDirectory(p)) {
            return new Scheme(Kind.CHECKPOINT, p.getFileName().toString(), null, p);
        }
        try {
            QuantFormat f = FormatCatalog.parse(t);
            return new Scheme(Kind.WEIGHT_ONLY, f.name(), f, null);
        } catch (IllegalArgumentException e) {
            throw new QlensException("unknown scheme " + text + ": use fp32, w8, w8a8-dynamic, w8a8-static, ort-int8, a"
                    + " catalog format for weight-only quantization (qlens formats), or the path of a quantized checkpoint ("
                    + e.getMessage() + ")");
        }
    }

    /** Parses a list, dropping repeats; fp32 is always evaluated and comes first. */
    public static List<Scheme> parseAll(List<String> texts) {
        List<Scheme> out = new ArrayList<>();
        out.add(parse("fp32"));
        for (String t : texts.isEmpty() ? DEFAULTS : texts) {
            Scheme s = parse(t);
            if (out.stream().noneMatch(o -> o.name().equals(s.name()))) {
                out.add(s);
            }
        }
        return out;
    }

    /** Whether the scheme quantizes activations (and so may clip them). */
    public boolean quantizesActivations() {
        return kind == Kind.W8A8_DYNAMIC || kind == Kind.W8A8_STATIC || kind == Kind.ORT_INT8;
    }
}
