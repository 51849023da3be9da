package dev.qlens.simd;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every kernel uses, chosen once: {@code -Dqlens.vector.bits=128|256|512}, or the
 * platform's preferred width (capped at 512). They are {@code static final}, so the JIT treats them
 * as constants, which the Vector API needs to compile to SIMD instructions.
 */
final class Lanes {
    /** Vector width in bits. */
    static final int BITS = chooseBits();
    /** float32 lanes. */
    static final VectorSpecies<Float> F = floatSpecies(BITS);
    /** int32 lanes (same count as F). */
    static final VectorSpecies<Integer> I = intSpecies(BITS);
    /** float64 lanes of the same width (half as many). */
    static final VectorSpecies<Double> D = doubleSpecies(BITS);
    /** float32 lanes of half the width: one float64 vector's worth, converted without a lane shuffle. */
    static final VectorSpecies<Float> F_HALF = floatSpecies(BITS / 2);
    /** int32 lanes of half the width (as many as {@link #D}). */
    static final VectorSpecies<Integer> I_HALF = intSpecies(BITS / 2);
    /** int64 lanes of the full width (float64 bit patterns). */
    static final VectorSpecies<Long> L = longSpecies(BITS);
    /** Lanes per float vector. */
    static final int N = F.length();
    /** Bytes holding one byte per int lane (at least 64 bits: at 128-bit width only the first 4 lanes are used). */
    static final VectorSpecies<Byte> B_PER_LANE = byteSpecies(Math.max(64, BITS / 4));
    /** Shorts holding one short per int lane. */
    static final VectorSpecies<Short> S_PER_LANE = shortSpecies(BITS / 2);
    /** int16 lanes of the full width (twice as many as {@link #I}). */
    static final VectorSpecies<Short> S = shortSpecies(BITS);
    /** Bytes holding two bytes per int lane (little-endian 16-bit values). */
    static final VectorSpecies<Byte> B_TWO_PER_LANE = byteSpecies(BITS / 2);
    /** Bytes holding four bytes per int lane (float32 bits). */
    static final VectorSpecies<Byte> B_FOUR_PER_LANE = byteSpecies(BITS);
    /** The lanes of {@link #B_PER_LANE} that correspond to int lanes. */
    static final VectorMask<Byte> BYTE_LANES = B_PER_LANE.indexInRange(0, N);

    static {
        initialiseDummyVectors();
    }

    private Lanes() {
    }

    /**
     * Each species creates its "dummy vector" lazily and C2 folds it to a constant only once it
     * exists; a kernel compiled before then cannot intrinsify conversions into that species and
     * boxes every vector (seen on JDK 17 with the I2B store of codes). Touching every species here
     * creates them before any kernel runs.
     */
    private static void initialiseDummyVectors() {
        VectorSpecies<?>[] all = {F, I, D, L, F_HALF, I_HALF, B_PER_LANE, S_PER_LANE, B_TWO_PER_LANE, B_FOUR_PER_LANE};
        for (VectorSpecies<?> s : all) {
            s.zero();
        }
        IntVector i = IntVector.zero(I);
        i.convertShape(VectorOperators.I2B, B_PER_LANE, 0);
        i.convertShape(VectorOperators.I2S, S_PER_LANE, 0);
        ByteVector.zero(B_PER_LANE).convertShape(VectorOperators.B2I, I, 0);
        ShortVector.zero(S_PER_LANE).convertShape(VectorOperators.S2I, I, 0);
        FloatVector.zero(F).convertShape(VectorOperators.F2D, D, 0);
        FloatVector.zero(F_HALF).convertShape(VectorOperators.F2D, D, 0);
        DoubleVector.zero(D).convertShape(VectorOperators.D2F, F_HALF, 0);
    }

    private static int chooseBits() {
        String p = System.getProperty("qlens.vector.bits");
        if (p != null && !p.isBlank()) {
            int b = Integer.parseInt(p.trim());
            if (b != 128 && b != 256 && b != 512) {
                throw new IllegalArgumentException("qlens.vector.bits must be 128, 256 or 512, not " + p);
            }
            return b;
        }
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (preferred < 128) {
            throw new UnsupportedOperationException("the preferred vector size is " + preferred + " bits");
        }
        return Math.min(512, preferred);
    }

    private static VectorSpecies<Float> floatSpecies(int bits) {
        switch (bits) {
            case 512:
                return FloatVector.SPECIES_512;
            case 256:
                return FloatVector.SPECIES_256;
            case 128:
                return FloatVector.SPECIES_128;
            default:
                return FloatVector.SPECIES_64;
        }
    }

    private static VectorSpecies<Long> longSpecies(int bits) {
        return bits == 512 ? LongVector.SPECIES_512 : bits == 256 ? LongVector.SPECIES_256 : LongVector.SPECIES_128;
    }

    private static VectorSpecies<Integer> intSpecies(int bits) {
        switch (bits) {
            case 512:
                return IntVector.SPECIES_512;
            case 256:
                return IntVector.SPECIES_256;
            case 128:
                return IntVector.SPECIES_128;
            default:
                return IntVector.SPECIES_64;
        }
    }

    private static VectorSpecies<Double> doubleSpecies(int bits) {
        return bits == 512 ? DoubleVector.SPECIES_512 : bits == 256 ? DoubleVector.SPECIES_256 : DoubleVector.SPECIES_128;
    }

    private static VectorSpecies<Byte> byteSpecies(int bits) {
        switch (bits) {
            case 512:
                return ByteVector.SPECIES_512;
            case 256:
                return ByteVector.SPECIES_256;
            case 128:
                return ByteVector.SPECIES_128;
            default:
                return ByteVector.SPECIES_64;
        }
    }

    private static VectorSpecies<Short> shortSpecies(int bits) {
        switch (bits) {
            case 512:
                return ShortVector.SPECIES_512;
            case 256:
                return ShortVector.SPECIES_256;
            case 128:
                return ShortVector.SPECIES_128;
            default:
                return ShortVector.SPECIES_64;
        }
    }
}
