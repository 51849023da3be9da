package dev.qlens.simd;

import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.ValueSums;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.IntFormat;
import dev.qlens.core.tensor.DType;

/**
 * Runs every vector kernel once on a few vectors of data when the kernels are created. The Vector
 * API creates some of its internal state lazily (per-species helper objects); a kernel that C2
 * compiles before that state exists cannot use vector instructions for some operations and boxes
 * every vector instead, 5 to 10 times slower (observed on JDK 17 for MX blocks). Running each kernel
 * first in the interpreter creates that state up front. Costs well under a millisecond.
 */
final class KernelWarmup {
    private KernelWarmup() {
    }

    static void run(Kernels k) {
        int n = 4 * 64;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i - n / 2) * 0.37f;
        }
        float[] out = new float[n];
        byte[] bytes = new byte[8 * n];
        byte[] codes = new byte[n];
        byte[] scales = new byte[n];
        int[] ints = new int[n];
        for (DType d : DType.values()) {
            if (d.isFloatingPoint()) {
                k.encode(d, x, 0, bytes, 0, n, EncodeMode.SATURATING, 0);
                k.decode(d, bytes, 0, out, 0, n);
            }
        }
        k.errorSums(x, 0, out, 0, n, new ErrorSums());
        k.valueSums(x, 0, n, new ValueSums());
        k.relativeErrors(x, 0, out, 0, n, new dev.qlens.core.kernel.RelativeErrorSums(),
                new int[dev.qlens.core.kernel.RelativeErrorSums.HISTOGRAM_LENGTH]);
        k.maxAbs(x, 0, n);
        k.maxAbsFinite(x, 0, n);
        k.scaledInt(x, 0, n, 0.5f, 0, IntFormat.symmetric(8), EncodeMode.DEFAULT, 0, ints, 0, out, 0);
        k.scaledFloat(x, 0, n, 0.5f, DType.F8_E4M3.floatFormat(), EncodeMode.DEFAULT, 0, codes, 0, out, 0);
        for (MxElement e : MxElement.values()) {
            k.mxQuantize(x, 0, n / 32, 32, e, MxScaleMode.FLOOR, EncodeMode.DEFAULT, 0, scales, 0, codes, 0, out, 0);
            k.mxDequantize(scales, 0, codes, 0, n / 32, 32, e, out, 0);
        }
        k.nvfp4Quantize(x, 0, n / 16, 16, 0.01f, EncodeMode.DEFAULT, 0, scales, 0, codes, 0, out, 0, false);
        k.nvfp4Dequantize(scales, 0, codes, 0, n / 16, 16, 0.01f, false, out, 0);
        k.bfpGroups(x, 0, n / 16, 8, true, scales, 0, codes, 0, out, 0);
    }
}
