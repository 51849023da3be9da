package dev.qlens.formats.comfy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.TruncatedSvd;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.tensor.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LearnedRoundingTest {
    private final Gemm gemm = Gemm.using(Workers.single());

    static float[] weights(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] w = new float[rows * cols];
        // A decaying spectrum plus noise, so the top singular subspaces are well separated.
        for (int t = 0; t < 6; t++) {
            double[] u = new double[rows];
            double[] v = new double[cols];
            for (int i = 0; i < rows; i++) {
                u[i] = r.nextGaussian();
            }
            for (int j = 0; j < cols; j++) {
                v[j] = r.nextGaussian();
            }
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    w[i * cols + j] += (float) (0.01 * Math.pow(0.6, t) * u[i] * v[j]);
                }
            }
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = TorchDtype.bf16(w[i] + (float) (0.002 * r.nextGaussian()));
        }
        return w;
    }

    /**
     * The seed's "original" optimizer, transcribed from its description (continuous codes in the scaled
     * domain, a unit step along U_k P V_k^T times the scale, exponential learning-rate decay), run to
     * convergence: its limit must be the closed form qlens rounds, up to a tiny fraction of a step.
     */
    @Test
    void closedFormIsTheLimitOfTheSeedsOriginalLoop() {
        int m = 48;
        int n = 40;
        float[] w = weights(m, n, 7);
        LayerCodec codec = CodecSpec.of(ComfyFormat.FLOAT8_E4M3FN).codec();
        QLayer layer = codec.prepare("l", w, m, n, DType.F32);
        codec.quantize(layer, false);
        float scale = ((Fp8TensorCodec.Layer) layer).scale;
        LearnedRounding.Options o = new LearnedRounding.Options(LearnedRounding.Method.ORIGINAL, 0.2, 4, 4, 42);
        TruncatedSvd.Result svd = new TruncatedSvd(gemm).randomized(FloatMatrix.of(w, m, n), 4, 10, 4, false, 42);
        double[][] u = rows(svd.left(), 4, m);
        double[][] v = rows(svd.right(), 4, n);
        float[] d0 = new float[m * n];
        codec.dequantize(layer, d0);
        // Seed loop on q = dequantized / scale (the scaled domain).
        double[] q = new double[m * n];
        for (int i = 0; i < q.length; i++) {
            q[i] = d0[i] / scale;
        }
        double lr = 0.25 * projectedNorm(q, scale, w, u, v, m, n);
        for (int it = 0; it < 3000; it++) {
            double[][] p = projected(q, scale, w, u, v, m, n);
            double loss = frob(p);
            if (loss < 1e-12) {
                break;
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double g = 0;
                    for (int a = 0; a < 4; a++) {
                        for (int b = 0; b < 4; b++) {
                            g += u[a][i] * p[a][b] / loss * v[b][j];
                        }
                    }
                    q[i * n + j] -= lr * g * (1 / scale);
                }
            }
            lr *= 0.99;
        }
        // Closed form: D0 minus the top-k part of its error.
        float[] closed = d0.clone();
        double[][] p0 = projected(toDouble(d0, 1), 1, w, u, v, m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double c = 0;
                for (int a = 0; a < 4; a++) {
                    for (int b = 0; b < 4; b++) {
                        c += u[a][i] * p0[a][b] * v[b][j];
                    }
                }
                closed[i * n + j] -= (float) c;
            }
        }
        double step = scale * 448 / 8; // an E4M3 step near the top of the range, in weight units
        double worst = 0;
        for (int i = 0; i < q.length; i++) {
            worst = Math.max(worst, Math.abs(q[i] * scale - closed[i]));
        }
        assertTrue(worst < 1e-4 * step, "seed loop limit differs from the closed form by " + worst);
        // And the codes qlens writes are the closed form, rounded by the format's own encoder.
        float[] before = layer.x.clone();
        new LearnedRounding(gemm).apply(codec, layer, new LearnedRounding.Options(LearnedRounding.Method.ORIGINAL,
                o.topP(), 4, 4, 42));
        QLayer ref = codec.prepare("ref", before, m, n, DType.F32);
        codec.quantize(ref, false);
        codec.encode(ref, closed);
        assertEquals(java.util.Arrays.toString(ref.codes), java.util.Arrays.toString(layer.codes));
    }

    @Test
    void gridNeverEndsAboveRoundToNearestOrTheSeedsRounding() {
        for (CodecSpec spec : new CodecSpec[] {CodecSpec.of(ComfyFormat.FLOAT8_E4M3FN),
            new CodecSpec(ComfyFormat.INT8_TENSORWISE, true, 0, 128), CodecSpec.of(ComfyFormat.NVFP4),
            CodecSpec.of(ComfyFormat.MXFP8)}) {
            for (long seed = 1; seed <= 3; seed++) {
                float[] w = weights(64, 96, seed);
                LearnedRounding.Outcome original = run(spec, w, LearnedRounding.Method.ORIGINAL);
                LearnedRounding.Outcome grid = run(spec, w, LearnedRounding.Method.GRID);
                assertEquals(original.startObjective(), grid.startObjective(), 0.0);
                assertTrue(grid.finalObjective() <= grid.startObjective(), spec.describe());
                assertTrue(grid.finalObjective() <= original.finalObjective(), spec.describe());
            }
        }
    }

    @Test
    void roundToNearestHasTheSmallestFrobeniusErrorAtFixedScales() {
        for (CodecSpec spec : new CodecSpec[] {CodecSpec.of(ComfyFormat.FLOAT8_E4M3FN),
            new CodecSpec(ComfyFormat.INT8_TENSORWISE, true, 0, 128)}) {
            float[] w = weights(64, 96, 11);
            LayerCodec codec = spec.codec();
            QLayer layer = codec.prepare("l", w, 64, 96, DType.BF16);
            codec.quantize(layer, false);
            double rtn = error(codec, layer, w);
            new LearnedRounding(gemm).apply(codec, layer, new LearnedRounding.Options(LearnedRounding.Method.GRID, 0.2, 8,
                    8, 3));
            assertTrue(error(codec, layer, w) >= rtn, spec.describe());
        }
    }

    private LearnedRounding.Outcome run(CodecSpec spec, float[] w, LearnedRounding.Method method) {
        LayerCodec codec = spec.codec();
        QLayer layer = codec.prepare("l", w, 64, 96, DType.BF16);
        codec.quantize(layer, false);
        return new LearnedRounding(gemm).apply(codec, layer, new LearnedRounding.Options(method, 0.2, 8, 8, 5));
    }

    static double error(LayerCodec codec, QLayer layer, float[] w) {
        float[] d = new float[layer.size()];
        codec.dequantize(layer, d);
        d = codec.toOriginal(layer, d);
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += ((double) d[i] - w[i]) * ((double) d[i] - w[i]);
        }
        return s;
    }

    private static double[][] rows(float[] flat, int k, int len) {
        double[][] out = new double[k][len];
        for (int a = 0; a < k; a++) {
            for (int i = 0; i < len; i++) {
                out[a][i] = flat[a * len + i];
            }
        }
        return out;
    }

    private static double[] toDouble(float[] x, float s) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / s;
        }
        return out;
    }

    /** P = U^T (q * scale - W) V, with q in the scaled domain. */
    private static double[][] projected(double[] q, double scale, float[] w, double[][] u, double[][] v, int m, int n) {
        int k = u.length;
        double[][] p = new double[k][k];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double e = q[i * n + j] * scale - w[i * n + j];
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < k; b++) {
                        p[a][b] += u[a][i] * e * v[b][j];
                    }
                }
            }
        }
        return p;
    }

    private static double projectedNorm(double[] q, double scale, float[] w, double[][] u, double[][] v, int m, int n) {
        return frob(projected(q, scale, w, u, v, m, n));
    }

    private static double frob(double[][] p) {
        double s = 0;
        for (double[] r : p) {
            for (double x : r) {
                s += x * x;
            }
        }
        return Math.sqrt(s);
    }
}
