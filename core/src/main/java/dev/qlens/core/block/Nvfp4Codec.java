package dev.qlens.core.block;

import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.Rounding;

/**
 * Scalar reference codec of NVIDIA NVFP4 with ModelOpt's semantics and float32 operation order
 * ({@code NVFP4QTensor}): a per-tensor scale global = amax / 2688 (6 * 448), per 16-element block an
 * E4M3 scale = round_e4m3(block_amax / (6 * global)) with 0 replaced by 1, and E2M1 elements
 * round_e2m1(x / (e4m3(scale) * global)) to nearest even, saturating at 6. Every product and
 * quotient is a single float32 operation in that order, so codes and values match ModelOpt bit for
 * bit. ModelOpt's element rule differs from a plain E2M1 cast only in two places: -0.0 gives code 0
 * (the sign test is x &lt; 0) and NaN gives code 7.
 *
 * <p>Two deliberate differences, both where ModelOpt's result is degenerate: an all-zero tensor (amax
 * 0, where ModelOpt divides 0 by 0) gets block scales of 1 and zero codes; and a block whose scale
 * underflows the E4M3 cast (a block about 10^6 times smaller than the tensor's largest value, which
 * ModelOpt stores with scale 0 and decodes as 0) gets the smallest E4M3 scale 2^-9 instead.
 */
public final class Nvfp4Codec {
    /** Elements per block. */
    public static final int BLOCK = 16;
    /** E4M3 code of 1.0. */
    public static final int SCALE_ONE = 0x38;

    private static final float[] BOUNDS = {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5f};
    private static final float[] E2M1 = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f, 0f, -0.5f, -1f, -1.5f, -2f, -3f, -4f, -6f};
    private static final float[] E2M1_NEG_ZERO = E2M1.clone();

    static {
        E2M1_NEG_ZERO[8] = -0f;
    }

    private Nvfp4Codec() {
    }

    /** The per-tensor scale amax / 2688 in float32 (amax with NaN propagating). */
    public static float globalScale(float amax) {
        return amax / (6.0f * 448.0f);
    }

    /** The E4M3 code of one block's scale. */
    public static int blockScaleCode(float blockAmax, float global) {
        if (global == 0f) {
            return SCALE_ONE;
        }
        float s = blockAmax / (6.0f * global);
        if (s == 0f) {
            s = 1.0f;
        }
        int code = FloatFormat.FP8_E4M3FN.encode(s); // torch's eager cast: nearest even, not saturating
        // ModelOpt lets a positive scale underflow to E4M3 zero (the block then dequantizes to 0 * inf);
        // qlens keeps the smallest positive scale instead, so every block scale is positive.
        return code == 0 ? 1 : code;
    }

    /** ModelOpt's E2M1 code of a scaled value (nearest even, saturating; -0 gives 0, NaN gives 7). */
    public static int elementCode(float scaled) {
        float a = Math.abs(scaled);
        if (a != a) {
            return 7;
        }
        int ord = 0;
        while (ord < BOUNDS.length && BOUNDS[ord] < a) {
            ord++;
        }
        if (a == 0.75f || a == 1.75f || a == 3.5f) {
            ord++;
        }
        return (scaled < 0 ? 8 : 0) | ord;
    }

    /**
     * Quantizes one block given the tensor's global scale.
     *
     * @param mode element rounding: nearest-even uses ModelOpt's rule; other modes round with the
     *             generic E2M1 encoder (saturating)
     * @param codes receives one E2M1 code per element (unpacked)
     * @return the block's E4M3 scale code
     */
    public static int quantize(float[] x, int off, int n, float global, EncodeMode mode, long firstIndex, byte[] codes,
                               int codesOff) {
        float blockAmax = 0f;
        for (int i = off; i < off + n; i++) {
            float a = Math.abs(x[i]);
            if (a != a) {
                // The canonical (positive) NaN: Math.abs may or may not clear a NaN's sign bit
                // depending on the JDK and the JIT, and the sign decides the scale's NaN code.
                blockAmax = Float.NaN;
                break;
            }
            blockAmax = Math.max(blockAmax, a);
        }
        int scaleCode = blockScaleCode(blockAmax, global);
        float total = FloatFormat.FP8_E4M3FN.decode(scaleCode) * global;
        boolean modelOpt = mode.rounding() == Rounding.NEAREST_EVEN;
        for (int i = 0; i < n; i++) {
            float scaled = global == 0f ? 0f : x[off + i] / total;
            codes[codesOff + i] = (byte) (modelOpt ? elementCode(scaled)
                    : FloatFormat.FP4_E2M1.encode(scaled, mode.rounding(), true, Compat.ML_DTYPES,
                    mode.randomBits(firstIndex + i)));
        }
        return scaleCode;
    }

    /**
     * Dequantizes one block: e2m1(code) * (e4m3(scale) * global) in float32 (all NaN when that scale is NaN).
     *
     * @param negativeZero whether code 8 decodes as -0.0 (comfy-kitchen) or +0.0 (ModelOpt)
     */
    public static void dequantize(byte[] codes, int codesOff, int n, int scaleCode, float global, boolean negativeZero,
                                  float[] out, int outOff) {
        float total = FloatFormat.FP8_E4M3FN.decode(scaleCode) * global;
        if (total != total) {
            // A NaN scale makes the block NaN; written explicitly so its bits do not depend on
            // which NaN operand the hardware propagates.
            java.util.Arrays.fill(out, outOff, outOff + n, Float.NaN);
            return;
        }
        float[] table = negativeZero ? E2M1_NEG_ZERO : E2M1;
        for (int i = 0; i < n; i++) {
            out[outOff + i] = table[codes[codesOff + i] & 0xF] * total;
        }
    }
}
