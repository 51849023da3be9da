package dev.qlens.formats.gptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.comfy.CodecSpec;
import dev.qlens.formats.comfy.ComfyFormat;
import dev.qlens.formats.comfy.LayerCodec;
import dev.qlens.formats.comfy.QLayer;
import dev.qlens.formats.comfy.TorchDtype;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GptqTest {
    private final Gemm gemm = Gemm.using(Workers.single());

    /** Formats as "name[:row][:convrot]". */
    static LayerCodec codec(String spec) {
        String[] f = spec.split(":");
        boolean row = spec.contains(":row");
        int convrot = f[f.length - 1].matches("\\d+") ? Integer.parseInt(f[f.length - 1]) : 0;
        return new CodecSpec(ComfyFormat.parse(f[0]), row, convrot, 32).codec();
    }

    /** A weight whose rows have different ranges, rounded to bf16 (the common input dtype). */
    static float[] weight(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        float[] w = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            double s = 0.02 * (1 + rnd.nextInt(4));
            for (int c = 0; c < cols; c++) {
                w[r * cols + c] = TorchDtype.round(DType.BF16, (float) (s * rnd.nextGaussian()));
            }
        }
        return w;
    }

    /** Inputs with correlated features and a few strong channels, as transformer activations have. */
    static float[] inputs(int tokens, int cols, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[tokens * cols];
        for (int t = 0; t < tokens; t++) {
            double shared = rnd.nextGaussian();
            for (int c = 0; c < cols; c++) {
                double gain = c % 7 == 0 ? 6 : 1;
                x[t * cols + c] = (float) (gain * (0.7 * shared + rnd.nextGaussian()));
            }
        }
        return x;
    }

    static double[] secondMoment(float[] x, int tokens, int cols) {
        double[] h = new double[cols * cols];
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < cols; i++) {
                double xi = x[t * cols + i];
                for (int j = 0; j < cols; j++) {
                    h[i * cols + j] += xi * x[t * cols + j];
                }
            }
        }
        return h;
    }

    /** || (W - Q) X^T ||^2 over the original layout. */
    static double outputError(LayerCodec codec, QLayer q, float[] w, float[] x, int tokens) {
        float[] dq = new float[q.size()];
        codec.dequantize(q, dq);
        float[] back = codec.toOriginal(q, dq);
        int rows = q.origRows;
        int cols = q.origCols;
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < tokens; t++) {
                double s = 0;
                for (int c = 0; c < cols; c++) {
                    s += (w[r * cols + c] - back[r * cols + c]) * (double) x[t * cols + c];
                }
                sum += s * s;
            }
        }
        return sum;
    }

    static final String[] FORMATS = {"float8_e4m3fn", "float8_e5m2", "int8_tensorwise:row", "int8_tensorwise:row:16",
        "nvfp4", "mxfp8", "convrot_w4a4:64", "float8_e4m3fn_rowwise", "int8_blockwise"};

    @ParameterizedTest
    @ValueSource(strings = {"float8_e4m3fn", "float8_e5m2", "int8_tensorwise", "int8_tensorwise:row", "nvfp4", "mxfp8",
        "float8_e4m3fn_rowwise", "float8_e4m3fn_blockwise", "int8_blockwise"})
    void identitySecondMomentGivesRoundToNearest(String format) {
        LayerCodec codec = codec(format);
        int rows = 64;
        int cols = 96;
        float[] w = weight(rows, cols, 3);
        QLayer rtn = codec.prepare("l", w, rows, cols, DType.BF16);
        codec.quantize(rtn, false);
        QLayer g = codec.prepare("l", w, rows, cols, DType.BF16);
        codec.chooseScales(g, false);
        double[] h = new double[g.cols * g.cols];
        for (int i = 0; i < g.cols; i++) {
            h[i * g.cols + i] = 1;
        }
        new Gptq(gemm).apply(codec, g, h, new Gptq.Options(0.01, 32, false));
        assertArrayEquals(rtn.codes, g.codes, format);
    }

    @ParameterizedTest
    @ValueSource(strings = {"float8_e4m3fn", "float8_e5m2", "int8_tensorwise:row", "int8_tensorwise:row:16", "nvfp4",
        "mxfp8", "convrot_w4a4:64", "float8_e4m3fn_rowwise", "int8_blockwise"})
    void lowersTheOutputErrorOfEverySyntheticLayer(String format) {
        LayerCodec codec = codec(format);
        for (long seed = 1; seed <= 4; seed++) {
            int rows = 48;
            int cols = 128;
            int tokens = 400;
            float[] w = weight(rows, cols, seed);
            float[] x = inputs(tokens, cols, seed + 100);
            double[] h = secondMoment(x, tokens, cols);
            QLayer rtn = codec.prepare("l", w, rows, cols, DType.BF16);
            codec.quantize(rtn, false);
            for (boolean actOrder : new boolean[] {false, true}) {
                QLayer g = codec.prepare("l", w, rows, cols, DType.BF16);
                codec.chooseScales(g, false);
                new Gptq(gemm).apply(codec, g, codec.targetHessian(g, h), new Gptq.Options(0.01, 32, actOrder));
                double before = outputError(codec, rtn, w, x, tokens);
                double after = outputError(codec, g, w, x, tokens);
                assertTrue(after < before, format + " seed " + seed + " actOrder " + actOrder + ": " + after + " vs " + before);
            }
        }
    }

    @Test
    void paddedColumnsStayZeroAndUnseenInputsAreHandled() {
        LayerCodec codec = codec("nvfp4");
        int rows = 16;
        int cols = 40; // padded to 48
        float[] w = weight(rows, cols, 9);
        float[] x = inputs(200, cols, 10);
        for (int t = 0; t < 200; t++) {
            x[t * cols + 5] = 0; // an input that never fires
        }
        QLayer g = codec.prepare("l", w, rows, cols, DType.BF16);
        codec.chooseScales(g, false);
        Gptq.Outcome out = new Gptq(gemm).apply(codec, g, codec.targetHessian(g, secondMoment(x, 200, cols)),
                Gptq.Options.defaults());
        assertEquals(1 + (g.cols - cols), out.deadColumns());
        float[] dq = new float[g.size()];
        codec.dequantize(g, dq);
        for (int r = 0; r < rows; r++) {
            for (int c = cols; c < g.cols; c++) {
                assertEquals(0f, dq[r * g.cols + c], "padding stays zero");
            }
        }
    }

    @Test
    void resultIsTheSameForAnyThreadCountAndBlockSizeOrderIsStable() {
        LayerCodec codec = codec("int8_tensorwise:row");
        int rows = 200;
        int cols = 160;
        float[] w = weight(rows, cols, 21);
        double[] h = secondMoment(inputs(300, cols, 22), 300, cols);
        byte[] first = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (Workers workers = Workers.create(threads)) {
                QLayer g = codec.prepare("l", w, rows, cols, DType.BF16);
                codec.chooseScales(g, false);
                new Gptq(Gemm.using(workers)).apply(codec, g, h, new Gptq.Options(0.01, 64, true));
                if (first == null) {
                    first = g.codes.clone();
                } else {
                    assertArrayEquals(first, g.codes, threads + " threads");
                }
            }
        }
    }

    @Test
    void badOptionsAndShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Gptq.Options(-1, 128, false));
        assertThrows(IllegalArgumentException.class, () -> new Gptq.Options(0.01, 0, false));
        LayerCodec codec = codec("float8_e4m3fn");
        QLayer g = codec.prepare("l", weight(4, 8, 1), 4, 8, DType.BF16);
        codec.chooseScales(g, false);
        assertThrows(IllegalArgumentException.class, () -> new Gptq(gemm).apply(codec, g, new double[9], Gptq.Options.defaults()));
    }
}
