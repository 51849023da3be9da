package dev.qlens.bench;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A kernel with the memory traffic of an 8-bit encoder and none of its arithmetic, the reference
 * point that tells whether an encoder is bound by memory or by its instructions.
 */
final class MemoryRoof {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Bytes of one float vector's worth of lanes; ByteVector has a 64-bit species at the least. */
    private static final VectorSpecies<Byte> B = F.length() <= 8 ? ByteVector.SPECIES_64 : ByteVector.SPECIES_128;

    private MemoryRoof() {
    }

    /** dst[i] = the top byte of src[i]'s float32 bits, for i < n. */
    static void topBytes(float[] src, byte[] dst, int n) {
        int step = F.length();
        int i = 0;
        for (; i + step <= n && i + B.length() <= dst.length; i += step) {
            IntVector top = FloatVector.fromArray(F, src, i).reinterpretAsInts().lanewise(VectorOperators.LSHR, 24);
            ByteVector b = (ByteVector) top.convertShape(VectorOperators.I2B, B, 0);
            if (B.length() == step) {
                b.intoArray(dst, i);
            } else {
                b.intoArray(dst, i, B.indexInRange(0, step));
            }
        }
        for (; i < n; i++) {
            dst[i] = (byte) (Float.floatToRawIntBits(src[i]) >>> 24);
        }
    }
}
