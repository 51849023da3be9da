package dev.qlens.simd;

import static dev.qlens.simd.VectorTesting.SCALAR;
import static dev.qlens.simd.VectorTesting.VECTOR;
import static dev.qlens.simd.VectorTesting.assertSameBits;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.BeforeEach;

/** The model-inference kernels (GELU, small products): vector kernels equal the scalar reference bit for bit. */
class VectorModelKernelsTest {
    @BeforeProperty
    @BeforeEach
    void nativeWidth() {
        VectorTesting.assumeNativeWidth();
    }

    @Provide
    Arbitrary<float[]> activations() {
        // Any float (NaN, infinities, subnormals, +-0), and the range GELU sees, including the
        // saturation edge |x / sqrt 2| = 4.
        return Arbitraries.oneOf(Floats.arrays(),
                Arbitraries.floats().between(-12f, 12f).array(float[].class).ofMinSize(0).ofMaxSize(300),
                Arbitraries.of(5.656854f, -5.656854f, 5.6568537f, -5.6568537f, 5.656855f, 0f, -0f,
                        Float.MIN_VALUE, -Float.MIN_VALUE).array(float[].class).ofMinSize(1).ofMaxSize(40));
    }

    @Property(tries = 500)
    void geluMatchesScalar(@ForAll("activations") float[] x, @ForAll @IntRange(max = 5) int off) {
        int start = Math.min(off, x.length);
        float[] a = x.clone();
        float[] b = x.clone();
        SCALAR.gelu(a, start, x.length - start);
        VECTOR.gelu(b, start, x.length - start);
        assertSameBits(a, b, "gelu");
    }

    @Provide
    Arbitrary<float[]> entries() {
        return Arbitraries.oneOf(Arbitraries.floats().between(-4f, 4f).array(float[].class).ofSize(2048),
                Floats.any().array(float[].class).ofSize(2048));
    }

    @Property(tries = 300)
    void smallProductMatchesScalar(@ForAll @IntRange(min = 0, max = 9) int m, @ForAll @IntRange(min = 0, max = 40) int k,
                                   @ForAll @IntRange(min = 0, max = 150) int n, @ForAll("entries") float[] pool,
                                   @ForAll @IntRange(max = 3) int aOff) {
        float[] a = new float[aOff + m * k];
        float[] b = new float[1 + k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = pool[i % pool.length];
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = pool[(7 * i + 3) % pool.length];
        }
        float[] c1 = VectorTesting.junkFloats(m * n + 2, 5);
        float[] c2 = c1.clone();
        SCALAR.matmulSmall(a, aOff, b, 1, c1, 2, m, k, n);
        VECTOR.matmulSmall(a, aOff, b, 1, c2, 2, m, k, n);
        assertSameBits(c1, c2, m + "x" + k + "x" + n);
    }
}
