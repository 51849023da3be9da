package dev.qlens.cli.jobs.quantize;

import dev.qlens.formats.comfy.CodecSpec;
import dev.qlens.formats.comfy.LearnedRounding;
import dev.qlens.formats.convention.Convention;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything {@code qlens quantize} needs.
 *
 * @param input checkpoint to read (safetensors file, shard set or ONNX model)
 * @param output output .safetensors path, or null for the default name beside the input
 * @param spec the default format and its options
 * @param quantOps allow the seed tool's formats that mainline ComfyUI cannot load
 * @param presets seed presets whose layer lists are kept in original precision
 * @param excludes layers (regex search on the weight name) kept in original precision, or given the fallback
 * @param includes layers quantized even when a preset or the always-kept list would keep them
 * @param layerConfig per-layer settings file, or null
 * @param fullMatch layer-config patterns must match the whole layer name
 * @param keepIf automatic protection: a layer whose error satisfies any rule is kept (or given the fallback)
 * @param fallback format for excluded or protected layers, or null to keep them as they are
 * @param dryRun print the plan without writing
 * @param scaleSearch choose error-minimizing scales where the format allows
 * @param learned learned rounding, or null for round-to-nearest
 * @param allowWorse keep a learned rounding whose Frobenius error is above round-to-nearest's
 * @param inputScale static activation scale to write, or null
 * @param fullPrecisionMm mark every quantized layer {@code full_precision_matrix_mult}
 * @param biasCorrection the seed's bias correction, or null
 * @param embeddings quantize embedding tables too (FP8 and INT8 only)
 * @param report JSON report path, or null
 * @param shardBytes split the output into shards of this many bytes (0: one file)
 * @param force replace an existing output (never an input)
 * @param threads worker threads
 * @param progress show progress on stderr
 * @param conventions conventions used to read already quantized inputs
 * @param gptq GPTQ rounding (needs {@code calibration}), or null
 * @param calibration input statistics from {@code qlens calibrate}: GPTQ's second moments, and the held-out
 *     inputs every quantized layer's output error is measured on; or null
 */
public record QuantizeOptions(Path input, Path output, CodecSpec spec, boolean quantOps, List<String> presets,
                              List<Pattern> excludes, List<Pattern> includes, Path layerConfig, boolean fullMatch,
                              List<KeepRule> keepIf, CodecSpec fallback, boolean dryRun, boolean scaleSearch,
                              LearnedRounding.Options learned, boolean allowWorse, InputScale inputScale,
                              boolean fullPrecisionMm, BiasCorrection.Options biasCorrection, boolean embeddings,
                              Path report, long shardBytes, boolean force, int threads, boolean progress,
                              Set<Convention> conventions, dev.qlens.formats.gptq.Gptq.Options gptq,
                              Path calibration) {
    /** Checks that the methods combine. */
    public QuantizeOptions {
        if (gptq != null && calibration == null) {
            throw new IllegalArgumentException("--method gptq needs --calibration STATS (made by qlens calibrate)");
        }
        if (gptq != null && learned != null) {
            throw new IllegalArgumentException("--method gptq and --learned-rounding are alternatives; choose one");
        }
    }

    /** A static activation scale: a fixed value, or the layer's own per-tensor weight scale (the seed's T5 rule). */
    public record InputScale(double value, boolean fromWeight) {
        /** Parses a number or {@code weight}. */
        public static InputScale parse(String text) {
            if (text.trim().equalsIgnoreCase("weight")) {
                return new InputScale(Double.NaN, true);
            }
            try {
                double v = Double.parseDouble(text.trim());
                if (!(v > 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("--input-scale must be a positive finite number or 'weight', not " + text);
                }
                return new InputScale(v, false);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input-scale must be a positive number or 'weight', not '" + text + "'");
            }
        }
    }

    /** Plain round-to-nearest into {@code spec}, everything else at its default. */
    public static QuantizeOptions simple(Path input, Path output, CodecSpec spec) {
        return new QuantizeOptions(input, output, spec, false, List.of(), List.of(), List.of(), null, false, List.of(),
                null, false, false, null, false, null, false, null, false, null, 0, false,
                Runtime.getRuntime().availableProcessors(), false, java.util.EnumSet.allOf(Convention.class), null, null);
    }

    /** These options with another rounding method and calibration file. */
    public QuantizeOptions withRounding(boolean scaleSearch, LearnedRounding.Options learned,
                                        dev.qlens.formats.gptq.Gptq.Options gptq, Path calibration) {
        return new QuantizeOptions(input, output, spec, quantOps, presets, excludes, includes, layerConfig, fullMatch,
                keepIf, fallback, dryRun, scaleSearch, learned, allowWorse, inputScale, fullPrecisionMm, biasCorrection,
                embeddings, report, shardBytes, force, threads, progress, conventions, gptq, calibration);
    }

    /** The rounding method in words, e.g. "round-to-nearest with scale search". */
    public String describeMethod() {
        String m = "round-to-nearest";
        if (scaleSearch) {
            m += " with scale search";
        }
        if (learned != null) {
            m += (scaleSearch ? " and " : " with ") + "learned rounding (" + learned.method().cliName() + ")";
        }
        if (gptq != null) {
            m = "GPTQ (damp " + gptq.damp() + ", blocks of " + gptq.blockSize() + (gptq.actOrder() ? ", act order" : "")
                    + ")" + (scaleSearch ? " at scale-searched scales" : "");
        }
        return m;
    }
}
