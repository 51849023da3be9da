package dev.qlens.bench;

import dev.qlens.core.linalg.Cholesky;
import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.comfy.CodecSpec;
import dev.qlens.formats.comfy.ComfyFormat;
import dev.qlens.formats.comfy.LayerCodec;
import dev.qlens.formats.comfy.QLayer;
import dev.qlens.formats.gptq.Gptq;
import dev.qlens.formats.gptq.InputStatistics;
import java.util.Random;

/**
 * GPTQ on one n x n layer (default 4096): the time of the Cholesky factor of H^-1 alone, and of the whole
 * GPTQ pass, per format, with the relative output error of round-to-nearest and GPTQ on held-out inputs.
 * Inputs have the structure of transformer activations: a few dozen shared directions plus noise, with
 * some strong channels; 2n tokens calibrate, n others are held out. Usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * dev.qlens.bench.GptqBenchmark [N] [THREADS] [REPEATS]}.
 */
public final class GptqBenchmark {
    private GptqBenchmark() {
    }

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        try (Workers workers = Workers.create(threads)) {
            Gemm gemm = Gemm.using(workers);
            Random rnd = new Random(1);
            float[] w = new float[n * n];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (0.02 * rnd.nextGaussian());
            }
            InputStatistics cal = statistics(n, 2 * n, rnd, gemm);
            InputStatistics held = statistics(n, n, rnd, gemm);
            for (int r = 0; r < repeats; r++) {
                long t0 = System.nanoTime();
                Cholesky.upperOfInverse(cal.secondMoment(), n, workers);
                System.out.printf("n %d, %d threads: Cholesky factor of H^-1 %.2f s%n", n, threads, (System.nanoTime() - t0) / 1e9);
            }
            for (String f : new String[] {"convrot_w4a4", "nvfp4", "int8_tensorwise", "float8_e4m3fn"}) {
                boolean row = f.startsWith("int8");
                LayerCodec codec = new CodecSpec(ComfyFormat.parse(f), row, f.startsWith("convrot") ? 256 : 0, 128).codec();
                for (int r = 0; r < repeats; r++) {
                    QLayer q = codec.prepare("layer", w, n, n, DType.F32);
                    codec.quantize(q, false);
                    double before = error(codec, q, w, held, gemm);
                    long t0 = System.nanoTime();
                    codec.chooseScales(q, false);
                    new Gptq(gemm).apply(codec, q, codec.targetHessian(q, cal.secondMoment()), Gptq.Options.defaults());
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double after = error(codec, q, w, held, gemm);
                    System.out.printf("%-16s GPTQ %.2f s; held-out output error rtn %.4e, gptq %.4e (%.1f%% lower)%n", f,
                            seconds, before, after, 100 * (1 - after / before));
                }
            }
        }
    }

    private static double error(LayerCodec codec, QLayer q, float[] w, InputStatistics held, Gemm gemm) {
        float[] dq = new float[q.size()];
        codec.dequantize(q, dq);
        return held.relativeOutputError(w, codec.toOriginal(q, dq), q.origRows, gemm);
    }

    private static InputStatistics statistics(int n, int tokens, Random rnd, Gemm gemm) {
        InputStatistics s = new InputStatistics(n);
        int batch = 512;
        int rank = 32;
        float[] x = new float[batch * n];
        float[] gain = new float[n];
        float[] basis = new float[rank * n];
        Random g = new Random(7);
        for (int c = 0; c < n; c++) {
            gain[c] = c % 61 == 0 ? 8f : (float) (0.5 + g.nextDouble());
        }
        for (int i = 0; i < basis.length; i++) {
            basis[i] = (float) g.nextGaussian();
        }
        double[] z = new double[rank];
        for (int done = 0; done < tokens; done += batch) {
            for (int t = 0; t < batch; t++) {
                for (int k = 0; k < rank; k++) {
                    z[k] = rnd.nextGaussian();
                }
                for (int c = 0; c < n; c++) {
                    double v = 0.3 * rnd.nextGaussian();
                    for (int k = 0; k < rank; k++) {
                        v += z[k] * basis[k * n + c] / Math.sqrt(rank);
                    }
                    x[t * n + c] = (float) (gain[c] * v);
                }
            }
            s.observe(x, batch, gemm);
        }
        return s;
    }
}
