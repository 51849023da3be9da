package dev.qlens.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.ScalarKernels;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.Rounding;
import jdk.incubator.vector.FloatVector;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Assumptions;

/** The two implementations under comparison and the assertions every vector test uses. */
final class VectorTesting {
    static final Kernels SCALAR = ScalarKernels.INSTANCE;
    static final Kernels VECTOR = new VectorKernels();

    private VectorTesting() {
    }

    /**
     * Skips when the forced width exceeds the hardware's: the Vector API would then run in its slow
     * Java fallback, which tests nothing about the compiled kernels and takes minutes.
     */
    static void assumeNativeWidth() {
        Assumptions.assumeTrue(Lanes.BITS <= FloatVector.SPECIES_PREFERRED.vectorBitSize(),
                () -> "this CPU has " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors, not "
                        + Lanes.BITS);
    }

    /** Every encode mode: all roundings, with and without saturation, both conventions, any seed. */
    static Arbitrary<EncodeMode> modes() {
        return Combinators.combine(Arbitraries.of(Rounding.values()), Arbitraries.of(true, false),
                Arbitraries.of(Compat.values()), Arbitraries.longs()).as(EncodeMode::new);
    }

    /** Bit-for-bit equality of float arrays (NaN payloads and the sign of zero included). */
    static void assertSameBits(float[] expected, float[] actual, String what) {
        assertArrayEquals(Floats.bits(expected), Floats.bits(actual), what);
    }

    static void assertSameBits(double expected, double actual, String what) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual),
                () -> what + ": expected " + expected + " but was " + actual);
    }

    /** A buffer of deterministic junk so that untouched bytes are compared too. */
    static byte[] junk(int n, long seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    static float[] junkFloats(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = Float.intBitsToFloat(r.nextInt());
        }
        return f;
    }
}
