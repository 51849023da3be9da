package dev.qlens.formats.catalog;

import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.Shapes;

/**
 * A number format of the catalog: an element cast, a scaled format, an OCP MX or NVFP4 block format,
 * a Tenstorrent block float, or a reference curve. Every format can quantize a tensor into its byte
 * layout, dequantize it, fake-quantize it as a stream, and state its exact bits per element.
 */
public abstract class QuantFormat {
    /** The canonical name including its options (parseable by {@link FormatCatalog#parse}). */
    public abstract String name();

    /** The family: element, scaled, mx, nvfp4, bfp or reference. */
    public abstract String family();

    /** One line saying what the format is. */
    public abstract String description();

    /** Exact bytes of {@link #encode}'s output for a tensor of this shape (codes, scales, zero points, global scale). */
    public abstract long packedBytes(long[] shape);

    /** Bits per element including scale overhead: 8 * packedBytes / numel. */
    public double bitsPerElement(long[] shape) {
        long n = Shapes.numel(shape);
        return n == 0 ? 0 : 8.0 * packedBytes(shape) / n;
    }

    /** Bits per element for a large matrix whose dimensions are multiples of every block size (1024 x 1024). */
    public double nominalBitsPerElement() {
        return bitsPerElement(new long[] {1024, 1024});
    }

    /**
     * Quantizes a whole tensor held in memory.
     *
     * @param mode default rounding and seed (a rounding given in the format's name takes precedence)
     */
    public abstract Encoded encode(float[] x, long[] shape, EncodeMode mode);

    /** Dequantizes an encoded tensor to float32 values. */
    public abstract float[] decode(Encoded e);

    /** A streaming fake quantizer for a tensor of this shape. */
    public abstract FakeQuantizer fakeQuantizer(long[] shape, EncodeMode mode);

    /** Bits of one element code (4 for FP4, 8 for FP8 and INT8, ...). */
    public abstract int codeBits();

    /**
     * The element codes of an encoded tensor, one per element in row-major order (the layout of the
     * golden vectors: FP4/FP6 codes in the low bits, integers as two's complement).
     */
    public int[] unpackCodes(Encoded e) {
        int n = (int) dev.qlens.core.tensor.Shapes.numel(e.shape());
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = CodePacking.get(e.codes(), i, codeBits());
        }
        return out;
    }

    /** Packs one-per-element codes into this format's code layout (the inverse of {@link #unpackCodes}). */
    public byte[] packCodes(int[] codes) {
        byte[] out = new byte[(int) CodePacking.bytes(codes.length, codeBits())];
        for (int i = 0; i < codes.length; i++) {
            CodePacking.put(out, i, codeBits(), codes[i]);
        }
        return out;
    }

    /** decode(encode(x)) in one call. */
    public float[] fakeQuantize(float[] x, long[] shape, EncodeMode mode) {
        return decode(encode(x, shape, mode));
    }

    @Override
    public String toString() {
        return name();
    }
}
