package dev.qlens.core.kernel;

import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.tensor.DType;

/**
 * The scalar reference implementation of {@link Kernels}: plain loops over the reference codecs of
 * {@link FloatFormat}. Every fast path is tested against this class.
 */
public class ScalarKernels implements Kernels {
    /** The shared instance. */
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private static volatile float[] fp16Table;

    /** Creates the scalar kernels (subclasses may override single kernels). */
    protected ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int vectorBitSize() {
        return 0;
    }

    @Override
    public void decode(DType dtype, byte[] src, int srcOff, float[] dst, int dstOff, int n) {
        switch (dtype) {
            case F32:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = Float.intBitsToFloat(LittleEndian.getInt(src, srcOff + 4 * i));
                }
                break;
            case F64:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = (float) Double.longBitsToDouble(LittleEndian.getLong(src, srcOff + 8 * i));
                }
                break;
            case BF16:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = Float.intBitsToFloat(LittleEndian.getShort(src, srcOff + 2 * i) << 16);
                }
                break;
            case F16: {
                float[] table = fp16Table();
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = table[LittleEndian.getShort(src, srcOff + 2 * i)];
                }
                break;
            }
            case F8_E4M3:
            case F8_E5M2:
            case F8_E4M3FNUZ:
            case F8_E5M2FNUZ:
            case F8_E8M0: {
                FloatFormat f = dtype.floatFormat();
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = f.decode(src[srcOff + i] & 0xFF);
                }
                break;
            }
            case F4: {
                FloatFormat f = FloatFormat.FP4_E2M1;
                for (int i = 0; i < n; i++) {
                    int b = src[srcOff + (i >> 1)] & 0xFF;
                    dst[dstOff + i] = f.decode((i & 1) == 0 ? b & 0xF : b >>> 4);
                }
                break;
            }
            case F6_E2M3:
            case F6_E3M2: {
                FloatFormat f = dtype.floatFormat();
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = f.decode(SubByte.get6(src, srcOff, i));
                }
                break;
            }
            case BOOL:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = src[srcOff + i] != 0 ? 1f : 0f;
                }
                break;
            case U8:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = src[srcOff + i] & 0xFF;
                }
                break;
            case I8:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = src[srcOff + i];
                }
                break;
            case I16:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = (short) LittleEndian.getShort(src, srcOff + 2 * i);
                }
                break;
            case U16:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = LittleEndian.getShort(src, srcOff + 2 * i);
                }
                break;
            case I32:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = LittleEndian.getInt(src, srcOff + 4 * i);
                }
                break;
            case U32:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = LittleEndian.getInt(src, srcOff + 4 * i) & 0xFFFFFFFFL;
                }
                break;
            case I64:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = LittleEndian.getLong(src, srcOff + 8 * i);
                }
                break;
            case U64:
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = unsignedToFloat(LittleEndian.getLong(src, srcOff + 8 * i));
                }
                break;
            default:
                throw new IllegalArgumentException(dtype + " elements have no real float32 value");
        }
    }

    @Override
    public void encode(DType dtype, float[] src, int srcOff, byte[] dst, int dstOff, int n, EncodeMode mode,
                       long firstIndex) {
        switch (dtype) {
            case F32:
                for (int i = 0; i < n; i++) {
                    LittleEndian.putInt(dst, dstOff + 4 * i, Float.floatToRawIntBits(src[srcOff + i]));
                }
                break;
            case F64:
                for (int i = 0; i < n; i++) {
                    LittleEndian.putLong(dst, dstOff + 8 * i, Double.doubleToRawLongBits(src[srcOff + i]));
                }
                break;
            case BF16:
            case F16: {
                FloatFormat f = dtype.floatFormat();
                for (int i = 0; i < n; i++) {
                    LittleEndian.putShort(dst, dstOff + 2 * i, mode.encode(f, src[srcOff + i], firstIndex + i));
                }
                break;
            }
            case F8_E4M3:
            case F8_E5M2:
            case F8_E4M3FNUZ:
            case F8_E5M2FNUZ:
            case F8_E8M0: {
                FloatFormat f = dtype.floatFormat();
                for (int i = 0; i < n; i++) {
                    dst[dstOff + i] = (byte) mode.encode(f, src[srcOff + i], firstIndex + i);
                }
                break;
            }
            case F4: {
                FloatFormat f = FloatFormat.FP4_E2M1;
                for (int i = 0; i + 1 < n; i += 2) {
                    int lo = mode.encode(f, src[srcOff + i], firstIndex + i);
                    int hi = mode.encode(f, src[srcOff + i + 1], firstIndex + i + 1);
                    dst[dstOff + (i >> 1)] = (byte) (lo | (hi << 4));
                }
                break;
            }
            case F6_E2M3:
            case F6_E3M2: {
                FloatFormat f = dtype.floatFormat();
                for (int i = 0; i < n; i++) {
                    SubByte.put6(dst, dstOff, i, mode.encode(f, src[srcOff + i], firstIndex + i));
                }
                break;
            }
            default:
                throw new IllegalArgumentException("cannot encode float32 values as " + dtype
                        + ": only floating-point dtypes are element casts");
        }
    }

    /** The float32 value of every FP16 code (ml_dtypes NaN convention), built on first use. */
    static float[] fp16Table() {
        float[] t = fp16Table;
        if (t == null) {
            t = new float[65536];
            for (int c = 0; c < t.length; c++) {
                t[c] = FloatFormat.FP16.decode(c);
            }
            fp16Table = t;
        }
        return t;
    }

    private static float unsignedToFloat(long v) {
        if (v >= 0) {
            return v;
        }
        // Halve with the low bit kept sticky so the conversion still rounds correctly.
        float half = (v >>> 1) | (v & 1);
        return half * 2f;
    }
}
