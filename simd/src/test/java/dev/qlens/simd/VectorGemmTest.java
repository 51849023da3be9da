package dev.qlens.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.ScalarGemmKernel;
import dev.qlens.core.linalg.Workers;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * The Vector API float32 GEMM is bit-identical to the scalar kernel and to the fma-chain definition,
 * for any shape (tails in every dimension), view layout and thread count, including NaN, infinities,
 * signed zeros and subnormals.
 */
class VectorGemmTest {
    private static final Workers TWO = Workers.create(2);
    private static final Workers THREE = Workers.create(3);

    @BeforeProperty
    void nativeWidth() {
        VectorTesting.assumeNativeWidth();
    }

    @AfterContainer
    static void stop() {
        TWO.close();
        THREE.close();
    }

    static FloatMatrix random(int rows, int cols, long seed, boolean transposed) {
        Random r = new Random(seed);
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) {
            int pick = r.nextInt(64);
            d[i] = pick == 0 ? -0f : pick == 1 ? Float.MIN_VALUE * r.nextInt(100) : pick == 2 ? Float.NaN
                    : pick == 3 ? Float.NEGATIVE_INFINITY : pick == 4 ? 3e38f : (float) r.nextGaussian();
        }
        return transposed ? FloatMatrix.of(d, cols, rows).transpose() : FloatMatrix.of(d, rows, cols);
    }

    static int[] bits(FloatMatrix m) {
        int[] out = new int[m.rows() * m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                out[i * m.cols() + j] = Float.floatToIntBits(m.get(i, j));
            }
        }
        return out;
    }

    @Property(tries = 60)
    void sameBitsAsTheDefinition(@ForAll @IntRange(min = 1, max = 150) int m,
                                 @ForAll @IntRange(min = 1, max = 300) int n,
                                 @ForAll @IntRange(min = 1, max = 700) int k,
                                 @ForAll boolean aTransposed, @ForAll boolean bTransposed,
                                 @ForAll @IntRange(min = 1, max = 3) int threads, @ForAll long seed) {
        FloatMatrix a = random(m, k, seed, aTransposed);
        FloatMatrix b = random(k, n, seed + 1, bTransposed);
        int[] expected = bits(Gemm.reference(a, b));
        Workers w = threads == 1 ? Workers.single() : threads == 2 ? TWO : THREE;
        assertArrayEquals(expected, bits(new Gemm(VectorTesting.VECTOR.gemmKernel(), w).multiply(a, b)),
                "vector kernel " + m + "x" + k + "x" + n);
        assertArrayEquals(expected, bits(new Gemm(ScalarGemmKernel.INSTANCE, w).multiply(a, b)),
                "scalar kernel " + m + "x" + k + "x" + n);
    }

    @Property(tries = 20)
    void accumulatesIntoAStridedBlock(@ForAll @IntRange(min = 1, max = 80) int m,
                                      @ForAll @IntRange(min = 1, max = 200) int n,
                                      @ForAll @IntRange(min = 1, max = 1100) int k, @ForAll long seed) {
        FloatMatrix a = random(m, k, seed, false);
        FloatMatrix b = random(k, n, seed + 1, true);
        FloatMatrix start = random(m, n, seed + 2, false);
        float[] backing = new float[(m + 2) * (n + 5)];
        FloatMatrix c = FloatMatrix.view(backing, n + 7, m, n, n + 5, 1);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c.set(i, j, start.get(i, j));
            }
        }
        new Gemm(VectorTesting.VECTOR.gemmKernel(), TWO).multiply(a, b, c, true);
        int[] expected = new int[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = start.get(i, j);
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a.get(i, p), b.get(p, j), s);
                }
                expected[i * n + j] = Float.floatToIntBits(s);
            }
        }
        assertArrayEquals(expected, bits(c));
    }
}
