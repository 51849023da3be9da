package dev.qlens.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The blocked product on the scalar kernel equals the fma-chain definition bit for bit. */
class GemmTest {
    private static final Workers THREE = Workers.create(3);

    @AfterAll
    static void stop() {
        THREE.close();
    }

    /** Gaussian entries with a sprinkling of zeros of both signs, subnormals and huge values. */
    static FloatMatrix random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] d = new float[rows * cols];
        for (int i = 0; i < d.length; i++) {
            int pick = r.nextInt(50);
            d[i] = pick == 0 ? -0f : pick == 1 ? Float.MIN_VALUE * r.nextInt(1000) : pick == 2 ? 1e30f
                    : (float) r.nextGaussian();
        }
        return FloatMatrix.of(d, rows, cols);
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

    @ParameterizedTest
    @CsvSource({"1,1,1", "4,4,4", "3,5,7", "17,9,33", "64,64,64", "5,700,3", "130,7,600", "33,2100,2",
            "9,13,1100"})
    void blockedProductIsTheDefinition(int m, int n, int k) {
        FloatMatrix a = random(m, k, m * 31L + k);
        FloatMatrix b = random(k, n, n * 17L + k);
        int[] expected = bits(Gemm.reference(a, b));
        for (Workers w : new Workers[] {Workers.single(), THREE}) {
            FloatMatrix c = new Gemm(ScalarGemmKernel.INSTANCE, w).multiply(a, b);
            assertArrayEquals(expected, bits(c), m + "x" + k + "x" + n + " on " + w.threads() + " threads");
        }
    }

    @Test
    void transposedAndStridedViewsAndAccumulation() {
        FloatMatrix big = random(40, 50, 7);
        FloatMatrix a = big.block(3, 5, 21, 30).transpose(); // 30 x 21, column-major
        FloatMatrix b = random(21, 40, 8).block(0, 1, 21, 19);
        FloatMatrix c0 = random(30, 19, 9);
        FloatMatrix c = FloatMatrix.view(new float[30 * 40], 0, 30, 19, 40, 1);
        for (int i = 0; i < 30; i++) {
            for (int j = 0; j < 19; j++) {
                c.set(i, j, c0.get(i, j));
            }
        }
        new Gemm(ScalarGemmKernel.INSTANCE, THREE).multiply(a, b, c, true);
        for (int i = 0; i < 30; i++) {
            for (int j = 0; j < 19; j++) {
                float s = c0.get(i, j);
                for (int p = 0; p < 21; p++) {
                    s = Math.fma(a.get(i, p), b.get(p, j), s);
                }
                assertEquals(Float.floatToIntBits(s), Float.floatToIntBits(c.get(i, j)), i + "," + j);
            }
        }
        // Columns past the view are untouched.
        assertEquals(0f, c.data()[19]);
    }

    @Test
    void nanAndInfinityPropagate() {
        FloatMatrix a = FloatMatrix.of(new float[] {Float.NaN, 1, Float.POSITIVE_INFINITY, 0}, 2, 2);
        FloatMatrix b = FloatMatrix.of(new float[] {1, 2, 3, 4}, 2, 2);
        FloatMatrix c = new Gemm(ScalarGemmKernel.INSTANCE, Workers.single()).multiply(a, b);
        assertEquals(Float.NaN, c.get(0, 0));
        assertEquals(Float.POSITIVE_INFINITY, c.get(1, 1));
    }

    @Test
    void emptyDepthGivesZerosAndShapesAreChecked() {
        FloatMatrix c = FloatMatrix.of(new float[] {5, 5}, 1, 2);
        new Gemm(ScalarGemmKernel.INSTANCE, Workers.single()).multiply(FloatMatrix.zeros(1, 0),
                FloatMatrix.zeros(0, 2), c, false);
        assertArrayEquals(new float[] {0, 0}, c.data());
        assertThrows(IllegalArgumentException.class, () -> new Gemm(ScalarGemmKernel.INSTANCE, Workers.single())
                .multiply(FloatMatrix.zeros(2, 3), FloatMatrix.zeros(2, 3)));
    }
}
