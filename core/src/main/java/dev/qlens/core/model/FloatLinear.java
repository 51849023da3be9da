package dev.qlens.core.model;

import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;

/** The float32 linear layer on the blocked GEMM (W^T packed once), bias added after the product. */
public final class FloatLinear implements Linear {
    private final Gemm gemm;
    private final Gemm.PackedB weightT;
    private final float[] bias;
    private final int out;
    private final int in;

    /** A layer of the given weight (out x in, row-major) and bias (or null). */
    public FloatLinear(Gemm gemm, float[] weight, int out, int in, float[] bias) {
        this.gemm = gemm;
        this.weightT = gemm.pack(FloatMatrix.of(weight, out, in).transpose());
        this.bias = bias;
        this.out = out;
        this.in = in;
    }

    @Override
    public int in() {
        return in;
    }

    @Override
    public int out() {
        return out;
    }

    @Override
    public void forward(float[] x, int rows, float[] y) {
        gemm.multiply(FloatMatrix.of(x, rows, in), weightT, FloatMatrix.of(y, rows, out), false);
        if (bias != null) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < out; j++) {
                    y[r * out + j] += bias[j];
                }
            }
        }
    }
}
