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
import jdk.incubator.vector.VectorShuffle;

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

    /** Lane permutations i -> i xor k for k = 1, 2, 4, 8 (identity where i xor k is not a lane). */
    private static final VectorShuffle<Integer> SWAP1 = swap(1);
    private static final VectorShuffle<Integer> SWAP2 = swap(2);
    private static final VectorShuffle<Integer> SWAP4 = swap(4);
    private static final VectorShuffle<Integer> SWAP8 = swap(8);

    private static VectorShuffle<Integer> swap(int k) {
        int[] index = new int[Lanes.N];
        for (int i = 0; i < index.length; i++) {
            index[i] = (i ^ k) < Lanes.N ? i ^ k : i;
        }
        return VectorShuffle.fromArray(Lanes.I, index, 0);
    }

    /**
     * The largest float32 exponent field (in place, bits 23 to 30) of the 16 values at {@code off},
     * in every lane. A butterfly of lane swaps keeps the maximum in the vector registers, where the
     * encoder needs it, instead of a reduction to a scalar and a broadcast back.
     */
    static IntVector sharedField(float[] x, int off) {
        IntVector m = fieldMax(x, off);
        m = m.max(m.rearrange(SWAP1));
        m = m.max(m.rearrange(SWAP2));
        if (Lanes.N >= 8) {
            m = m.max(m.rearrange(SWAP4));
        }
        if (Lanes.N >= 16) {
            m = m.max(m.rearrange(SWAP8));
        }
        return m;
    }

    /**
     * Whether float-to-int conversions compile to vector instructions (JDK 21 on; JDK 17 boxes them).
     * Both paths of {@link #encodeLanes} compute the same exact floor.
     */
    private static final boolean VECTOR_F2I = Runtime.version().feature() >= 21;

    /**
     * Codes of N lanes given the group's shared exponent. For shared exponents 24 to 254 the aligned
     * significand floor(|x| * 2^(150 - E)) is computed with one exact float multiplication and a
     * truncating conversion, and the rounding on the code's last bit with one fused multiply-add
     * against 2^23 (float addition rounds to nearest even there); float32 subnormals then align to 0
     * whichever packer is emulated. Other exponents (tiny groups, Inf or NaN inputs) take the
     * integer path, which mirrors {@link BfpCodec#encodeGroup} step by step.
     */
    static IntVector encodeLanes(FloatVector x, IntVector sharedField, int shared, int bits,
                                 boolean flushSubnormals) {
        if (shared < 24 || shared > 254) {
            return encodeLanesExact(x, shared, bits, flushSubnormals);
        }
        FloatVector align = IntVector.broadcast(Lanes.I, 277 << 23).sub(sharedField).reinterpretAsFloats(); // 2^(150-E)
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
        FloatVector rounded = floor.fma(Float.intBitsToFloat((127 - (25 - bits)) << 23), 0x1p23f);
        IntVector mag = rounded.reinterpretAsInts().sub(0x4B000000).min((1 << (bits - 1)) - 1);
        IntVector sign = x.reinterpretAsInts().lanewise(LSHR, 32 - bits).and(1 << (bits - 1));
        return mag.or(sign).blend(0, mag.eq(0));
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
            IntVector field = sharedField(x, base);
            int shared = field.lane(0) >>> 23;
            if (exponents != null) {
                exponents[expOff + g] = (byte) shared;
            }
            // Codes go to the caller's array, or to tmp when only the scalar decoder of an Inf/NaN group needs them.
            boolean keepCodes = codes != null || (out != null && shared == 0xFF);
            byte[] dst = codes != null ? codes : tmp;
            int dstOff = codes != null ? codesOff + g * GROUP : 0;
            for (int j = 0; j < GROUP; j += Lanes.N) {
                IntVector code = encodeLanes(FloatVector.fromArray(Lanes.F, x, base + j), field, shared, bits,
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

    /** Lanes of the upper half of a vector. */
    private static final VectorMask<Integer> UPPER_HALF = upperHalf();
    /** Lane permutation i -> i xor N/2: swaps the two halves. */
    private static final VectorShuffle<Integer> SWAP_HALVES = swap(Lanes.N / 2);
    /** Lane 0, respectively lane N/2, in every lane. */
    private static final VectorShuffle<Integer> FIRST_OF_LOWER = VectorShuffle.iota(Lanes.I, 0, 0, false);
    private static final VectorShuffle<Integer> FIRST_OF_UPPER = VectorShuffle.iota(Lanes.I, Lanes.N / 2, 0, false);

    private static VectorMask<Integer> upperHalf() {
        boolean[] upper = new boolean[Lanes.N];
        for (int i = Lanes.N / 2; i < Lanes.N; i++) {
            upper[i] = true;
        }
        return VectorMask.fromArray(Lanes.I, upper, 0);
    }

    /** Lane-wise maximum of the exponent fields of the 16 values at {@code off}. */
    private static IntVector fieldMax(float[] x, int off) {
        IntVector m = FloatVector.fromArray(Lanes.F, x, off).reinterpretAsInts().and(0x7F800000);
        for (int j = Lanes.N; j < GROUP; j += Lanes.N) {
            m = m.max(FloatVector.fromArray(Lanes.F, x, off + j).reinterpretAsInts().and(0x7F800000));
        }
        return m;
    }

    /**
     * The shared exponent fields of two groups at once: the largest exponent field of group a in
     * every lane of the lower half, of group b in the upper half. Folding a's upper half and b's
     * lower half into one vector first lets the two groups share the remaining swaps, which cost
     * as much as arithmetic on this hardware (half the swaps of two {@link #sharedField} calls).
     */
    static IntVector sharedFieldPair(float[] x, int offA, int offB) {
        IntVector a = fieldMax(x, offA);
        IntVector b = fieldMax(x, offB);
        IntVector m = a.blend(b, UPPER_HALF).max(b.blend(a, UPPER_HALF).rearrange(SWAP_HALVES));
        if (Lanes.N >= 4) {
            m = m.max(m.rearrange(SWAP1));
        }
        if (Lanes.N >= 8) {
            m = m.max(m.rearrange(SWAP2));
        }
        if (Lanes.N >= 16) {
            m = m.max(m.rearrange(SWAP4));
        }
        return m;
    }

    /**
     * Packs one 32x32 tile. Where float-to-int conversions are intrinsics (JDK 21 on), rows go in
     * pairs (rows r and r + 1 of a face, 32 floats apart in the tile) so that their shared exponents
     * come from one {@link #sharedFieldPair}. On JDK 17 the floor is emulated with more operations
     * and two rows' worth no longer fits C2's inlining budget (measured 2x slower), so rows go one
     * at a time.
     */
    static void packTile(float[] tile, int off, int bits, boolean flushSubnormals, byte[] out, int outOff) {
        if (VECTOR_F2I) {
            packTilePaired(tile, off, bits, flushSubnormals, out, outOff);
        } else {
            packTileByRow(tile, off, bits, flushSubnormals, out, outOff);
        }
    }

    private static void packTileByRow(float[] tile, int off, int bits, boolean flushSubnormals, byte[] out,
                                      int outOff) {
        int rowBytes = GROUP * bits / 8;
        int dataOff = outOff + BfpCodec.EXPONENT_BYTES;
        byte[] tmp = bits == 8 ? null : new byte[GROUP];
        for (int r = 0; r < 64; r++) {
            int base = off + rowStart(r);
            IntVector field = sharedField(tile, base);
            int shared = field.lane(0) >>> 23;
            out[outOff + r] = (byte) shared;
            if (tmp == null) {
                packRow8(tile, base, field, shared, flushSubnormals, out, dataOff + r * rowBytes);
            } else {
                packRowNarrow(tile, base, field, shared, bits, flushSubnormals, tmp, out, dataOff + r * rowBytes);
            }
        }
    }

    private static void packTilePaired(float[] tile, int off, int bits, boolean flushSubnormals, byte[] out,
                                       int outOff) {
        int rowBytes = GROUP * bits / 8;
        int dataOff = outOff + BfpCodec.EXPONENT_BYTES;
        byte[] tmp = bits == 8 ? null : new byte[GROUP];
        for (int r = 0; r < 64; r += 2) {
            int base = off + rowStart(r);
            IntVector pair = sharedFieldPair(tile, base, base + TILE);
            int sharedA = pair.lane(0) >>> 23;
            int sharedB = pair.lane(Lanes.N / 2) >>> 23;
            out[outOff + r] = (byte) sharedA;
            out[outOff + r + 1] = (byte) sharedB;
            IntVector fieldA = pair.rearrange(FIRST_OF_LOWER);
            IntVector fieldB = pair.rearrange(FIRST_OF_UPPER);
            if (tmp == null) {
                packRow8(tile, base, fieldA, sharedA, flushSubnormals, out, dataOff + r * rowBytes);
                packRow8(tile, base + TILE, fieldB, sharedB, flushSubnormals, out, dataOff + (r + 1) * rowBytes);
            } else {
                packRowNarrow(tile, base, fieldA, sharedA, bits, flushSubnormals, tmp, out, dataOff + r * rowBytes);
                packRowNarrow(tile, base + TILE, fieldB, sharedB, bits, flushSubnormals, tmp, out,
                        dataOff + (r + 1) * rowBytes);
            }
        }
    }

    /** One row of 8-bit codes straight into the packed tile. */
    private static void packRow8(float[] tile, int base, IntVector field, int shared, boolean flushSubnormals,
                                 byte[] out, int at) {
        encodeRow(tile, base, field, shared, 8, flushSubnormals, out, at);
    }

    /** One row of 4- or 2-bit codes: one per byte in tmp, then packed by the reference. */
    private static void packRowNarrow(float[] tile, int base, IntVector field, int shared, int bits,
                                      boolean flushSubnormals, byte[] tmp, byte[] out, int at) {
        encodeRow(tile, base, field, shared, bits, flushSubnormals, tmp, 0);
        BfpCodec.packRow(tmp, 0, bits, out, at);
    }

    /** The codes of one 16-element row, one per byte, at dst[at..at+16). */
    private static void encodeRow(float[] tile, int base, IntVector field, int shared, int bits,
                                  boolean flushSubnormals, byte[] dst, int at) {
        for (int j = 0; j < GROUP; j += Lanes.N) {
            IntVector code = encodeLanes(FloatVector.fromArray(Lanes.F, tile, base + j), field, shared, bits,
                    flushSubnormals);
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
