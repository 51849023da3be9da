package dev.qlens.cli.jobs.quantize;

import dev.qlens.formats.comfy.CodecSpec;
import dev.qlens.formats.convention.LogicalTensor;

/**
 * What happens to one tensor of the input.
 *
 * @param tensor the input tensor (dequantized view when the input is already quantized)
 * @param action what is done with it
 * @param spec the format for {@link Action#QUANTIZE}, else null
 * @param reason why (preset, pattern, layer config, measured error, shape rule, ...), or null
 * @param fullPrecisionMm write {@code full_precision_matrix_mult: true} for this layer
 */
public record LayerPlan(LogicalTensor tensor, Action action, CodecSpec spec, String reason, boolean fullPrecisionMm) {
    /** What is done with a tensor. */
    public enum Action {
        /** Quantized into {@code spec}. */
        QUANTIZE("quantized"),
        /** A candidate weight kept in its original precision. */
        KEEP("kept"),
        /** Left out of the output (the seed's T5-XXL decoder removal). */
        DROP("dropped"),
        /** Not a candidate (biases, norms, 1-D and 4-D tensors, integers): copied unchanged. */
        COPY("copied");

        private final String label;

        Action(String label) {
            this.label = label;
        }

        /** How reports name it. */
        public String label() {
            return label;
        }
    }

    /** The tensor's name. */
    public String name() {
        return tensor.name();
    }

    /** Whether this is a quantization candidate (a 2-D weight) rather than a plain copy. */
    public boolean candidate() {
        return action != Action.COPY;
    }

    /** This plan with another action, format and reason. */
    public LayerPlan with(Action a, CodecSpec s, String why) {
        return new LayerPlan(tensor, a, s, why, fullPrecisionMm);
    }
}
