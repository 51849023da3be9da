package dev.qlens.simd;

import static dev.qlens.simd.VectorTesting.SCALAR;
import static dev.qlens.simd.VectorTesting.VECTOR;
import static dev.qlens.simd.VectorTesting.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qlens.core.kernel.ScalarKernels;
import dev.qlens.core.tensor.DType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dtype arithmetic of the ComfyUI quantizers: vector kernels equal the scalar reference bit for bit. */
class VectorDtypeArithmeticTest {
    @BeforeProperty
    @BeforeEach
    void nativeWidth() {
        VectorTesting.assumeNativeWidth();
    }

    @Provide
    Arbitrary<float[]> inputs() {
        return Floats.arrays();
    }

    @Provide
    Arbitrary<Float> factors() {
        return Arbitraries.oneOf(Floats.any(), Arbitraries.floats().between(1e-6f, 1e6f).ofScale(9),
                Arbitraries.of(1f, 0.5f, 3f, 1f / 3, 448f / 0.021f, 0.021f / 127f, 0f, Float.MIN_VALUE, Float.MAX_VALUE));
    }

    @Property(tries = 400)
    void scaleToDtypeMatchesScalar(@ForAll("inputs") float[] x, @ForAll("factors") float factor,
                                   @ForAll boolean divide, @ForAll @IntRange(max = 5) int off) {
        int start = Math.min(off, x.length);
        int n = x.length - start;
        for (DType d : new DType[] {DType.BF16, DType.F16, DType.F32}) {
            float[] a = VectorTesting.junkFloats(n + 3, 7);
            float[] b = a.clone();
            SCALAR.scaleToDtype(x, start, factor, divide, d, a, 1, n);
            VECTOR.scaleToDtype(x, start, factor, divide, d, b, 1, n);
            assertSameBits(a, b, d + (divide ? " / " : " * ") + factor);
        }
    }

    @Provide
    Arbitrary<float[]> quotients() {
        return Arbitraries.oneOf(Floats.arrays(),
                Arbitraries.floats().between(-300f, 300f).map(v -> (float) Math.rint(v * 2) / 2).array(float[].class)
                        .ofMinSize(0).ofMaxSize(200));
    }

    @Property(tries = 400)
    void roundToInt8MatchesScalar(@ForAll("quotients") float[] x, @ForAll boolean narrow) {
        float lo = narrow ? -7f : -128f;
        float hi = narrow ? 7f : 127f;
        byte[] a = VectorTesting.junk(x.length + 2, 3);
        byte[] b = a.clone();
        SCALAR.roundToInt8(x, 0, lo, hi, a, 2, x.length);
        VECTOR.roundToInt8(x, 0, lo, hi, b, 2, x.length);
        assertArrayEquals(a, b);
    }

    @Test
    void scalarReferenceRoundsHalfToEvenAndClamps() {
        float[] x = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 126.5f, 127.5f, -128.5f, 300f, Float.NaN, -0f};
        byte[] q = new byte[x.length];
        ScalarKernels.INSTANCE.roundToInt8(x, 0, -128, 127, q, 0, x.length);
        assertArrayEquals(new byte[] {0, 2, 2, 0, -2, 126, 127, -128, 127, 0, 0}, q);
        assertEquals(1.0078125f, ScalarKernels.bf16(1.00390625f + 1e-7f), 0f, "just above a tie rounds up");
        assertEquals(1.0f, ScalarKernels.bf16(1.00390625f), 0f, "a tie rounds to even");
    }
}
