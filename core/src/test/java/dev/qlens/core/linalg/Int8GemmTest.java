package dev.qlens.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The int8 product's definition on small hand-checked cases and its argument checks. */
class Int8GemmTest {
    private final Int8Gemm gemm = new Int8Gemm(ScalarInt8GemmKernel.INSTANCE, Workers.single());

    @Test
    void zeroPointsScalesAndBiasByHand() {
        // A = [[1, 2, 3]] with zero point 1, scale 0.5; W = [[4, 5, 6], [-1, 0, 1]] per-row scales 2 and 1.
        Int8Matrix a = Int8Matrix.of(new byte[] {1, 2, 3}, 1, 3).withScales(0.5f).withZeroPoints(1);
        Int8Matrix w = Int8Matrix.of(new byte[] {4, 5, 6, -1, 0, 1}, 2, 3).withScales(2f, 1f);
        // (0, 1, 2) . (4, 5, 6) = 17; (0, 1, 2) . (-1, 0, 1) = 2
        assertArrayEquals(new long[] {17, 2}, gemm.exact(a, w));
        assertArrayEquals(new float[] {17f + 0.25f, 1f - 1f}, gemm.multiply(a, w, new float[] {0.25f, -1f}));
    }

    @Test
    void blockScalesApplyPerBlock() {
        Int8Matrix a = Int8Matrix.of(new byte[] {1, 1, 1}, 1, 3).withBlockScales(2, new float[] {1f, 10f});
        Int8Matrix w = Int8Matrix.of(new byte[] {2, 3, 4}, 1, 3).withBlockScales(2, new float[] {1f, 0.5f});
        assertArrayEquals(new float[] {5f + 10f * 0.5f * 4f}, gemm.multiply(a, w, null));
    }

    @Test
    void badArgumentsAreNamed() {
        Int8Matrix a = Int8Matrix.of(new byte[6], 2, 3);
        Int8Matrix w = Int8Matrix.of(new byte[8], 2, 4);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> gemm.exact(a, w)).getMessage()
                .contains("inner dimensions differ"));
        assertThrows(IllegalArgumentException.class, () -> a.withScales(1f, 2f, 3f));
        assertThrows(IllegalArgumentException.class, () -> a.withZeroPoints(200));
        assertThrows(IllegalArgumentException.class, () -> a.withBlockScales(2, new float[3]));
        Int8Matrix ab = a.withBlockScales(2, new float[4]);
        Int8Matrix wb = Int8Matrix.of(new byte[6], 2, 3).withBlockScales(1, new float[6]);
        assertEquals("activation and weight scale blocks differ: 2 and 1",
                assertThrows(IllegalArgumentException.class, () -> gemm.multiply(ab, wb, null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> gemm.multiply(a, a, new float[3]));
    }
}
