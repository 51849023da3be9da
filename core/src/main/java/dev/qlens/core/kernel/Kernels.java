package dev.qlens.core.kernel;

import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;
import dev.qlens.core.tensor.DType;

/**
 * The hot loops of qlens. {@link ScalarKernels} is the reference implementation; the Vector API
 * implementation in the {@code simd} module must produce bit-identical results for every input.
 * Obtain the active implementation from {@link KernelProvider#get()}.
 *
 * <p>Byte arrays hold little-endian tensor data exactly as stored in a safetensors file. For the
 * sub-byte types (F4, F6) offsets and counts must be whole byte groups: even element counts for
 * F4, multiples of four for F6. "Codes" arrays hold one element code per byte (low bits).
 * {@code firstIndex} is the index of the first element in its tensor; it seeds stochastic rounding.
 */
public interface Kernels {
    /** A short description such as {@code scalar} or {@code vector 512-bit}. */
    String name();

    /** The vector width in bits, or 0 for the scalar implementation. */
    int vectorBitSize();

    // ---------------------------------------------------------------------------------------
    // Element formats

    /**
     * Decodes n elements of {@code dtype} to float32.
     *
     * @throws IllegalArgumentException for dtypes that have no real float value (C64)
     */
    void decode(DType dtype, byte[] src, int srcOff, float[] dst, int dstOff, int n);

    /**
     * Encodes n float32 values as floating-point {@code dtype} elements.
     *
     * @throws IllegalArgumentException when dtype is not a floating-point type
     */
    void encode(DType dtype, float[] src, int srcOff, byte[] dst, int dstOff, int n, EncodeMode mode, long firstIndex);

    /** Encodes n values of an 8-bit-or-narrower float format, one code per byte. */
    void encodeCodes(FloatFormat f, float[] src, int srcOff, byte[] codes, int codesOff, int n, EncodeMode mode,
                     long firstIndex);

    /** Decodes n codes (one per byte) of an 8-bit-or-narrower float format (ml_dtypes NaN bits). */
    void decodeCodes(FloatFormat f, byte[] codes, int codesOff, float[] dst, int dstOff, int n);

    // ---------------------------------------------------------------------------------------
    // Reductions

    /** Largest |x| over finite values (0 when there is none). */
    float maxAbsFinite(float[] x, int off, int n);

    /** Largest |x| with NaN propagating (NaN if any element is NaN; Inf if any is infinite). */
    float maxAbs(float[] x, int off, int n);

    /** Adds the error sums of y against x over n elements (see {@link ErrorSums} for the order). */
    void errorSums(float[] x, int xOff, float[] y, int yOff, int n, ErrorSums acc);

    /** Adds value statistics of n elements (see {@link ValueSums}). */
    void valueSums(float[] x, int off, int n, ValueSums acc);

    /**
     * Adds the element-wise relative errors of y against x over n elements (see
     * {@link RelativeErrorSums}) to {@code acc} and counts each in {@code histogram} (length
     * {@link RelativeErrorSums#HISTOGRAM_LENGTH}: element i in sub-histogram i mod 4; pairs with a
     * non-finite value in the last bin).
     */
    void relativeErrors(float[] x, int xOff, float[] y, int yOff, int n, RelativeErrorSums acc, int[] histogram);

    // ---------------------------------------------------------------------------------------
    // Arithmetic in a storage dtype (the order of operations of PyTorch-based quantizers)

    /**
     * dst = round_dtype(src * factor), or round_dtype(src / factor) when {@code divide}: the float32
     * product (or correctly rounded quotient) rounded to {@code dtype} with round-to-nearest-even, as
     * PyTorch computes an elementwise operation on a BF16 or F16 tensor. For F32 the float32 result
     * itself. NaN stays NaN (quiet); overflow becomes infinity.
     *
     * @throws IllegalArgumentException for dtypes other than F32, BF16 and F16
     */
    void scaleToDtype(float[] src, int srcOff, float factor, boolean divide, DType dtype, float[] dst, int dstOff, int n);

    /**
     * dst = (int8) clamp(rint(src), lo, hi): round half to even, clamp to [lo, hi] (integers within
     * [-128, 127]), NaN to 0.
     */
    void roundToInt8(float[] src, int srcOff, float lo, float hi, byte[] dst, int dstOff, int n);

    // ---------------------------------------------------------------------------------------
    // Scaled formats: a contiguous run of elements sharing one scale

