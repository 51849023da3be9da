package dev.qlens.formats.convention;

import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.tensor.DType;
import java.io.IOException;

/** Reading small scale tensors. */
final class Scales {
    private Scales() {
    }

    /** All values of a (small) tensor as float32. */
    static float[] floats(TensorEntry e) throws IOException {
        return new DecodedTensor(e).readAll();
    }

    /**
     * Values of a tensor holding codes of {@code format}: decoded as that format when stored as raw
     * bytes (U8/I8), or by their own dtype otherwise.
     */
    static float[] codes(TensorEntry e, FloatFormat format) throws IOException {
        if (e.dtype() == DType.U8 || e.dtype() == DType.I8) {
            byte[] b = e.readAll();
            float[] out = new float[b.length];
            for (int i = 0; i < b.length; i++) {
                out[i] = format.decode(b[i] & 0xFF);
            }
            return out;
        }
        return floats(e);
    }

    /** Raw bytes of a one-byte-per-element tensor. */
    static byte[] bytes(TensorEntry e) throws IOException {
        if (e.dtype().bits() != 8) {
            throw new IllegalArgumentException("tensor '" + e.name() + "' is " + e.dtype() + ", expected one byte per element");
        }
        return e.readAll();
    }

    static LogicalTensor.ScaleSummary summarize(float[] s) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float v : s) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        return new LogicalTensor.ScaleSummary(s.length, min, max, s.length == 0 ? Double.NaN : sum / s.length);
    }
}
