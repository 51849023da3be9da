package dev.qlens.simd;

import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.RelativeErrorSums;
import dev.qlens.core.kernel.ScalarKernels;
import dev.qlens.core.kernel.SubByte;
import dev.qlens.core.kernel.ValueSums;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.DType;
import java.nio.ByteOrder;

/**
 * The Vector API kernels. Each kernel processes whole vectors and hands the remainder (and every
 * case it does not specialise: stochastic rounding, integer dtypes, odd block sizes) to the scalar
 * reference it extends, so results are bit-identical to {@link ScalarKernels} by construction of the
 * fallbacks and by the property tests of the vector paths.
 *
 * <p>Broadcasting a float into a vector canonicalises NaN (the Vector API converts through
 * {@code Float.floatToIntBits}), so a NaN scale or global scale, whose sign would otherwise reach the
 * codes, is left to the scalar reference.
 */
final class VectorKernels extends ScalarKernels {
    VectorKernels() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("the vector kernels assume a little-endian platform");
        }
        // Touch the species now so an unsupported width fails at start-up, not in the first kernel.
        if (Lanes.N < 4) {
            throw new UnsupportedOperationException("vectors of " + Lanes.BITS + " bits are too narrow");
        }
        KernelWarmup.run(this);
    }

    @Override
    public String name() {
        return "vector " + Lanes.BITS + "-bit";
    }

    @Override
    public int vectorBitSize() {
        return Lanes.BITS;
    }

    private static boolean deterministic(EncodeMode mode) {
        return mode.rounding() != Rounding.STOCHASTIC;
    }

    // ---------------------------------------------------------------------------------------
    // Element formats

    @Override
    public void decode(DType dtype, byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        switch (dtype) {
            case F32:
                VDecode.decode32(src, srcOff, dst, dstOff, n);
                return;
            case BF16:
                VDecode.decode16(true, src, srcOff, dst, dstOff, n);
                return;
            case F16:
                VDecode.decode16(false, src, srcOff, dst, dstOff, n);
                return;
            case F8_E4M3:
            case F8_E5M2:
            case F8_E4M3FNUZ:
            case F8_E5M2FNUZ:
            case F8_E8M0:
                VDecode.decodeCodes(dtype.floatFormat(), src, srcOff, dst, dstOff, n);
                return;
            case F4:
                VDecode.decodeF4(src, srcOff, dst, dstOff, n);
                return;
            case F6_E2M3:
            case F6_E3M2:
                VDecode.decodeF6(dtype.floatFormat(), src, srcOff, dst, dstOff, n);
                return;
            default:
                super.decode(dtype, src, srcOff, dst, dstOff, n);
        }
    }

    @Override
    public void encode(DType dtype, float[] src, int srcOff, byte[] dst, int dstOff, int n, EncodeMode mode,
                       long firstIndex) {
        if (dtype == DType.F32) {
            VEncode.encode32(src, srcOff, dst, dstOff, n);
            return;
        }
        if (!deterministic(mode) || dtype.floatFormat() == null) {
            super.encode(dtype, src, srcOff, dst, dstOff, n, mode, firstIndex);
            return;
        }
        FloatFormat f = dtype.floatFormat();
        switch (dtype) {
            case BF16:
            case F16:
                VEncode.encode16(f, src, srcOff, dst, dstOff, n, mode.rounding(), mode.saturate(), mode.compat());
                return;
            case F4:
                encodeSubByte(f, src, srcOff, dst, dstOff, n & ~1, mode, true);
                return;
            case F6_E2M3:
            case F6_E3M2:
                encodeSubByte(f, src, srcOff, dst, dstOff, n, mode, false);
                return;
            default:
                VEncode.encodeCodes(f, src, srcOff, dst, dstOff, n, mode.rounding(), mode.saturate(), mode.compat());
        }
    }

    /** Encodes to one code per byte in chunks, then packs nibbles (F4) or the 6-bit stream (F6). */
    private static void encodeSubByte(FloatFormat f, float[] src, int srcOff, byte[] dst, int dstOff, int n,
                                      EncodeMode mode, boolean nibbles) {
        byte[] codes = new byte[Math.min(n, 4096)];
        for (int done = 0; done < n; done += codes.length) {
            int len = Math.min(codes.length, n - done);
            VEncode.encodeCodes(f, src, srcOff + done, codes, 0, len, mode.rounding(), mode.saturate(), mode.compat());
            if (nibbles) {
                int out = dstOff + done / 2;
                for (int i = 0; i + 1 < len; i += 2) {
                    dst[out + i / 2] = (byte) ((codes[i] & 0xF) | (codes[i + 1] & 0xF) << 4);
                }
            } else {
                for (int i = 0; i < len; i++) {
                    SubByte.put6(dst, dstOff, done + i, codes[i]);
                }
            }
        }
    }

    @Override
    public void encodeCodes(FloatFormat f, float[] src, int srcOff, byte[] codes, int codesOff, int n, EncodeMode mode,
                            long firstIndex) {
        if (!deterministic(mode) || f.bits() > 8) {
            super.encodeCodes(f, src, srcOff, codes, codesOff, n, mode, firstIndex);
            return;
        }
        VEncode.encodeCodes(f, src, srcOff, codes, codesOff, n, mode.rounding(), mode.saturate(), mode.compat());
    }

    @Override
    public void decodeCodes(FloatFormat f, byte[] codes, int codesOff, float[] dst, int dstOff, int n) {
        if (f.bits() > 8) {
            super.decodeCodes(f, codes, codesOff, dst, dstOff, n);
            return;
        }
        VDecode.decodeCodes(f, codes, codesOff, dst, dstOff, n);
    }

    // ---------------------------------------------------------------------------------------
    // Reductions

    @Override
    public float maxAbsFinite(float[] x, int off, int n) {
        return VReduce.maxAbsFinite(x, off, n);
    }

    @Override
    public float maxAbs(float[] x, int off, int n) {
        return VReduce.maxAbs(x, off, n);
    }

    @Override
    public void errorSums(float[] x, int xOff, float[] y, int yOff, int n, ErrorSums acc) {
        VReduce.errorSums(x, xOff, y, yOff, n, acc);
    }

    @Override
    public void valueSums(float[] x, int off, int n, ValueSums acc) {
        VReduce.valueSums(x, off, n, acc);
    }

    @Override
    public void relativeErrors(float[] x, int xOff, float[] y, int yOff, int n, RelativeErrorSums acc,
                               int[] histogram) {
        VReduce.relativeErrors(x, xOff, y, yOff, n, acc, histogram);
    }

    // ---------------------------------------------------------------------------------------
    // Arithmetic in a storage dtype

    @Override
    public void scaleToDtype(float[] src, int srcOff, float factor, boolean divide, DType dtype, float[] dst, int dstOff,
                             int n) {
        // A NaN factor: which NaN payload a product of two NaNs keeps depends on the operand order the
        // compiler picks, so the scalar reference decides.
        int whole = factor != factor ? 0 : n - n % Lanes.N;
        int done;
        if (dtype == DType.BF16) {
            done = divide ? VPasses.divBf16(src, srcOff, factor, dst, dstOff, whole)
                    : VPasses.mulBf16(src, srcOff, factor, dst, dstOff, whole);
        } else if (dtype == DType.F32) {
            done = divide ? VPasses.divF32(src, srcOff, factor, dst, dstOff, whole)
                    : VPasses.mulF32(src, srcOff, factor, dst, dstOff, whole);
        } else {
            done = 0; // float16 (rare for large weights) and invalid dtypes: the scalar reference
        }
        super.scaleToDtype(src, srcOff + done, factor, divide, dtype, dst, dstOff + done, n - done);
    }

    @Override
    public void roundToInt8(float[] src, int srcOff, float lo, float hi, byte[] dst, int dstOff, int n) {
        int done = VPasses.roundToInt8(src, srcOff, lo, hi, dst, dstOff, n - n % Lanes.N);
        super.roundToInt8(src, srcOff + done, lo, hi, dst, dstOff + done, n - done);
    }

    // ---------------------------------------------------------------------------------------
    // Scaled formats

    /**
     * Elements per piece of the two-pass scaled and block kernels: the codes written by the encoding
     * pass are still in the L1 cache when the decoding pass reads them.
     */
    private static final int PIECE = 4096;

    @Override
    public long scaledFloat(float[] x, int off, int n, float scale, FloatFormat f, EncodeMode mode, long firstIndex,
                            byte[] codes, int codesOff, float[] out, int outOff) {
        if (!deterministic(mode) || f.bits() > 8 || scale != scale) {
            return super.scaledFloat(x, off, n, scale, f, mode, firstIndex, codes, codesOff, out, outOff);
        }
        int whole = n - n % Lanes.N;
        byte[] piece = codes != null ? codes : new byte[Math.min(whole, PIECE)];
        long clipped = 0;
        int done = 0;
        while (done < whole) {
            int len = Math.min(PIECE, whole - done);
            int at = codes != null ? codesOff + done : 0;
            clipped += VPasses.encodeScaled(x, off + done, len, scale, f, mode.rounding(), piece, at);
            if (out != null) {
                int decoded = VPasses.decodeScaled(f, piece, at, len, scale, out, outOff + done);
                super.decodeCodes(f, piece, at + decoded, out, outOff + done + decoded, len - decoded);
                for (int i = decoded; i < len; i++) {
                    out[outOff + done + i] *= scale;
                }
            }
            done += len;
        }
        return clipped + super.scaledFloat(x, off + done, n - done, scale, f, mode, firstIndex + done, codes,
                codes == null ? 0 : codesOff + done, out, out == null ? 0 : outOff + done);
    }

    @Override
    public long scaledInt(float[] x, int off, int n, float scale, int zeroPoint, IntFormat f, EncodeMode mode,
                          long firstIndex, int[] codes, int codesOff, float[] out, int outOff) {
        if (!deterministic(mode) || Math.abs(zeroPoint) >= (1 << 19) || scale != scale) {
            return super.scaledInt(x, off, n, scale, zeroPoint, f, mode, firstIndex, codes, codesOff, out, outOff);
        }
        long[] clipped = {0};
        int done = VScaled.scaledInt(x, off, n, scale, zeroPoint, f, mode.rounding(), codes, codesOff, out, outOff,
                clipped);
        return clipped[0] + super.scaledInt(x, off + done, n - done, scale, zeroPoint, f, mode, firstIndex + done,
                codes, codesOff + done, out, outOff + done);
    }

    // ---------------------------------------------------------------------------------------
    // Block formats

    private static boolean wholeVectors(int blockSize) {
        return blockSize % Lanes.N == 0;
    }

    @Override
    public void mxQuantize(float[] x, int off, int blocks, int blockSize, MxElement element, MxScaleMode scaleMode,
                           EncodeMode mode, long firstIndex, byte[] scales, int scalesOff, byte[] codes, int codesOff,
                           float[] out, int outOff) {
        if (!deterministic(mode) || !wholeVectors(blockSize) || blocks == 0) {
            super.mxQuantize(x, off, blocks, blockSize, element, scaleMode, mode, firstIndex, scales, scalesOff, codes,
                    codesOff, out, outOff);
            return;
        }
        int pieceBlocks = Math.max(1, Math.min(blocks, PIECE / blockSize));
        byte[] pieceScales = scales != null ? scales : new byte[pieceBlocks];
        byte[] pieceCodes = codes != null ? codes : new byte[pieceBlocks * blockSize];
        for (int b = 0; b < blocks; b += pieceBlocks) {
            int count = Math.min(pieceBlocks, blocks - b);
            int sAt = scales != null ? scalesOff + b : 0;
            int cAt = codes != null ? codesOff + b * blockSize : 0;
            VPasses.mxEncode(x, off + b * blockSize, count, blockSize, element, scaleMode, mode.rounding(),
                    pieceScales, sAt, pieceCodes, cAt);
            if (out != null) {
                mxDequantize(pieceScales, sAt, pieceCodes, cAt, count, blockSize, element, out, outOff + b * blockSize);
            }
        }
    }

    @Override
    public void mxDequantize(byte[] scales, int scalesOff, byte[] codes, int codesOff, int blocks, int blockSize,
                             MxElement element, float[] out, int outOff) {
        if (blocks == 0 || !wholeVectors(blockSize)
                || !VPasses.mxDecode(scales, scalesOff, codes, codesOff, blocks, blockSize, element, out, outOff)) {
            super.mxDequantize(scales, scalesOff, codes, codesOff, blocks, blockSize, element, out, outOff);
        }
    }

    @Override
    public void nvfp4Quantize(float[] x, int off, int blocks, int blockSize, float global, EncodeMode mode,
                              long firstIndex, byte[] scales, int scalesOff, byte[] codes, int codesOff, float[] out,
                              int outOff, boolean negativeZero) {
        if (!deterministic(mode) || !wholeVectors(blockSize) || global != global || blocks == 0) {
            super.nvfp4Quantize(x, off, blocks, blockSize, global, mode, firstIndex, scales, scalesOff, codes, codesOff,
                    out, outOff, negativeZero);
            return;
        }
        int pieceBlocks = Math.max(1, Math.min(blocks, PIECE / blockSize));
        byte[] pieceScales = scales != null ? scales : new byte[pieceBlocks];
        byte[] pieceCodes = codes != null ? codes : new byte[pieceBlocks * blockSize];
        for (int b = 0; b < blocks; b += pieceBlocks) {
            int count = Math.min(pieceBlocks, blocks - b);
            int sAt = scales != null ? scalesOff + b : 0;
            int cAt = codes != null ? codesOff + b * blockSize : 0;
            VPasses.nvfp4Encode(x, off + b * blockSize, count, blockSize, global, mode.rounding(), pieceScales, sAt,
                    pieceCodes, cAt);
            if (out != null) {
                nvfp4Dequantize(pieceScales, sAt, pieceCodes, cAt, count, blockSize, global, negativeZero, out,
                        outOff + b * blockSize);
            }
        }
    }

    @Override
    public void nvfp4Dequantize(byte[] scales, int scalesOff, byte[] codes, int codesOff, int blocks, int blockSize,
                                float global, boolean negativeZero, float[] out, int outOff) {
        if (blocks == 0 || !wholeVectors(blockSize) || !VPasses.nvfp4Decode(scales, scalesOff, codes, codesOff,
                blocks, blockSize, global, negativeZero, out, outOff)) {
            super.nvfp4Dequantize(scales, scalesOff, codes, codesOff, blocks, blockSize, global, negativeZero, out,
                    outOff);
        }
    }

    @Override
    public void bfpGroups(float[] x, int off, int groups, int bits, boolean flushSubnormals, byte[] exponents, int expOff,
                          byte[] codes, int codesOff, float[] out, int outOff) {
        VBfp.groups(x, off, groups, bits, flushSubnormals, exponents, expOff, codes, codesOff, out, outOff);
    }

    @Override
    public void bfpPackTile(float[] tile, int off, int bits, boolean flushSubnormals, byte[] out, int outOff) {
        VBfp.packTile(tile, off, bits, flushSubnormals, out, outOff);
    }

    @Override
    public void bfpUnpackTile(byte[] in, int inOff, int bits, float[] tile, int off) {
        VBfp.unpackTile(in, inOff, bits, tile, off);
    }

    // ---------------------------------------------------------------------------------------
    // Linear algebra

    private static final VGemmKernel GEMM = new VGemmKernel();

    @Override
    public dev.qlens.core.linalg.GemmKernel gemmKernel() {
        return GEMM;
    }

    private static final VInt8GemmKernel INT8_GEMM = new VInt8GemmKernel();

    @Override
    public dev.qlens.core.linalg.Int8GemmKernel int8GemmKernel() {
        return INT8_GEMM;
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        int done = VGelu.gelu(x, off, n - n % Lanes.N);
        super.gelu(x, off + done, n - done);
    }

    @Override
    public void matmulSmall(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            int done = VSmallGemm.row(a, aOff + i * k, b, bOff, c, cOff + i * n, k, n);
            matmulRowTail(a, aOff + i * k, b, bOff, c, cOff + i * n, k, n, done);
        }
    }
}
