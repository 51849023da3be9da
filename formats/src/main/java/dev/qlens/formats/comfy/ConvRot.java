package dev.qlens.formats.comfy;

import dev.qlens.core.tensor.DType;

/**
 * ConvRot, the group-wise Hadamard rotation of ComfyUI's INT8 and W4A4 layouts: every group of g
 * consecutive input columns of a weight is multiplied by {@code H_g = H4^(kron k) / sqrt(g)}, with
 * {@code H4 = [[1,1,1,-1],[1,1,-1,1],[1,-1,1,1],[-1,1,1,1]]} and g = 4^k. H_g is symmetric and
 * orthogonal, so the same product undoes the rotation.
 *
 * <p>comfy-kitchen multiplies in the weight's dtype with a float32-accumulating matmul whose summation
 * order is the BLAS library's. qlens sums in float64 (exact for bf16 and f16 weights, and to within a
 * float64 rounding for float32), rounds once to float32 and then to the weight's dtype; the result equals
 * kitchen's whenever its float32 accumulation is exact, which it is for all but extreme exponent spreads.
 */
public final class ConvRot {
    private ConvRot() {
    }

    /** Whether g is a valid group size (4, 16, 64, 256, 1024, ...). */
    public static boolean validGroup(long g) {
        if (g < 4 || Long.bitCount(g) != 1) {
            return false;
        }
        return Long.numberOfTrailingZeros(g) % 2 == 0;
    }

    /** Checks a group size, with the message ComfyUI would give. */
    public static void checkGroup(long g) {
        if (!validGroup(g)) {
            throw new IllegalArgumentException("ConvRot group size must be a power of 4 (4, 16, 64, 256, 1024), not " + g);
        }
    }

    /**
     * Rotates every group of g columns of a rows x cols matrix, writing float32 results rounded to
     * {@code dtype} (F32 for no rounding beyond float32).
     */
    public static float[] rotate(float[] x, int rows, int cols, int g, DType dtype) {
        checkGroup(g);
        if (cols % g != 0) {
            throw new IllegalArgumentException(cols + " columns are not a multiple of the ConvRot group size " + g);
        }
        float[] out = new float[x.length];
        rotateGroups(x, 0, x.length, g, out, 0);
        TorchDtype.roundAll(dtype, out, 0, out.length);
        return out;
    }

    /**
     * Rotates {@code len} values (whole groups of g) from src[srcOff ..] into dst[dstOff ..], rounding
     * to float32 only: the rotation that undoes the weight rotation when reading a checkpoint back.
     */
    public static void rotateGroups(float[] src, int srcOff, int len, int g, float[] dst, int dstOff) {
        double[] buf = new double[g];
        double norm = 1.0 / Math.sqrt(g);
        for (int c0 = 0; c0 < len; c0 += g) {
            for (int i = 0; i < g; i++) {
                buf[i] = src[srcOff + c0 + i];
            }
            transform(buf);
            for (int i = 0; i < g; i++) {
                dst[dstOff + c0 + i] = (float) (buf[i] * norm);
            }
        }
    }

    /**
     * {@code R h R} for the block-diagonal rotation R of group g (n x n, row-major, float64): the second
     * moment of the inputs a rotated weight sees, since {@code W x = (W R)(R x)}.
     */
    public static double[] rotateSecondMoment(double[] h, int n, int g) {
        checkGroup(g);
        double[] a = h.clone();
        double[] buf = new double[g];
        for (int pass = 0; pass < 2; pass++) {
            // Rotate the groups of every row, then transpose; twice gives R h R (R is symmetric).
            for (int r = 0; r < n; r++) {
                for (int c0 = 0; c0 < n; c0 += g) {
                    System.arraycopy(a, r * n + c0, buf, 0, g);
                    transform(buf);
                    for (int i = 0; i < g; i++) {
                        a[r * n + c0 + i] = buf[i] / Math.sqrt(g);
                    }
                }
            }
            for (int r = 0; r < n; r++) {
                for (int c = r + 1; c < n; c++) {
                    double t = a[r * n + c];
                    a[r * n + c] = a[c * n + r];
                    a[c * n + r] = t;
                }
            }
        }
        return a;
    }

    /**
     * v := v * H4^(kron k) in place (unnormalized), for v of length 4^k: one 4-point butterfly per
     * Kronecker factor. Row i of the Kronecker product picks, digit by digit in base 4, the entries of H4.
     */
    static void transform(double[] v) {
        int g = v.length;
        for (int stride = 1; stride < g; stride *= 4) {
            for (int start = 0; start < g; start += 4 * stride) {
                for (int j = start; j < start + stride; j++) {
                    double a = v[j];
                    double b = v[j + stride];
                    double c = v[j + 2 * stride];
                    double d = v[j + 3 * stride];
                    // (a, b, c, d) * H4; H4 is symmetric, so row and column products agree.
                    v[j] = a + b + c - d;
                    v[j + stride] = a + b - c + d;
                    v[j + 2 * stride] = a - b + c + d;
                    v[j + 3 * stride] = -a + b + c + d;
                }
            }
        }
    }
}
