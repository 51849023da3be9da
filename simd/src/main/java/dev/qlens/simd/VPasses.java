package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.I2B;
import static jdk.incubator.vector.VectorOperators.I2S;

import dev.qlens.core.block.MxCodec;
import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.block.Nvfp4Codec;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.Rounding;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The loops of the scaled and block formats, one pass each: encoding (codes and scales) and
 * decoding (codes times scale) are separate methods, each compiled on its own.
 *
 * <p>Why separate passes: a loop that both encodes and decodes carries two format switches in one
 * compilation unit. Once the process has run many formats (a sweep), every branch of both is
 * profiled as taken, the unit passes C2's node budget, and the vectors fall back to boxed objects,
 * 3-6x slower. Two small loops over a piece that stays in the L1/L2 cache cost one extra pass
 * over bytes and stay fast in any process. The launcher keeps these methods out of their callers
 * ({@code dontinline}) for the same reason. For the same budget, the last step of each encoding
 * loop (storing the codes) is written out instead of calling {@link VEncode#storeBytes}: C2 stops
 * inlining our helpers once a unit is large (the Vector API's own methods are always inlined), and
 * a helper left as a call receives its vector boxed.
 *
 * <p>Every loop handles whole vectors only; callers finish tails with the scalar reference.
 */
final class VPasses {
    private VPasses() {
    }

    /**
     * Encodes whole vectors from element {@code i} on by the short path of BF16
     * ({@link VEncode#normalCodes}), little-endian 16-bit codes, and returns the index of the first
     * vector it could not take (or {@code whole}).
     */
    static int encodeNormal16(float[] src, int off, byte[] dst, int dOff, int i, int whole, VEncode.Consts k) {
        for (; i < whole; i += Lanes.N) {
            FloatVector x = FloatVector.fromArray(Lanes.F, src, off + i);
            if (!VEncode.allNormal(x, k)) {
                break;
            }
            ((ShortVector) VEncode.normalCodes(x, k).convertShape(I2S, Lanes.S_PER_LANE, 0)).reinterpretAsBytes()
                    .intoArray(dst, dOff + 2 * i);
        }
        return i;
    }

    /**
     * Encodes whole vectors from element {@code i} on by the short path of the uniform formats
     * ({@link VEncode#uniformCodes}), one code per byte, and returns the index of the first vector it
     * could not take (or {@code whole}): one with an overflowing, infinite or NaN lane.
     */
    static int encodeUniform8(float[] src, int off, byte[] dst, int dOff, int i, int whole, VEncode.Consts k) {
        for (; i < whole; i += Lanes.N) {
            FloatVector x = FloatVector.fromArray(Lanes.F, src, off + i);
            if (!VEncode.inUniformRange(x, k)) {
                break;
            }
            ByteVector bytes = (ByteVector) VEncode.uniformCodes(x, k).convertShape(I2B, Lanes.B_PER_LANE, 0);
            if (Lanes.BITS == 128) {
                bytes.intoArray(dst, dOff + i, Lanes.BYTE_LANES);
            } else {
                bytes.intoArray(dst, dOff + i);
            }
        }
        return i;
    }

    /** {@link #encodeUniform8} for little-endian 16-bit codes. */
    static int encodeUniform16(float[] src, int off, byte[] dst, int dOff, int i, int whole, VEncode.Consts k) {
        for (; i < whole; i += Lanes.N) {
            FloatVector x = FloatVector.fromArray(Lanes.F, src, off + i);
            if (!VEncode.inUniformRange(x, k)) {
                break;
            }
            ((ShortVector) VEncode.uniformCodes(x, k).convertShape(I2S, Lanes.S_PER_LANE, 0)).reinterpretAsBytes()
                    .intoArray(dst, dOff + 2 * i);
        }
        return i;
    }

    /** The general element encoder over n elements (a multiple of N), one code per byte. */
    static void encodeGeneral8(float[] src, int off, byte[] dst, int dOff, int n, VEncode.Consts k) {
        for (int i = 0; i < n; i += Lanes.N) {
            // VEncode.storeBytes written out: see the class comment.
            ByteVector bytes = (ByteVector) VEncode.encodeLanes(FloatVector.fromArray(Lanes.F, src, off + i), k)
                    .convertShape(I2B, Lanes.B_PER_LANE, 0);
            if (Lanes.BITS == 128) {
                bytes.intoArray(dst, dOff + i, Lanes.BYTE_LANES);
            } else {
                bytes.intoArray(dst, dOff + i);
            }
        }
    }

    /** The general element encoder over n elements (a multiple of N), little-endian 16-bit codes. */
    static void encodeGeneral16(float[] src, int off, byte[] dst, int dOff, int n, VEncode.Consts k) {
        for (int i = 0; i < n; i += Lanes.N) {
            ((ShortVector) VEncode.encodeLanes(FloatVector.fromArray(Lanes.F, src, off + i), k)
                    .convertShape(I2S, Lanes.S_PER_LANE, 0)).reinterpretAsBytes().intoArray(dst, dOff + 2 * i);
        }
    }

    /**
     * Codes of x / scale (saturating), n a multiple of N.
     *
     * @return the number of clipped lanes
     */
    static long encodeScaled(float[] x, int off, int n, float scale, FloatFormat f, Rounding r, byte[] codes,
                             int codesOff) {
        VEncode.Consts k = VEncode.Consts.of(f, r, true, Compat.ML_DTYPES);
        long clip = 0;
        for (int i = 0; i < n; i += Lanes.N) {
            FloatVector v = FloatVector.fromArray(Lanes.F, x, off + i).div(scale);
            IntVector mag = VEncode.magnitude(v, k);
            clip += VEncode.clipped(v, mag, k).trueCount();
            // VEncode.storeBytes written out: see the class comment.
            ByteVector bytes = (ByteVector) VEncode.finish(v, mag, k).convertShape(I2B, Lanes.B_PER_LANE, 0);
            if (Lanes.BITS == 128) {
                bytes.intoArray(codes, codesOff + i, Lanes.BYTE_LANES);
            } else {
                bytes.intoArray(codes, codesOff + i);
            }
        }
        return clip;
    }

    /**
     * out = decode(code) * scale for n codes stored one per byte (n a multiple of N).
     *
     * @return how many elements were written: fewer than n when a vector load of codes would pass the
     *     end of the array
     */
    static int decodeScaled(FloatFormat f, byte[] codes, int codesOff, int n, float scale, float[] out, int outOff) {
        VDecode.DecodeConsts dk = new VDecode.DecodeConsts(f);
        int mask = f.codeMask();
        int i = 0;
        for (; i < n && VScaled.canLoad(codes, codesOff + i); i += Lanes.N) {
            VDecode.decodeLanes(VScaled.loadCodes(codes, codesOff + i).and(mask), dk).mul(scale)
                    .intoArray(out, outOff + i);
        }
        return i;
    }

    /** MX scales and element codes of whole blocks (blockSize a multiple of N, deterministic rounding). */
    static void mxEncode(float[] x, int off, int blocks, int blockSize, MxElement element, MxScaleMode scaleMode,
                         Rounding r, byte[] scales, int scalesOff, byte[] codes, int codesOff) {
        FloatFormat f = element.format();
        VEncode.Consts k = f == null ? null : VEncode.Consts.of(f, r, true, Compat.ML_DTYPES);
        int magnitudeBits = f == null ? 0xFF : ~f.signMask();
        for (int b = 0; b < blocks; b++) {
            int base = off + b * blockSize;
            int scaleCode = MxCodec.scaleCode(VScaled.amax(x, base, blockSize), element, scaleMode);
            float scale = MxCodec.scaleValue(scaleCode);
            scales[scalesOff + b] = (byte) scaleCode;
            int at = codesOff + b * blockSize;
            for (int j = 0; j < blockSize; j += Lanes.N) {
                FloatVector v = FloatVector.fromArray(Lanes.F, x, base + j).div(scale);
                IntVector code;
                if (f == null) {
                    // MXINT8: round(x / X * 64) clamped to +-127 (the multiplication by 64 is exact).
                    code = VInt.round(v.mul(64f), r).max(-127).min(127).and(0xFF);
                } else {
                    code = VEncode.encodeLanes(v, k);
                    code = code.blend(0, code.and(magnitudeBits).eq(0)); // microxcaling never writes -0
                }
                ByteVector bytes = (ByteVector) code.convertShape(I2B, Lanes.B_PER_LANE, 0);
                if (Lanes.BITS == 128) {
                    bytes.intoArray(codes, at + j, Lanes.BYTE_LANES);
                } else {
                    bytes.intoArray(codes, at + j);
                }
            }
        }
    }

    /**
     * MX dequantization of whole blocks (blockSize a multiple of N); NaN everywhere in a block with
     * the NaN scale.
     *
     * @return false when a code load would run past the array (the caller then uses the scalar path)
     */
    static boolean mxDecode(byte[] scales, int scalesOff, byte[] codes, int codesOff, int blocks, int blockSize,
                            MxElement element, float[] out, int outOff) {
        if (!VScaled.canLoad(codes, codesOff + blocks * blockSize - Lanes.N)) {
            return false;
        }
        FloatFormat f = element.format();
        VDecode.DecodeConsts dk = f == null ? null : new VDecode.DecodeConsts(f);
        int mask = f == null ? 0xFF : f.codeMask();
        for (int b = 0; b < blocks; b++) {
            int scaleCode = scales[scalesOff + b] & 0xFF;
            int base = b * blockSize;
            if (scaleCode == MxCodec.NAN_SCALE) {
                java.util.Arrays.fill(out, outOff + base, outOff + base + blockSize, Float.NaN);
                continue;
            }
            float scale = MxCodec.scaleValue(scaleCode);
            for (int j = 0; j < blockSize; j += Lanes.N) {
                FloatVector value;
                if (f == null) {
                    IntVector q = (IntVector) ByteVector.fromArray(Lanes.B_PER_LANE, codes, codesOff + base + j)
                            .convertShape(B2I, Lanes.I, 0);
                    value = VInt.toFloat(q).div(64f);
                } else {
                    value = VDecode.decodeLanes(VScaled.loadCodes(codes, codesOff + base + j).and(mask), dk);
                }
                value.mul(scale).intoArray(out, outOff + base + j);
            }
        }
        return true;
    }

    /**
     * NVFP4 block scales and element codes of whole blocks (blockSize a multiple of N, deterministic
     * rounding). The E4M3 scales of N consecutive blocks are computed together in one vector.
     */
    static void nvfp4Encode(float[] x, int off, int blocks, int blockSize, float global, Rounding r, byte[] scales,
                            int scalesOff, byte[] codes, int codesOff) {
        VEncode.Consts k = VEncode.Consts.of(FloatFormat.FP4_E2M1, r, true, Compat.ML_DTYPES);
        float[] amax = new float[Lanes.N];
        float[] totals = new float[Lanes.N];
        int b = 0;
        for (; b + Lanes.N <= blocks; b += Lanes.N) {
            for (int g = 0; g < Lanes.N; g++) {
                amax[g] = VScaled.amax(x, off + (b + g) * blockSize, blockSize);
            }
            VScaled.blockScales(amax, global, scales, scalesOff + b, totals);
            for (int g = 0; g < Lanes.N; g++) {
                VScaled.nvfp4BlockCodes(x, off, b + g, blockSize, global, totals[g], r, k, codes, codesOff);
            }
        }
        for (; b < blocks; b++) {
            int scaleCode = Nvfp4Codec.blockScaleCode(VScaled.amax(x, off + b * blockSize, blockSize), global);
            scales[scalesOff + b] = (byte) scaleCode;
            VScaled.nvfp4BlockCodes(x, off, b, blockSize, global, FloatFormat.FP8_E4M3FN.decode(scaleCode) * global, r,
                    k, codes, codesOff);
        }
    }

    /**
     * NVFP4 dequantization of whole blocks (blockSize a multiple of N); NaN everywhere in a block
     * whose combined scale is NaN.
     *
     * @return false when a code load would run past the array
     */
    static boolean nvfp4Decode(byte[] scales, int scalesOff, byte[] codes, int codesOff, int blocks, int blockSize,
                               float global, boolean negativeZero, float[] out, int outOff) {
        if (!VScaled.canLoad(codes, codesOff + blocks * blockSize - Lanes.N)) {
            return false;
        }
        for (int b = 0; b < blocks; b++) {
            float total = FloatFormat.FP8_E4M3FN.decode(scales[scalesOff + b] & 0xFF) * global;
            int base = b * blockSize;
            if (total != total) {
                java.util.Arrays.fill(out, outOff + base, outOff + base + blockSize, Float.NaN);
                continue;
            }
            for (int j = 0; j < blockSize; j += Lanes.N) {
                VScaled.e2m1Values(VScaled.loadCodes(codes, codesOff + base + j), negativeZero).mul(total)
                        .intoArray(out, outOff + base + j);
            }
        }
        return true;
    }

    /**
     * Packs one 8-bit Tenstorrent block-float tile ({@link VBfp#packTile}): its 64 shared exponents,
     * then its codes, in a compilation unit of its own.
     */
    static void bfpPackTile8(float[] tile, int off, boolean flushSubnormals, byte[] out, int outOff) {
        VBfp.sharedExponents(tile, off, out, outOff);
        VBfp.encodeTile8(tile, off, flushSubnormals, out, outOff);
    }

    /**
     * Decodes whole vectors of one-byte codes ({@link VDecode#decodeCodes}) and returns the index of
     * the first element left to the caller's scalar tail.
     */
    static int decodeBytes(byte[] codes, int off, float[] dst, int dOff, int n, int mask, VDecode.DecodeConsts k) {
        int loaded = Lanes.B_PER_LANE.length();
        int i = 0;
        for (; i + 2 * Lanes.N <= n && off + i + Lanes.N + loaded <= codes.length; i += 2 * Lanes.N) {
            IntVector c0 = ((IntVector) ByteVector.fromArray(Lanes.B_PER_LANE, codes, off + i).convertShape(B2I, Lanes.I, 0))
                    .and(mask);
            IntVector c1 = ((IntVector) ByteVector.fromArray(Lanes.B_PER_LANE, codes, off + i + Lanes.N)
                    .convertShape(B2I, Lanes.I, 0)).and(mask);
            VDecode.decodeLanes(c0, k).intoArray(dst, dOff + i);
            VDecode.decodeLanes(c1, k).intoArray(dst, dOff + i + Lanes.N);
        }
        for (; i + Lanes.N <= n && off + i + loaded <= codes.length; i += Lanes.N) {
            IntVector c = ((IntVector) ByteVector.fromArray(Lanes.B_PER_LANE, codes, off + i).convertShape(B2I, Lanes.I, 0))
                    .and(mask);
            VDecode.decodeLanes(c, k).intoArray(dst, dOff + i);
        }
        return i;
    }

    // ---------------------------------------------------------------------------------------
    // Arithmetic in a storage dtype: one loop per operation and dtype, so no vector crosses a branch.

    /** dst = x * factor for whole vectors; returns the count done. */
    static int mulF32(float[] src, int off, float factor, float[] dst, int dOff, int whole) {
        for (int i = 0; i < whole; i += Lanes.N) {
            FloatVector.fromArray(Lanes.F, src, off + i).mul(factor).intoArray(dst, dOff + i);
        }
        return whole;
    }

    /** dst = x / divisor for whole vectors; returns the count done. */
    static int divF32(float[] src, int off, float divisor, float[] dst, int dOff, int whole) {
        for (int i = 0; i < whole; i += Lanes.N) {
            FloatVector.fromArray(Lanes.F, src, off + i).div(divisor).intoArray(dst, dOff + i);
        }
        return whole;
    }

    /**
     * dst = bf16(x * factor) for whole vectors, stopping before the first vector with a NaN product
     * (left to the scalar reference); returns the count done.
     */
    static int mulBf16(float[] src, int off, float factor, float[] dst, int dOff, int whole) {
        int i = 0;
        for (; i < whole; i += Lanes.N) {
            IntVector b = (IntVector) FloatVector.fromArray(Lanes.F, src, off + i).mul(factor).reinterpretShape(Lanes.I, 0);
            if (b.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000).anyTrue()) {
                break;
            }
            ((FloatVector) b.add(b.lanewise(VectorOperators.LSHR, 16).and(1)).add(0x7FFF).and(0xFFFF0000)
                    .reinterpretShape(Lanes.F, 0)).intoArray(dst, dOff + i);
        }
        return i;
    }

    /** dst = bf16(x / divisor) for whole vectors, as {@link #mulBf16}. */
    static int divBf16(float[] src, int off, float divisor, float[] dst, int dOff, int whole) {
        int i = 0;
        for (; i < whole; i += Lanes.N) {
            IntVector b = (IntVector) FloatVector.fromArray(Lanes.F, src, off + i).div(divisor).reinterpretShape(Lanes.I, 0);
            if (b.and(0x7FFFFFFF).compare(VectorOperators.GT, 0x7F800000).anyTrue()) {
                break;
            }
            ((FloatVector) b.add(b.lanewise(VectorOperators.LSHR, 16).and(1)).add(0x7FFF).and(0xFFFF0000)
                    .reinterpretShape(Lanes.F, 0)).intoArray(dst, dOff + i);
        }
        return i;
    }

    /**
     * dst = (int8) clamp(rint(x), lo, hi) for whole vectors, stopping before a vector with a NaN lane;
     * returns the count done. The rounding adds 1.5 * 2^23, whose float32 neighbours are the integers,
     * and reads the integer from the bits (exact for the clamped range), so no float-to-int conversion
     * is needed.
     */
    static int roundToInt8(float[] src, int off, float lo, float hi, byte[] dst, int dOff, int whole) {
        int i = 0;
        for (; i < whole; i += Lanes.N) {
            FloatVector x = FloatVector.fromArray(Lanes.F, src, off + i);
            if (x.test(VectorOperators.IS_NAN).anyTrue()) {
                break;
            }
            IntVector q = ((IntVector) x.max(lo).min(hi).add(12582912f).reinterpretShape(Lanes.I, 0)).sub(0x4B400000);
            ByteVector bytes = (ByteVector) q.convertShape(I2B, Lanes.B_PER_LANE, 0);
            if (Lanes.BITS == 128) {
                bytes.intoArray(dst, dOff + i, Lanes.BYTE_LANES);
            } else {
                bytes.intoArray(dst, dOff + i);
            }
        }
        return i;
    }
}
