package dev.qlens.formats.w8a8;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.model.Linear;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The linear layers of an ONNX Runtime {@code quantize_dynamic} model run as ONNX Runtime runs them:
 * the stored int8 weight codes ({@code NAME.weight_quantized}, per-output-channel
 * {@code NAME.weight_scale}, zero points all 0), activations quantized at run time by
 * {@code DynamicQuantizeLinear} (uint8 per tensor over a range that includes 0), the product in exact
 * integers, then scaled and biased.
 */
public final class OrtInt8Linears {
    private OrtInt8Linears() {
    }

    /**
     * A factory that ignores the float weight it is handed and reads the layer's codes from {@code q}.
     *
     * @throws IllegalArgumentException (when a layer is made) naming a layer that is not quantized the
     *     way this emulation supports
     */
    public static Linear.Factory of(Checkpoint q, Workers workers, QuantizedLinears.Clipping clipping) {
        return (name, weight, out, in, bias) -> {
            try {
                return QuantizedLinears.integer(name, layer(q, name, out, in, bias, workers),
                        ActivationQuantization.dynamic(ActivationQuantization.Scheme.ORT_UINT8, false, Double.NaN),
                        clipping);
            } catch (IOException e) {
                throw new UncheckedIOException(q.displayName() + ": cannot read " + name, e);
            }
        };
    }

    static W8A8Linear layer(Checkpoint q, String name, int out, int in, float[] bias, Workers workers)
            throws IOException {
        TensorEntry codes = q.tensor(name + ".weight_quantized");
        TensorEntry scale = q.tensor(name + ".weight_scale");
        if (codes == null || scale == null) {
            throw new IllegalArgumentException(q.displayName() + ": " + name + " has no int8 weight (" + name
                    + ".weight_quantized with " + name + ".weight_scale); not an ONNX Runtime quantized layer");
        }
        long[] shape = codes.shape();
        if (shape.length != 2 || shape[0] != out || shape[1] != in || scale.numel() != out
                || codes.dtype() != dev.qlens.core.tensor.DType.I8) {
            throw new IllegalArgumentException(q.displayName() + ": " + name + ".weight_quantized is "
                    + codes.dtype() + " " + java.util.Arrays.toString(shape) + " with " + scale.numel()
                    + " scales; expected int8 [" + out + ", " + in + "] with one scale per output channel");
        }
        TensorEntry zp = q.tensor(name + ".weight_zero_point");
        if (zp != null) {
            for (float z : new DecodedTensor(zp).readAll()) {
                if (z != 0) {
                    throw new IllegalArgumentException(q.displayName() + ": " + name + ".weight_zero_point holds "
                            + z + "; only symmetric int8 weights (zero points 0) are supported");
                }
            }
        }
        float[] values = new DecodedTensor(codes).readAll();
        byte[] c = new byte[values.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = (byte) values[i];
        }
        return W8A8Linear.ofCodes(c, new DecodedTensor(scale).readAll(), out, in, bias, workers);
    }
}
