package dev.qlens.core.block;

import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;

/**
 * Scalar reference codec of one OCP MX block (32 elements in the standard formats; any length here).
 *
 * <p>Scale: amax is the largest |x| with NaN propagating; an Inf or NaN amax gives the NaN scale
 * 0xFF. Otherwise the unbiased shared exponent follows the {@link MxScaleMode}, is clamped below at
 * -127, and a value above 127 gives the NaN scale. Elements: x / X in float32, rounded to the element
 * format (nearest-even as the spec requires, or nearest-away as microxcaling does by default),
 * clamped to the element maximum; a result of zero is stored as +0 (microxcaling never writes -0).
 * MXINT8 elements are round(x / X * 64) clamped to [-127, 127]. Dequantized values are
 * decode(code) * X in float32; a NaN scale makes the whole block NaN. This matches microxcaling's
 * C++ kernels bit for bit (the golden vectors).
 */
public final class MxCodec {
    /** The E8M0 code of the NaN scale. */
    public static final int NAN_SCALE = 0xFF;

    private MxCodec() {
    }

    /** The E8M0 scale code for a block whose largest magnitude is {@code amax}. */
    public static int scaleCode(float amax, MxElement element, MxScaleMode mode) {
        int bits = Float.floatToRawIntBits(amax) & 0x7FFFFFFF;
        int field = bits >>> 23;
        if (field == 0xFF) {
            return NAN_SCALE;
        }
        int shared;
        switch (mode) {
            case FLOOR:
                shared = field - 127 - element.emax();
                break;
            case CEIL:
                shared = field - 127 - element.emax() + ((bits & 0x7FFFFF) != 0 ? 1 : 0);
                break;
            case RCEIL: {
                float d = amax / element.maxValue();
                shared = ceilLog2(d);
                break;
            }
            default:
                throw new AssertionError(mode);
        }
        if (shared > 127) {
            return NAN_SCALE;
        }
        return Math.max(shared, -127) + 127;
    }

    /** ceil(log2(d)) for a non-negative float32 (very small or zero d gives a value below -127). */
    static int ceilLog2(float d) {
        int bits = Float.floatToRawIntBits(d) & 0x7FFFFFFF;
        if (bits == 0) {
            return Integer.MIN_VALUE / 2;
        }
        int field = bits >>> 23;
        int mant = bits & 0x7FFFFF;
        if (field == 0) {
            // subnormal: d = mant * 2^-149
            int top = 31 - Integer.numberOfLeadingZeros(mant);
            boolean exact = mant == (1 << top);
            return top - 149 + (exact ? 0 : 1);
        }
        return field - 127 + (mant != 0 ? 1 : 0);
    }

    /** The float32 value of an E8M0 scale code (2^(code - 127); NaN for 0xFF). */
    public static float scaleValue(int code) {
        return FloatFormat.E8M0.decode(code & 0xFF);
    }

    /** Largest |x| with NaN propagating (as a float; NaN if any element is NaN). */
    public static float amax(float[] x, int off, int n) {
        float m = 0f;
        for (int i = off; i < off + n; i++) {
            float a = Math.abs(x[i]);
            if (a != a) {
                return Float.NaN;
            }
            m = Math.max(m, a);
        }
        return m;
    }

    private static final IntFormat INT8 = IntFormat.symmetric(8);

    /**
     * Quantizes one block.
     *
     * @param mode element rounding (and the seed for stochastic rounding)
     * @param firstIndex index of x[off] in its tensor (for stochastic rounding)
     * @param codes receives one code per element (low bits of each byte)
     * @return the E8M0 scale code
     */
    public static int quantize(float[] x, int off, int n, MxElement element, MxScaleMode scaleMode, EncodeMode mode,
                               long firstIndex, byte[] codes, int codesOff) {
        int scaleCode = scaleCode(amax(x, off, n), element, scaleMode);
        float scale = scaleValue(scaleCode);
        for (int i = 0; i < n; i++) {
            codes[codesOff + i] = (byte) encodeElement(x[off + i] / scale, element, mode, firstIndex + i);
        }
        return scaleCode;
    }

    /** The code of one scaled element x / X. */
    public static int encodeElement(float scaled, MxElement element, EncodeMode mode, long index) {
        long random = mode.randomBits(index);
        if (element == MxElement.INT8) {
            // scaled * 64 is exact (a power of two), so this rounds once to the 2^-6 grid.
            return INT8.encode(scaled * 64f, mode.rounding(), 0, random) & 0xFF;
        }
        FloatFormat f = element.format();
        int code = f.encode(scaled, mode.rounding(), true, Compat.ML_DTYPES, random);
        return (code & ~f.signMask()) == 0 ? 0 : code;
    }

    /** The float32 value of one element code (before scaling). */
    public static float decodeElement(int code, MxElement element) {
        if (element == MxElement.INT8) {
            return (byte) code / 64f;
        }
        return element.format().decode(code);
    }

    /** Dequantizes one block: decode(code) * X in float32, NaN everywhere when the scale is NaN. */
    public static void dequantize(byte[] codes, int codesOff, int n, int scaleCode, MxElement element, float[] out,
                                  int outOff) {
        if ((scaleCode & 0xFF) == NAN_SCALE) {
            // Written explicitly: the bits of NaN * NaN depend on operand order, which the JIT may swap.
            java.util.Arrays.fill(out, outOff, outOff + n, Float.NaN);
            return;
        }
        float scale = scaleValue(scaleCode);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = decodeElement(codes[codesOff + i] & 0xFF, element) * scale;
        }
    }
}
