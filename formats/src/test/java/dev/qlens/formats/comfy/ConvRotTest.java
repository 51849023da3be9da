package dev.qlens.formats.comfy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.tensor.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvRotTest {
    /** H_g built as ComfyUI builds it: Kronecker powers of H4, normalized. */
    static double[][] hadamard(int g) {
        double[][] h4 = {{1, 1, 1, -1}, {1, 1, -1, 1}, {1, -1, 1, 1}, {-1, 1, 1, 1}};
        double[][] h = h4;
        while (h.length < g) {
            int n = h.length;
            double[][] k = new double[n * 4][n * 4];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    for (int a = 0; a < 4; a++) {
                        for (int b = 0; b < 4; b++) {
                            k[i * 4 + a][j * 4 + b] = h[i][j] * h4[a][b];
                        }
                    }
                }
            }
            h = k;
        }
        return h;
    }

    @Test
    void fastTransformEqualsTheKroneckerMatrixProduct() {
        Random r = new Random(1);
        for (int g : new int[] {4, 16, 64, 256}) {
            double[][] h = hadamard(g);
            int rows = 3;
            int cols = 2 * g;
            float[] x = new float[rows * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] got = ConvRot.rotate(x, rows, cols, g, DType.F32);
            for (int row = 0; row < rows; row++) {
                for (int c0 = 0; c0 < cols; c0 += g) {
                    for (int j = 0; j < g; j++) {
                        double s = 0;
                        for (int i = 0; i < g; i++) {
                            s += x[row * cols + c0 + i] * h[j][i];
                        }
                        assertEquals((float) (s / Math.sqrt(g)), got[row * cols + c0 + j], 1e-6, "g=" + g);
                    }
                }
            }
        }
    }

    @Test
    void rotationIsItsOwnInverse() {
        Random r = new Random(2);
        float[] x = new float[4 * 256];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] back = ConvRot.rotate(ConvRot.rotate(x, 4, 256, 256, DType.F32), 4, 256, 256, DType.F32);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], back[i], 1e-5);
        }
    }

    @Test
    void bf16WeightsAreRoundedOnceToBf16() {
        float[] x = {1f, 3f / 512, 0f, 0f};
        float[] got = ConvRot.rotate(x, 1, 4, 4, DType.BF16);
        // (1 +- 3 * 2^-9) / 2 rounded to 7 fraction bits: up to 0.50390625; 254.5 ulps ties to even, 0.49609375.
        assertArrayEquals(new float[] {0.50390625f, 0.50390625f, 0.49609375f, -0.49609375f}, got);
    }

    @Test
    void onlyPowersOfFourAreGroups() {
        assertTrue(ConvRot.validGroup(4) && ConvRot.validGroup(1024));
        assertFalse(ConvRot.validGroup(8) || ConvRot.validGroup(512) || ConvRot.validGroup(0) || ConvRot.validGroup(6));
        assertThrows(IllegalArgumentException.class, () -> ConvRot.checkGroup(512));
    }
}
