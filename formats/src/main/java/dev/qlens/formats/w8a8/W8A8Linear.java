package dev.qlens.formats.w8a8;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.Int8Gemm;
import dev.qlens.core.linalg.Int8Matrix;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.metrics.ArrayComparison;
import dev.qlens.core.metrics.ErrorMetrics;

/**
 * Emulation of a quantized linear layer y = x W<sup>T</sup> + b, after seed 004 (seed-semantics
 * §5.3): the weight (out x in) is quantized per output channel, symmetric int8 over [-127, 127]
 * (scale = max(amax / 127, 1e-8), codes rint(w / scale)). Three forward passes:
 * <ul>
 *   <li>{@link #forwardFp32}: the float32 GEMM, the baseline;</li>
 *   <li>{@link #forwardW8}: weight-only, (x * q<sup>T</sup>) scaled per output channel;</li>
 *   <li>{@link #forwardW8A8}: activations quantized too and the product taken in exact integers
 *       ({@link Int8Gemm}; the seed emulated it in float32, which is inexact past K of about 1040).</li>
 * </ul>
 * Activations are rows of x (tokens x in), row-major.
 */
public final class W8A8Linear {
    private final int out;
    private final int in;
    private final float[] weight;
    private final float[] bias;
    private final byte[] codes;
    private final float[] scales;
    private final Workers workers;

    /**
     * Quantizes the weight.
     *
     * @param weight out x in, row-major (kept for the float32 baseline)
     * @param bias out values, or null
     */
    public W8A8Linear(float[] weight, int out, int in, float[] bias, Workers workers) {
        this(weight, out, in, bias, workers, new byte[checkedLength(weight, out, in)], new float[out]);
        for (int j = 0; j < out; j++) {
            float amax = 0;
            for (int k = 0; k < in; k++) {
                amax = Math.max(amax, Math.abs(weight[j * in + k]));
            }
            QuantParams p = QuantParams.symmetric(amax);
            scales[j] = p.scale();
            for (int k = 0; k < in; k++) {
                codes[j * in + k] = p.code(weight[j * in + k]);
            }
        }
    }

