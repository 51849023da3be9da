package dev.qlens.formats.w8a8;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qlens.core.linalg.Workers;
import dev.qlens.core.model.Linear;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The W8A8 layers eval runs (dynamic per sequence or per token, static, ONNX Runtime's uint8 rule) against
 * a plain re-statement of the same integer arithmetic written here from the formulas (seed 004 §5.1-5.3,
 * ONNX DynamicQuantizeLinear): int8 codes, exact integer dot products, scales and bias after accumulation.
 * The outputs must be identical bit for bit, for any thread count.
 */
class IntegerPathReferenceTest {
    private static final int OUT = 37;
    private static final int IN = 70;
    private static final int[] SEQUENCES = {5, 1, 12, 3};

    @ParameterizedTest
    @CsvSource({"SYMMETRIC,false,NaN,false", "SYMMETRIC,true,NaN,false", "AFFINE,false,NaN,false", "AFFINE,true,0.99,false",
        "SYMMETRIC,false,0.999,false", "SYMMETRIC,false,NaN,true", "AFFINE,false,NaN,true", "ORT_UINT8,false,NaN,false"})
    void layerOutputsEqualThePlainIntegerReference(ActivationQuantization.Scheme scheme, boolean perToken, double clip,
                                                   boolean fixed) {
        Random r = new Random(11);
        float[] w = new float[OUT * IN];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.05 * (1 + (i % IN == 3 ? 20 : 0)));
        }
        float[] bias = new float[OUT];
        for (int j = 0; j < OUT; j++) {
            bias[j] = (float) r.nextGaussian();
        }
        int rows = 0;
        for (int s : SEQUENCES) {
            rows += s;
        }
        float[] x = new float[rows * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * (i % IN == 7 ? 15 : 1) + 0.3);
        }
        ActivationQuantization aq = fixed
                ? ActivationQuantization.fixed(scheme == ActivationQuantization.Scheme.SYMMETRIC
                ? QuantParams.symmetric(2.5f) : QuantParams.affine(-1.7f, 3.1f))
                : ActivationQuantization.dynamic(scheme, perToken, clip);
        float[] want = reference(w, bias, x, aq);
        for (int threads : new int[] {1, 3}) {
            try (Workers workers = Workers.create(threads)) {
                Linear lin = QuantizedLinears.w8a8(name -> aq, workers, null).create("l", w, OUT, IN, bias);
                float[] got = new float[rows * OUT];
                lin.forwardSequences(x, SEQUENCES, got);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                            "output " + i + " with " + threads + " threads: " + want[i] + " vs " + got[i]);
                }
            }
        }
    }

    /** The arithmetic, restated: one range per sequence (per token when asked), never across sequences. */
    private static float[] reference(float[] w, float[] bias, float[] x, ActivationQuantization aq) {
        int[] wq = new int[w.length];
        double[] ws = new double[OUT];
        for (int j = 0; j < OUT; j++) {
            float amax = 0;
            for (int k = 0; k < IN; k++) {
                amax = Math.max(amax, Math.abs(w[j * IN + k]));
            }
            float s = Math.max(amax / 127f, 1e-8f);
            ws[j] = s;
            for (int k = 0; k < IN; k++) {
                wq[j * IN + k] = (int) Math.max(-127, Math.min(127, Math.rint(w[j * IN + k] / s)));
            }
        }
        int rows = x.length / IN;
        float[] out = new float[rows * OUT];
        int row = 0;
        for (int seq : SEQUENCES) {
            int groups = aq.perToken() ? seq : 1;
            int groupRows = aq.perToken() ? 1 : seq;
            for (int g = 0; g < groups; g++) {
                int r0 = row + g * groupRows;
                float[] p = params(x, r0 * IN, groupRows * IN, aq);
                float scale = p[0];
                int zp = (int) p[1];
                int qmin = (int) p[2];
                int qmax = (int) p[3];
                for (int i = r0; i < r0 + groupRows; i++) {
                    for (int j = 0; j < OUT; j++) {
                        long acc = 0;
                        for (int k = 0; k < IN; k++) {
                            long q = (long) Math.max(qmin, Math.min(qmax, (float) Math.rint(x[i * IN + k] / scale) + zp));
                            acc += (q - zp) * wq[j * IN + k];
                        }
                        out[i * OUT + j] = (float) ((double) scale * ws[j] * (double) acc + bias[j]);
                    }
                }
            }
            row += seq;
        }
        return out;
    }

    /** scale, zero point, qmin, qmax of one group, from the formulas. */
    private static float[] params(float[] x, int off, int len, ActivationQuantization aq) {
        if (aq.fixed() != null) {
            QuantParams f = aq.fixed();
            return new float[] {f.scale(), f.zeroPoint(), f.qmin(), f.qmax()};
        }
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++) {
            lo = Math.min(lo, x[i]);
            hi = Math.max(hi, x[i]);
        }
        switch (aq.scheme()) {
            case SYMMETRIC: {
                float amax = Double.isNaN(aq.percentile()) ? Math.max(Math.abs(lo), Math.abs(hi))
                        : Quantiles.of(x, off, len, aq.percentile(), true);
                return new float[] {Math.max(amax / 127f, 1e-8f), 0, -127, 127};
            }
            case AFFINE: {
                if (!Double.isNaN(aq.percentile())) {
                    lo = Quantiles.of(x, off, len, 1 - aq.percentile(), false);
                    hi = Quantiles.of(x, off, len, aq.percentile(), false);
                }
                float s = Math.max((hi - lo) / 255f, 1e-8f);
                return new float[] {s, (float) Math.max(-128, Math.min(127, Math.rint(-128f - lo / s))), -128, 127};
            }
            default: {
                // ONNX DynamicQuantizeLinear: uint8 over [min(0, x), max(0, x)]; codes shifted by -128.
                lo = Math.min(0, lo);
                hi = Math.max(0, hi);
                float s = (hi - lo) / 255f;
                float zp = (float) Math.max(0, Math.min(255, Math.rint(-lo / s)));
                return new float[] {s, zp - 128, -128, 127};
            }
        }
    }
}
