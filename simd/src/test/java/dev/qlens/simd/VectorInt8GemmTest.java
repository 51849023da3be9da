package dev.qlens.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qlens.core.linalg.Int8Gemm;
import dev.qlens.core.linalg.Int8Matrix;
import dev.qlens.core.linalg.ScalarInt8GemmKernel;
import dev.qlens.core.linalg.Workers;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The int8 GEMM on the Vector API kernel is exact: equal to plain int64 loops for every shape
 * (tails included), value range (symmetric, or with -128 on both sides, which forbids the int16
 * pair sums), zero points, scale layout and thread count; and its dequantized output equals the
 * reference bit for bit.
 */
class VectorInt8GemmTest {
    private static final Workers TWO = Workers.create(2);

    @BeforeProperty
    @BeforeEach
    void nativeWidth() {
        VectorTesting.assumeNativeWidth();
    }

    @AfterContainer
    static void stop() {
        TWO.close();
    }

    static Int8Matrix random(int rows, int cols, Random r, boolean minus128) {
        byte[] d = new byte[rows * cols];
        for (int i = 0; i < d.length; i++) {
            int pick = r.nextInt(8);
            d[i] = (byte) (pick == 0 ? -127 : pick == 1 ? 127 : pick == 2 && minus128 ? -128 : r.nextInt(255) - 127);
        }
        return Int8Matrix.of(d, rows, cols);
    }

    static Int8Matrix withParameters(Int8Matrix x, int layout, int block, Random r) {
        int rows = x.rows();
        switch (layout) {
            case 0:
                return x.withScales(r.nextFloat() * 0.01f + 1e-4f);
            case 1: {
                float[] s = new float[rows];
                for (int i = 0; i < rows; i++) {
                    s[i] = r.nextFloat() * 0.02f + 1e-4f;
                }
                int[] z = new int[rows];
                for (int i = 0; i < rows; i++) {
                    z[i] = r.nextInt(256) - 128;
                }
                return x.withScales(s).withZeroPoints(z);
            }
            default: {
                float[] s = new float[rows * ((x.cols() + block - 1) / block)];
                for (int i = 0; i < s.length; i++) {
                    s[i] = r.nextFloat() + 0.01f;
                }
                return x.withBlockScales(block, s).withZeroPoints(r.nextInt(256) - 128);
            }
        }
    }

    @Property(tries = 60)
    void exactAndDequantizedMatchTheReference(@ForAll @IntRange(min = 1, max = 130) int m,
                                              @ForAll @IntRange(min = 1, max = 200) int n,
                                              @ForAll @IntRange(min = 1, max = 1300) int k,
                                              @ForAll boolean minus128, @ForAll @IntRange(max = 2) int layout,
                                              @ForAll boolean twoThreads, @ForAll long seed) {
        Random r = new Random(seed);
        int block = 1 + r.nextInt(300);
        Int8Matrix a = withParameters(random(m, k, r, minus128), layout, block, r);
        Int8Matrix w = withParameters(random(n, k, r, minus128), layout == 2 ? 2 : 1, block, r);
        float[] bias = new float[n];
        for (int j = 0; j < n; j++) {
            bias[j] = (float) r.nextGaussian();
        }
        Int8Gemm gemm = new Int8Gemm(VectorTesting.VECTOR.int8GemmKernel(), twoThreads ? TWO : Workers.single());
        String what = m + "x" + k + "x" + n + " layout " + layout;
        assertArrayEquals(Int8Gemm.referenceExact(a, w), gemm.exact(a, w), what);
        int[] expected = bits(Int8Gemm.referenceMultiply(a, w, bias));
        assertArrayEquals(expected, bits(gemm.multiply(a, w, bias)), what);
        assertArrayEquals(expected, bits(new Int8Gemm(ScalarInt8GemmKernel.INSTANCE, Workers.single())
                .multiply(a, w, bias)), what + " (scalar kernel)");
    }

    /** (-128)(-128) + (-128)(-128) = 32768 does not fit int16: the driver must not pair such products. */
    @Test
    void allMinus128IsExact() {
        byte[] d = new byte[8 * 70];
        Arrays.fill(d, Byte.MIN_VALUE);
        Int8Matrix a = Int8Matrix.of(d, 8, 70);
        long[] c = new Int8Gemm(VectorTesting.VECTOR.int8GemmKernel(), Workers.single()).exact(a, a);
        for (long v : c) {
            assertEquals(70L * 16384, v);
        }
    }

    /** Sums past 2^31 are carried in int64 across the int32 blocks. */
    @Test
    void depthBeyondInt32RangeIsExact() {
        int k = 2 * Int8Gemm.EXACT_BLOCK + 1000;
        byte[] x = new byte[2 * k];
        Arrays.fill(x, (byte) -127);
        Int8Matrix a = Int8Matrix.of(x, 2, k).withZeroPoints(1);
        long[] c = new Int8Gemm(VectorTesting.VECTOR.int8GemmKernel(), TWO).exact(a, a);
        assertEquals((long) k * 128 * 128, c[0]);
        assertEquals(4, c.length);
    }

    static int[] bits(float[] f) {
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToIntBits(f[i]);
        }
        return b;
    }
}