    /**
     * codes = encode(x / scale) (saturating), out = decode(code) * scale, for a float element format.
     *
     * @param codes one code per byte, or null
     * @param out dequantized values, or null
     * @return the number of elements clipped (that would have overflowed without saturation)
     */
    long scaledFloat(float[] x, int off, int n, float scale, FloatFormat f, EncodeMode mode, long firstIndex,
                     byte[] codes, int codesOff, float[] out, int outOff);

    /**
     * q = clamp(round(x / scale) + zeroPoint), out = (q - zeroPoint) * scale, for an integer format.
     *
     * @param codes the integer codes, or null
     * @param out dequantized values, or null
     * @return the number of elements clipped
     */
    long scaledInt(float[] x, int off, int n, float scale, int zeroPoint, IntFormat f, EncodeMode mode, long firstIndex,
                   int[] codes, int codesOff, float[] out, int outOff);

    // ---------------------------------------------------------------------------------------
    // Block formats

    /**
     * OCP MX: quantizes {@code blocks} consecutive blocks of {@code blockSize} elements. Any output
     * array may be null.
     *
     * @param scales one E8M0 code per block
     * @param codes one element code per byte
     * @param out dequantized values
     */
    void mxQuantize(float[] x, int off, int blocks, int blockSize, MxElement element, MxScaleMode scaleMode,
                    EncodeMode mode, long firstIndex, byte[] scales, int scalesOff, byte[] codes, int codesOff,
                    float[] out, int outOff);

    /** OCP MX dequantization of {@code blocks} blocks of {@code blockSize} codes (one per byte). */
    void mxDequantize(byte[] scales, int scalesOff, byte[] codes, int codesOff, int blocks, int blockSize,
                      MxElement element, float[] out, int outOff);

    /**
     * NVFP4 (ModelOpt rules): quantizes {@code blocks} consecutive blocks of {@code blockSize} elements
     * with per-tensor scale {@code global}. Any output array may be null.
     *
     * @param negativeZero whether code 8 dequantizes to -0.0 (ComfyUI) or +0.0 (ModelOpt)
     */
    void nvfp4Quantize(float[] x, int off, int blocks, int blockSize, float global, EncodeMode mode, long firstIndex,
                       byte[] scales, int scalesOff, byte[] codes, int codesOff, float[] out, int outOff,
                       boolean negativeZero);

    /** NVFP4 dequantization of {@code blocks} blocks of {@code blockSize} codes (one per byte). */
    void nvfp4Dequantize(byte[] scales, int scalesOff, byte[] codes, int codesOff, int blocks, int blockSize,
                         float global, boolean negativeZero, float[] out, int outOff);

    /**
     * Tenstorrent block floats: encodes {@code groups} consecutive groups of 16 values. Any output
     * array may be null.
     *
     * @param exponents one shared exponent per group
     * @param codes one code per byte
     * @param out dequantized values
     */
    void bfpGroups(float[] x, int off, int groups, int bits, boolean flushSubnormals, byte[] exponents, int expOff,
                   byte[] codes, int codesOff, float[] out, int outOff);

    /** Packs one 32 x 32 row-major tile (see {@link dev.qlens.core.block.BfpCodec}). */
    void bfpPackTile(float[] tile, int off, int bits, boolean flushSubnormals, byte[] out, int outOff);

    /** Unpacks one tile to 1024 row-major values. */
    void bfpUnpackTile(byte[] in, int inOff, int bits, float[] tile, int off);

    // ---------------------------------------------------------------------------------------
    // Linear algebra

    /** The float32 matrix-product micro-kernel ({@link dev.qlens.core.linalg.Gemm} drives it). */
    dev.qlens.core.linalg.GemmKernel gemmKernel();

    /** The int8 matrix-product micro-kernel ({@link dev.qlens.core.linalg.Int8Gemm} drives it). */
    dev.qlens.core.linalg.Int8GemmKernel int8GemmKernel();

    /**
     * In place, {@code x[i] = Transcendentals.gelu(x[i])} for i in [off, off + n): PyTorch's exact GELU in
     * float32, the same bits on every implementation.
     */
    void gelu(float[] x, int off, int n);

    /**
     * c[m x n] = a[m x k] b[k x n] for small row-major matrices (attention's per-head products): each
     * element is one chain of fused multiply-adds over k in increasing order, starting from 0, the bits
     * of {@code Gemm.reference}; a NaN result is the canonical NaN (payloads depend on the instruction).
     */
    void matmulSmall(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n);
}
