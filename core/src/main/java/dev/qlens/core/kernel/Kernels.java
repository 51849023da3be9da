package dev.qlens.core.kernel;

import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.DType;

/**
 * The hot loops of qlens. {@link ScalarKernels} is the reference implementation; the Vector API
 * implementation in the {@code simd} module must produce bit-identical results for every input.
 * Obtain the active implementation from {@link KernelProvider#get()}.
 *
 * <p>Byte arrays hold little-endian tensor data exactly as stored in a safetensors file. For the
 * sub-byte types (F4, F6) offsets and counts must be whole byte groups: even element counts for
 * F4, multiples of four for F6.
 */
public interface Kernels {
    /** A short description such as {@code scalar} or {@code vector 512-bit}. */
    String name();

    /** The vector width in bits, or 0 for the scalar implementation. */
    int vectorBitSize();

    /**
     * Decodes n elements of {@code dtype} to float32.
     *
     * @param src little-endian tensor bytes
     * @param srcOff byte offset of the first element
     * @param dst destination
     * @param dstOff index of the first output element
     * @param n number of elements
     * @throws IllegalArgumentException for dtypes that have no real float value (C64)
     */
    void decode(DType dtype, byte[] src, int srcOff, float[] dst, int dstOff, int n);

    /**
     * Encodes n float32 values as floating-point {@code dtype} elements.
     *
     * @param firstIndex the index of src[srcOff] in its tensor, for stochastic rounding
     * @throws IllegalArgumentException when dtype is not a floating-point type
     */
    void encode(DType dtype, float[] src, int srcOff, byte[] dst, int dstOff, int n, EncodeMode mode,
                long firstIndex);
}
