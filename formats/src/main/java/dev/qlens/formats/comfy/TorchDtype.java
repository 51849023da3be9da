package dev.qlens.formats.comfy;

import dev.qlens.core.kernel.ScalarKernels;
import dev.qlens.core.tensor.DType;

/**
 * Element arithmetic "in the input dtype", as PyTorch does it for bfloat16 and float16 tensors on the
 * CPU: the operands are widened to float32, the operation is done once in float32 (exact for products
 * of two bf16 or f16 values, correctly rounded for quotients), and the result is rounded to the
 * tensor's dtype with round-to-nearest-even. For float32 tensors the rounding step is the identity.
 */
public final class TorchDtype {
    private TorchDtype() {
    }

    /** The dtype comfy-kitchen's arithmetic runs in for weights stored as {@code stored}. */
    public static DType computeDtype(DType stored) {
        return stored == DType.BF16 || stored == DType.F16 ? stored : DType.F32;
    }

    /** Rounds a float32 value to {@code dtype} (BF16, F16 or F32) with round-to-nearest-even. */
    public static float round(DType dtype, float v) {
        switch (dtype) {
            case BF16:
                return bf16(v);
            case F16:
                return f16(v);
            default:
                return v;
        }
    }

    /** Rounds every value of x[off .. off + n) to {@code dtype} in place. */
    public static void roundAll(DType dtype, float[] x, int off, int n) {
        if (dtype == DType.BF16) {
            for (int i = off; i < off + n; i++) {
                x[i] = bf16(x[i]);
            }
        } else if (dtype == DType.F16) {
            for (int i = off; i < off + n; i++) {
                x[i] = f16(x[i]);
            }
        }
    }

    /** float32 to bfloat16, round to nearest even; NaN stays NaN. */
    public static float bf16(float v) {
        return ScalarKernels.bf16(v);
    }

    /** float32 to float16 and back, round to nearest even (subnormals and overflow to infinity included). */
    public static float f16(float v) {
        return ScalarKernels.f16(v);
    }

    /** The smallest positive normal value of the dtype ({@code torch.finfo(dtype).tiny}). */
    public static float tiny(DType dtype) {
        return dtype == DType.F16 ? 6.103515625e-05f : Float.MIN_NORMAL;
    }

    /** The largest finite value of the dtype ({@code torch.finfo(dtype).max}). */
    public static float max(DType dtype) {
        switch (dtype) {
            case F16:
                return 65504f;
            case BF16:
                return Float.intBitsToFloat(0x7F7F0000);
            default:
                return Float.MAX_VALUE;
        }
    }
}
