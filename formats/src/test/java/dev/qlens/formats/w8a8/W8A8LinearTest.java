package dev.qlens.formats.w8a8;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.linalg.Int8Gemm;
import dev.qlens.core.linalg.Int8Matrix;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.metrics.ErrorMetrics;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** W8 / W8A8 emulation: the seed's parameter formulas, exact integer products and sane errors. */
class W8A8LinearTest {
    private static float[] gaussian(int n, long seed, float scale) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian() * scale;
        }
        return x;
    }

    @Test
    void weightIsPerChannelSymmetric() {
        W8A8Linear l = new W8A8Linear(new float[] {1f, -2f, 0.5f, 0f, 0f, 0f}, 2, 3, null, Workers.single());
        Int8Matrix q = l.quantizedWeight();
        assertArrayEquals(new byte[] {64, -127, 32, 0, 0, 0}, q.data());
        assertEquals(2f / 127f, q.scale(0, 0));
        assertEquals(QuantParams.EPS, q.scale(1, 0));
    }

    @Test
    void affineParametersFollowTheSeed() {
        QuantParams p = QuantParams.affine(-1f, 3f);
        assertEquals(4f / 255f, p.scale());
        assertEquals(-64, p.zeroPoint()); // rint(-128 + 63.75)
        assertEquals(-128, p.code(-5f));
        assertEquals(127, p.code(3.1f));
        assertEquals(-64, p.code(0f));
        assertEquals(QuantParams.EPS, QuantParams.symmetric(0f).scale());
    }

    @Test
    void quantilesInterpolateLinearly() {
        float[] x = {4, 1, 3, 2};
        assertEquals(2.5f, Quantiles.of(x, 0, 4, 0.5, false));
        assertEquals(3.97f, Quantiles.of(x, 0, 4, 0.99, false), 1e-6f);
        assertEquals(4f, Quantiles.of(new float[] {-4, 1}, 0, 2, 1.0, true));
    }

    @Test
    void clippedFractionCountsCodesBeyondTheRange() {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        W8A8Linear l = new W8A8Linear(new float[] {1}, 1, 1, null, Workers.single());
        W8A8Linear.Result r = l.forwardW8A8(x, 10,
                ActivationQuantization.dynamic(ActivationQuantization.Scheme.SYMMETRIC, false, 0.9));
        assertEquals(9.1f / 127f, r.activationScales()[0], 1e-7f);
        assertEquals(0.1, r.clippedFraction());
    }

    /** The emulated product is the exact integer product of independently computed codes. */
    @Test
    void perTokenSymmetricIsTheExactIntegerProduct() {
        int tokens = 5;
        int in = 300;
        int out = 7;
        float[] w = gaussian(out * in, 1, 0.05f);
        float[] x = gaussian(tokens * in, 2, 1f);
        float[] b = gaussian(out, 3, 0.1f);
        W8A8Linear l = new W8A8Linear(w, out, in, b, Workers.single());
        float[] y = l.forwardW8A8(x, tokens,
                ActivationQuantization.dynamic(ActivationQuantization.Scheme.SYMMETRIC, true, Double.NaN)).output();
        byte[] qx = new byte[x.length];
        float[] sx = new float[tokens];
        for (int t = 0; t < tokens; t++) {
            float amax = 0;
            for (int k = 0; k < in; k++) {
                amax = Math.max(amax, Math.abs(x[t * in + k]));
            }
            sx[t] = amax / 127f;
            for (int k = 0; k < in; k++) {
                qx[t * in + k] = (byte) Math.rint(x[t * in + k] / sx[t]);
            }
        }
        float[] expected = Int8Gemm.referenceMultiply(Int8Matrix.of(qx, tokens, in).withScales(sx),
                l.quantizedWeight(), b);
        assertArrayEquals(expected, y);
    }

    @Test
    void errorsAreSmallAndOrdered() {
        int tokens = 16;
        int in = 256;
        int out = 64;
        float[] w = gaussian(out * in, 4, 0.05f);
        float[] x = gaussian(tokens * in, 5, 1f);
        for (int t = 0; t < tokens; t++) {
            for (int k = 0; k < in; k++) {
                x[t * in + k] *= 1 + 100 * (t % 4); // tokens of very different magnitude
            }
        }
        W8A8Linear l = new W8A8Linear(w, out, in, null, Workers.create(2));
        ErrorMetrics w8 = l.w8Error(x, tokens);
        ErrorMetrics perTensor = l.w8a8Error(x, tokens,
                ActivationQuantization.dynamic(ActivationQuantization.Scheme.SYMMETRIC, false, Double.NaN));
        ErrorMetrics perToken = l.w8a8Error(x, tokens,
                ActivationQuantization.dynamic(ActivationQuantization.Scheme.SYMMETRIC, true, Double.NaN));
        ErrorMetrics affine = l.w8a8Error(x, tokens, ActivationQuantization.seedDynamicAffine());
        assertTrue(w8.relativeL2() < 0.02, "W8 " + w8.relativeL2());
        assertTrue(perToken.relativeL2() < 0.03, "per token " + perToken.relativeL2());
        assertTrue(w8.relativeL2() < perToken.relativeL2(), "weight-only is more accurate");
        assertTrue(perToken.relativeL2() < perTensor.relativeL2(), "per token beats per tensor here");
        assertTrue(affine.cosine() > 0.9 && affine.cosine() < 1, "affine cosine " + affine.cosine());
        assertEquals(tokens * out, perToken.count());
    }

    @Test
    void calibratorKeepsTheLargestBatchQuantile() {
        Calibrator c = new Calibrator(0.5);
        c.observe(new float[] {-1, 1, 3});
        c.observe(new float[] {-10, 0, 2});
        QuantParams sym = c.params(ActivationQuantization.Scheme.SYMMETRIC);
        assertEquals(2f / 127f, sym.scale()); // |x| medians 1 and 2
        QuantParams aff = c.params(ActivationQuantization.Scheme.AFFINE);
        assertEquals(QuantParams.affine(0f, 1f), aff); // medians 1 and 0: low = min, high = max
        assertThrows(IllegalStateException.class, () -> new Calibrator(Double.NaN).params(
                ActivationQuantization.Scheme.AFFINE));
        W8A8Linear l = new W8A8Linear(new float[] {1, 1}, 1, 2, null, Workers.single());
        W8A8Linear.Result r = l.forwardW8A8(new float[] {0.5f, 5f}, 1, ActivationQuantization.fixed(sym));
        assertEquals(0.5, r.clippedFraction());
    }
}
