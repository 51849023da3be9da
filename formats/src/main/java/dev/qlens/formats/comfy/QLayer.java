package dev.qlens.formats.comfy;

import dev.qlens.core.tensor.DType;

/**
 * A weight being quantized by a {@link LayerCodec}: the matrix the codes approximate (the "target",
 * after padding and rotation, in the compute dtype), one code per target element, and the codec's
 * scales (kept by subclasses). The original weight is {@code origRows x origCols}.
 */
public class QLayer {
    /** Layer name, for messages. */
    public final String name;
    /** Rows of the target matrix. */
    public final int rows;
    /** Columns of the target matrix. */
    public final int cols;
    /** Rows of the original weight. */
    public final int origRows;
    /** Columns of the original weight. */
    public final int origCols;
    /** The dtype the quantizer's arithmetic runs in (BF16, F16 or F32). */
    public final DType dtype;
    /** Target values, row-major. */
    public final float[] x;
    /** One code per target element (FP codes, or two's complement integers). */
    public final byte[] codes;

    /** A layer with codes still to be computed. */
    public QLayer(String name, int rows, int cols, int origRows, int origCols, DType dtype, float[] x) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.origRows = origRows;
        this.origCols = origCols;
        this.dtype = dtype;
        this.x = x;
        this.codes = new byte[x.length];
    }

    /** A layer quantized chunk by chunk (no target array is kept: {@code x} is null). */
    public QLayer(String name, int rows, int cols, DType dtype) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.origRows = rows;
        this.origCols = cols;
        this.dtype = dtype;
        this.x = null;
        this.codes = new byte[Math.multiplyExact(rows, cols)];
    }

    /** Number of target elements. */
    public int size() {
        return codes.length;
    }
}
