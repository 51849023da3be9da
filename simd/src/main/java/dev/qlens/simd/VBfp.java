package dev.qlens.simd;

import static jdk.incubator.vector.VectorOperators.I2B;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

import dev.qlens.core.block.BfpCodec;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector kernels of Tenstorrent block floats, bit-identical to {@link BfpCodec}: a group of 16
 * elements is one to four vectors, its shared exponent a lane-wise maximum of exponent fields.
 * Groups whose shared exponent is 255 (Inf or NaN inputs) decode through the scalar reference.
 */
final class VBfp {
    private static final int GROUP = BfpCodec.GROUP;
    private static final int TILE = BfpCodec.TILE;

    private VBfp() {
    }

    /**
     * The shared exponent of the 16 values at {@code off}: their largest float32 exponent field, by a
     * lane-wise maximum over the group's vectors, then one reduction across the lanes. C2 reduces
     * with in-lane shuffles, cheaper on this hardware than a butterfly of cross-lane permutations
     * that keeps the result in every lane (measured 2.8 -> 3.2 Gelem/s for the 8-bit tile pack).
     */
    static int sharedExponent(float[] x, int off) {
        IntVector m = FloatVector.fromArray(Lanes.F, x, off).reinterpretAsInts().and(0x7F800000);
        for (int j = Lanes.N; j < GROUP; j += Lanes.N) {
            m = m.max(FloatVector.fromArray(Lanes.F, x, off + j).reinterpretAsInts().and(0x7F800000));
        }
        return m.reduceLanes(VectorOperators.MAX) >>> 23;
    }

    /**
     * Whether float-to-int conversions compile to vector instructions (JDK 21 on; JDK 17 boxes them).
     * Both paths of {@link #encodeLanes} compute the same exact floor.
     */
    private static final boolean VECTOR_F2I = Runtime.version().feature() >= 21;

    /**
     * Codes of N lanes given the group's shared exponent, each in the low byte of its lane (bits 23
     * and up may hold 2^23's exponent; narrowing stores drop them). For shared exponents 24 to 254
     * the aligned significand floor(|x| * 2^(150 - E)) is computed with one exact float
     * multiplication and a truncating conversion, and the rounding on the code's last bit with one
     * fused multiply-add
     * against 2^23 (float addition rounds to nearest even there); float32 subnormals then align to 0
     * whichever packer is emulated. Other exponents (tiny groups, Inf or NaN inputs) take the
     * integer path, which mirrors {@link BfpCodec#encodeGroup} step by step.
     */
    static IntVector encodeLanes(FloatVector x, int shared, int bits, boolean flushSubnormals) {
        if (shared < 24 || shared > 254) {
            return encodeLanesExact(x, shared, bits, flushSubnormals);
        }
        // 2^(150 - E), a normal float for E in [24, 254]; broadcast as int bits (multiplying by a float
        // scalar measured slower: BFP4 pack 0.28 -> 0.17 Gelem/s on JDK 17, BFP8 ~10% on JDK 25)
        FloatVector align = IntVector.broadcast(Lanes.I, (277 - shared) << 23).reinterpretAsFloats();
        FloatVector t = x.abs().mul(align); // below 2^24, exact
        FloatVector floor;
        if (VECTOR_F2I) {
            floor = (FloatVector) t.convert(VectorOperators.F2I, 0).convert(VectorOperators.I2F, 0);
        } else {
            // Values from 2^23 up are integers already; below, rint(t) by adding 2^23, minus one where
            // that rounded up.
            FloatVector r = t.add(0x1p23f).sub(0x1p23f);
            floor = r.sub(FloatVector.zero(Lanes.F).blend(1f, r.compare(VectorOperators.GT, t)));
            floor = floor.blend(t, t.compare(VectorOperators.GE, 0x1p23f));
        }
        // Bits of 2^23 + the rounded magnitude, capped at the largest one: the code's low bits (the
        // constant's are zero). Bit (B - 1) of (capped + 2^(B-1) - 1) is set exactly when the magnitude
        // is not zero, which keeps a zero code unsigned.
        int maxMag = (1 << (bits - 1)) - 1;
        IntVector capped = floor.fma(Float.intBitsToFloat((127 - (25 - bits)) << 23), 0x1p23f).reinterpretAsInts()
                .min(0x4B000000 + maxMag);
        return capped.or(capped.add(maxMag).and(x.reinterpretAsInts().lanewise(LSHR, 32 - bits))
                .and(1 << (bits - 1)));
    }