    private W8A8Linear(float[] weight, int out, int in, float[] bias, Workers workers, byte[] codes, float[] scales) {
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException("bias has " + bias.length + " values for " + out + " outputs");
        }
        this.out = out;
        this.in = in;
        this.weight = weight;
        this.bias = bias;
        this.workers = workers;
        this.codes = codes;
        this.scales = scales;
    }

    /**
     * A layer whose weight is already quantized (symmetric int8 codes, out x in, one scale per output
     * channel), e.g. ONNX Runtime's; the float32 baseline then uses the dequantized weight.
     */
    public static W8A8Linear ofCodes(byte[] codes, float[] scales, int out, int in, float[] bias, Workers workers) {
        if ((long) out * in != codes.length || scales.length != out) {
            throw new IllegalArgumentException(codes.length + " codes and " + scales.length + " scales for a " + out
                    + " x " + in + " weight");
        }
        float[] dq = new float[codes.length];
        for (int j = 0; j < out; j++) {
            for (int k = 0; k < in; k++) {
                dq[j * in + k] = codes[j * in + k] * scales[j];
            }
        }
        return new W8A8Linear(dq, out, in, bias, workers, codes, scales);
    }

    private static int checkedLength(float[] weight, int out, int in) {
        if ((long) out * in != weight.length) {
            throw new IllegalArgumentException("weight has " + weight.length + " values, not " + out + " x " + in);
        }
        return weight.length;
    }

    /** Input width. */
    public int in() {
        return in;
    }

    /** Output width. */
    public int out() {
        return out;
    }

    /** The dequantized weight: each code times its channel's scale (out x in). */
    public float[] quantizedWeightValues() {
        float[] out = new float[codes.length];
        for (int j = 0; j < this.out; j++) {
            for (int k = 0; k < in; k++) {
                out[j * in + k] = codes[j * in + k] * scales[j];
            }
        }
        return out;
    }

    /** The weight's int8 codes (out x in) with its per-channel scales. */
    public Int8Matrix quantizedWeight() {
        return Int8Matrix.of(codes, out, in).withScales(scales);
    }

    /** x W<sup>T</sup> + b in float32 (fma chains in increasing k, then + b). */
    public float[] forwardFp32(float[] x, int tokens) {
        checkInput(x, tokens);
        FloatMatrix y = Gemm.using(workers).multiply(FloatMatrix.of(x, tokens, in),
                FloatMatrix.of(weight, out, in).transpose());
        return addBias(y.data(), tokens, null);
    }

    /** Weight-only: (x q<sup>T</sup>) * s_w + b, the product in float32 on the integer-valued codes. */
    public float[] forwardW8(float[] x, int tokens) {
        checkInput(x, tokens);
        float[] q = new float[codes.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = codes[i];
        }
        FloatMatrix y = Gemm.using(workers).multiply(FloatMatrix.of(x, tokens, in),
                FloatMatrix.of(q, out, in).transpose());
        return addBias(y.data(), tokens, scales);
    }

    /** W8A8: activations quantized as asked, exact integer product, scales and bias after accumulation. */
    public Result forwardW8A8(float[] x, int tokens, ActivationQuantization aq) {
        return forwardW8A8(x, new int[] {tokens}, aq);
    }

    /**
     * W8A8 on a batch of sequences (rows of each sequence consecutive): a per-tensor rule takes one range per
     * sequence, as if each sequence ran alone, so the result does not depend on how sequences are batched.
     *
     * @param sequenceRows rows of each sequence, summing to the rows of x
     */
    public Result forwardW8A8(float[] x, int[] sequenceRows, ActivationQuantization aq) {
        int tokens = 0;
        for (int r : sequenceRows) {
            tokens += r;
        }
        checkInput(x, tokens);
        byte[] q = new byte[x.length];
        int[] groupRows = aq.perToken() ? ones(tokens) : sequenceRows;
        float[] s = new float[groupRows.length == 1 ? 1 : tokens];
        int[] z = new int[s.length];
        long clipped = 0;
        int row = 0;
        for (int rows : groupRows) {
            int from = row * in;
            int len = rows * in;
            QuantParams p = aq.paramsFor(x, from, len);
            for (int i = from; i < from + len; i++) {
                float u = p.unclampedCode(x[i]);
                if (u < p.qmin() || u > p.qmax()) {
                    clipped++;
                }
                q[i] = p.code(x[i]);
            }
            for (int r = row; r < row + rows && r < s.length; r++) {
                s[r] = p.scale();
                z[r] = p.zeroPoint();
            }
            row += rows;
        }
        Int8Matrix a = Int8Matrix.of(q, tokens, in).withScales(s).withZeroPoints(z);
        float[] y = Int8Gemm.using(workers).multiply(a, quantizedWeight(), bias);
        return new Result(y, clipped, x.length, s, z);
    }

    /** The W8A8 output's error against the float32 baseline, with the metrics of {@code compare}. */
    public ErrorMetrics w8a8Error(float[] x, int tokens, ActivationQuantization aq) {
        return ArrayComparison.measure(KernelProvider.get(), forwardFp32(x, tokens), forwardW8A8(x, tokens, aq).output());
    }

    /** The weight-only output's error against the float32 baseline. */
    public ErrorMetrics w8Error(float[] x, int tokens) {
        return ArrayComparison.measure(KernelProvider.get(), forwardFp32(x, tokens), forwardW8(x, tokens));
    }

    /**
     * A W8A8 output.
     *
     * @param output tokens x out, row-major
     * @param clipped activations whose code fell outside the range before clamping
     * @param activations activations quantized (tokens x in)
     * @param activationScales one per tensor or per token
     * @param activationZeroPoints one per tensor or per token
     */
    public record Result(float[] output, long clipped, long activations, float[] activationScales,
                         int[] activationZeroPoints) {
        /** The fraction of activations clipped (0 for an empty input). */
        public double clippedFraction() {
            return activations == 0 ? 0 : (double) clipped / activations;
        }
    }

    private static int[] ones(int n) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, 1);
        return out;
    }

    private void checkInput(float[] x, int tokens) {
        if ((long) tokens * in != x.length) {
            throw new IllegalArgumentException("input has " + x.length + " values, not " + tokens + " x " + in);
        }
    }

    /** y * scale[j] (when given), then + bias[j], in float32. */
    private float[] addBias(float[] y, int tokens, float[] columnScales) {
        for (int i = 0; i < tokens; i++) {
            for (int j = 0; j < out; j++) {
                float v = y[i * out + j];
                if (columnScales != null) {
                    v *= columnScales[j];
                }
                y[i * out + j] = bias == null ? v : v + bias[j];
            }
        }
        return y;
    }
}
