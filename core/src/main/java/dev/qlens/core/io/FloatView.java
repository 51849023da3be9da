package dev.qlens.core.io;

import dev.qlens.core.tensor.Shapes;
import java.io.IOException;

/**
 * A read-only float32 view of a tensor's logical elements, in row-major order. Stored tensors are
 * decoded, quantized tensors dequantized; callers read bounded chunks, so a view never needs the
 * whole tensor in memory.
 */
public interface FloatView {
    /** The logical shape. */
    long[] shape();

    /** Number of elements. */
    default long numel() {
        return Shapes.numel(shape());
    }

    /**
     * Reads elements [start, start + count) into dst[off ..]. Implementations may be called from one
     * thread at a time.
     */
    void read(long start, float[] dst, int off, int count) throws IOException;

    /** Reads the whole view (for small tensors; refuses more than 2^28 elements). */
    default float[] readAll() throws IOException {
        long n = numel();
        if (n > (1L << 28)) {
            throw new IllegalStateException("tensor of " + n + " elements is too large to read at once");
        }
        float[] out = new float[(int) n];
        int chunk = 1 << 20;
        for (int i = 0; i < out.length; i += chunk) {
            read(i, out, i, Math.min(chunk, out.length - i));
        }
        return out;
    }
}