    /** The integer path, step for step as {@link BfpCodec#encodeGroup}. */
    static IntVector encodeLanesExact(FloatVector x, int shared, int bits, boolean flushSubnormals) {
        IntVector u = x.reinterpretAsInts();
        IntVector e = u.lanewise(LSHR, 23).and(0xFF);
        VectorMask<Integer> zero = flushSubnormals ? e.eq(0) : u.and(0x7FFFFFFF).eq(0);
        // Vector shift counts are taken modulo 32, so alignments of 32 or more are capped at 31,
        // which already shifts every bit of a 24-bit significand out.
        IntVector d = IntVector.broadcast(Lanes.I, shared).sub(e).min(31);
        IntVector mag = u.and(0x7FFFFF).or(0x800000).lanewise(LSHR, d);
        int shift = 25 - bits;
        int bias = (1 << (shift - 1)) - 1;
        mag = mag.add(bias).add(mag.lanewise(LSHR, shift).and(1)).lanewise(LSHR, shift).min((1 << (bits - 1)) - 1);
        mag = mag.blend(0, zero);
        IntVector code = mag.or(u.lanewise(LSHR, 31).lanewise(LSHL, bits - 1));
        return code.blend(0, mag.eq(0));
    }

    /** Values of N codes for a shared exponent below 255: mag * 2^(E - 127 - (B - 2)), sign applied. */
    static FloatVector decodeLanes(IntVector code, int shared, int bits) {
        IntVector mag = code.and((1 << (bits - 1)) - 1);
        IntVector sign = code.lanewise(LSHR, bits - 1).and(1).lanewise(LSHL, 31);
        // 2^(E - 133) at the smallest, so the factor is an exact float32 and the product rounds once,
        // like the reference's exact double rounded to float32.
        float factor = Math.scalb(1f, shared - 127 - (bits - 2));
        FloatVector v = ((FloatVector) mag.convert(I2F, 0)).mul(factor);
        return v.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    static void groups(float[] x, int off, int groups, int bits, boolean flushSubnormals, byte[] exponents, int expOff,
                       byte[] codes, int codesOff, float[] out, int outOff) {
        byte[] tmp = new byte[GROUP];
        for (int g = 0; g < groups; g++) {
            int base = off + g * GROUP;
            int shared = sharedExponent(x, base);
            if (exponents != null) {
                exponents[expOff + g] = (byte) shared;
            }
            // Codes go to the caller's array, or to tmp when only the scalar decoder of an Inf/NaN group needs them.
            boolean keepCodes = codes != null || (out != null && shared == 0xFF);
            byte[] dst = codes != null ? codes : tmp;
            int dstOff = codes != null ? codesOff + g * GROUP : 0;
            for (int j = 0; j < GROUP; j += Lanes.N) {
                IntVector code = encodeLanes(FloatVector.fromArray(Lanes.F, x, base + j), shared, bits,
                        flushSubnormals);
                if (keepCodes) {
                    // VEncode.storeBytes written out: a helper call could fall past C2's inlining budget.
                    ByteVector b = (ByteVector) code.convertShape(I2B, Lanes.B_PER_LANE, 0);
                    if (Lanes.BITS == 128) {
                        b.intoArray(dst, dstOff + j, Lanes.BYTE_LANES);
                    } else {
                        b.intoArray(dst, dstOff + j);
                    }
                }
                if (out != null && shared != 0xFF) {
                    decodeLanes(code, shared, bits).intoArray(out, outOff + g * GROUP + j);
                }
            }
            if (out != null && shared == 0xFF) {
                for (int i = 0; i < GROUP; i++) {
                    out[outOff + g * GROUP + i] = BfpCodec.decode(dst[dstOff + i] & 0xFF, shared, bits);
                }
            }
        }
    }

    /** Offset in a row-major tile of the first element of packed row r (face r / 16, row r % 16 in it). */
    private static int rowStart(int r) {
        int face = r / 16;
        return ((face / 2) * 16 + r % 16) * TILE + (face % 2) * 16;
    }

    /**
     * Packs one 32x32 tile: the 64 shared exponents first, then the codes of each packed row reading
     * its exponent back. Two passes, because a row's codes wait on a cross-lane reduction and a trip
     * from vector to scalar and back; with the reductions done ahead, the rows' encodings no longer
     * queue behind them (8-bit tile, JDK 25: 3.0 -> 4.0 Gelem/s in cache, 2.9 -> 3.5 from RAM; JDK 17
     * 1.8 -> 2.5). The 8-bit tile, the common one, runs as its own compiled loop
     * ({@link VPasses#bfpPackTile8}). Only ints cross the calls to the row helpers, so no vector is
     * boxed whichever of them C2 leaves out of line.
     */
    static void packTile(float[] tile, int off, int bits, boolean flushSubnormals, byte[] out, int outOff) {
        if (bits == 8) {
            VPasses.bfpPackTile8(tile, off, flushSubnormals, out, outOff);
            return;
        }
        sharedExponents(tile, off, out, outOff);
        int rowBytes = GROUP * bits / 8;
        byte[] tmp = new byte[GROUP];
        int codesAt = outOff + BfpCodec.EXPONENT_BYTES;
        for (int face = 0; face < 4; face++) {
            int base = off + rowStart(face * GROUP);
            int expAt = outOff + face * GROUP;
            for (int i = 0; i < GROUP; i++, base += TILE, codesAt += rowBytes) {
                encodeRow(tile, base, out[expAt + i] & 0xFF, bits, flushSubnormals, tmp, 0);
                BfpCodec.packRow(tmp, 0, bits, out, codesAt);
            }
        }
    }

    /**
     * The 64 shared exponents of a tile, in packed-row order, at out[outOff..outOff+64). Rows are
     * walked face by face so each row's offset is one addition from the last.
     */
    static void sharedExponents(float[] tile, int off, byte[] out, int outOff) {
        for (int face = 0; face < 4; face++) {
            int base = off + rowStart(face * GROUP);
            for (int i = 0; i < GROUP; i++, base += TILE) {
                out[outOff + face * GROUP + i] = (byte) sharedExponent(tile, base);
            }
        }
    }

    /**
     * The 8-bit codes of a tile whose shared exponents are at out[outOff..outOff+64), one byte each.
     * One flat loop over the vectors of a face rather than rows of vectors: with an inner loop of a
     * single trip (512-bit vectors), C2 kept a safepoint poll and a range check in every row
     * (measured 3.7 vs 4.2 Gelem/s in cache).
     */
    static void encodeTile8(float[] tile, int off, boolean flushSubnormals, byte[] out, int outOff) {
        int perRow = GROUP / Lanes.N;
        for (int face = 0; face < 4; face++) {
            int faceBase = off + rowStart(face * GROUP);
            for (int v = 0; v < GROUP * perRow; v++) {
                int r = face * GROUP + v / perRow;
                int j = v % perRow * Lanes.N;
                IntVector code = encodeLanes(FloatVector.fromArray(Lanes.F, tile, faceBase + (v / perRow) * TILE + j),
                        out[outOff + r] & 0xFF, 8, flushSubnormals);
                // VEncode.storeBytes written out: a helper call could fall past C2's inlining budget.
                ByteVector b = (ByteVector) code.convertShape(I2B, Lanes.B_PER_LANE, 0);
                int at = outOff + BfpCodec.EXPONENT_BYTES + r * GROUP + j;
                if (Lanes.BITS == 128) {
                    b.intoArray(out, at, Lanes.BYTE_LANES);
                } else {
                    b.intoArray(out, at);
                }
            }
        }
    }

    /** The codes of one 16-element row, one per byte, at dst[at..at+16), given its shared exponent. */
    private static void encodeRow(float[] tile, int base, int shared, int bits, boolean flushSubnormals,
                                  byte[] dst, int at) {
        for (int j = 0; j < GROUP; j += Lanes.N) {
            IntVector code = encodeLanes(FloatVector.fromArray(Lanes.F, tile, base + j), shared, bits, flushSubnormals);
            // VEncode.storeBytes written out: a helper call could fall past C2's inlining budget.
            ByteVector b = (ByteVector) code.convertShape(I2B, Lanes.B_PER_LANE, 0);
            if (Lanes.BITS == 128) {
                b.intoArray(dst, at + j, Lanes.BYTE_LANES);
            } else {
                b.intoArray(dst, at + j);
            }
        }
    }

    static void unpackTile(byte[] in, int inOff, int bits, float[] tile, int off) {
        byte[] codes;
        int codesOff;
        int stride;
        if (bits == 8) {
            codes = in;
            codesOff = inOff + BfpCodec.EXPONENT_BYTES;
            stride = GROUP;
        } else {
            // Narrow codes are first spread to one per byte, in the tile's row-major order.
            codes = new byte[TILE * TILE + Lanes.B_PER_LANE.length()];
            BfpCodec.tileCodes(in, inOff, bits, codes, 0, null);
            codesOff = 0;
            stride = -1;
        }
        for (int r = 0; r < 64; r++) {
            int shared = in[inOff + r] & 0xFF;
            int start = rowStart(r);
            int at = stride > 0 ? codesOff + r * stride : start;
            for (int j = 0; j < GROUP; j += Lanes.N) {
                if (shared == 0xFF || !VScaled.canLoad(codes, at + j)) {
                    for (int i = j; i < j + Lanes.N; i++) {
                        tile[off + start + i] = BfpCodec.decode(codes[at + i] & 0xFF, shared, bits);
                    }
                } else {
                    decodeLanes(VScaled.loadCodes(codes, at + j), shared, bits).intoArray(tile, off + start + j);
                }
            }
        }
    }
}
