package dev.qlens.core.kernel;

import dev.qlens.core.block.BfpCodec;
import dev.qlens.core.block.MxCodec;
import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.block.Nvfp4Codec;
import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;
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

    // ---------------------------------------------------------------------------------------
    // Element codes

    @Override
    public void encodeCodes(FloatFormat f, float[] src, int srcOff, byte[] codes, int codesOff, int n, EncodeMode mode,
                            long firstIndex) {
        for (int i = 0; i < n; i++) {
            codes[codesOff + i] = (byte) mode.encode(f, src[srcOff + i], firstIndex + i);
        }
    }

    @Override
    public void decodeCodes(FloatFormat f, byte[] codes, int codesOff, float[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = f.decode(codes[codesOff + i] & 0xFF);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Reductions

    @Override
    public void scaleToDtype(float[] src, int srcOff, float factor, boolean divide, DType dtype, float[] dst, int dstOff,
                             int n) {
        if (dtype != DType.F32 && dtype != DType.BF16 && dtype != DType.F16) {
            throw new IllegalArgumentException("arithmetic in " + dtype + " is not supported (F32, BF16, F16)");
        }
        for (int i = 0; i < n; i++) {
            float v = divide ? src[srcOff + i] / factor : src[srcOff + i] * factor;
            dst[dstOff + i] = dtype == DType.BF16 ? bf16(v) : dtype == DType.F16 ? f16(v) : v;
        }
    }

    /** float32 to the nearest bfloat16 (ties to even), as float32; NaN becomes a quiet NaN. */
    public static float bf16(float v) {
        int b = Float.floatToRawIntBits(v);
        if ((b & 0x7FFFFFFF) > 0x7F800000) {
            return Float.intBitsToFloat((b | 0x00400000) & 0xFFFF0000);
        }
        b += 0x7FFF + ((b >>> 16) & 1);
        return Float.intBitsToFloat(b & 0xFFFF0000);
    }

    /** float32 to the nearest float16 (ties to even, subnormals, overflow to infinity), as float32. */
    public static float f16(float v) {
        int b = Float.floatToRawIntBits(v);
        int sign = b & 0x80000000;
        int a = b & 0x7FFFFFFF;
        if (a > 0x7F800000) {
            return Float.intBitsToFloat(b | 0x00400000);
        }
        if (a >= 0x477FF000) {
            // 65520 and above round past float16's largest finite value 65504.
            return Float.intBitsToFloat(sign | 0x7F800000);
        }
        if (a >= 0x38800000) {
            a += 0xFFF + ((a >>> 13) & 1);
            return Float.intBitsToFloat(sign | (a & 0xFFFFE000));
        }
        // Subnormal in float16: a multiple of 2^-24, nearest even (both scalings are exact).
        double r = Math.rint(Float.intBitsToFloat(a) * 16777216.0) / 16777216.0;
        return Float.intBitsToFloat(sign | Float.floatToRawIntBits((float) r));
    }

    @Override
    public void roundToInt8(float[] src, int srcOff, float lo, float hi, byte[] dst, int dstOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = src[srcOff + i];
            dst[dstOff + i] = v != v ? 0 : (byte) (int) Math.rint(Math.max(lo, Math.min(hi, v)));
        }
    }

    @Override
    public float maxAbsFinite(float[] x, int off, int n) {
        float m = 0f;
        for (int i = off; i < off + n; i++) {
            float a = Math.abs(x[i]);
            if (a < Float.POSITIVE_INFINITY) {
                m = Math.max(m, a);
            }
        }
        return m;
    }

    @Override
    public float maxAbs(float[] x, int off, int n) {
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

    @Override
    public void errorSums(float[] x, int xOff, float[] y, int yOff, int n, ErrorSums acc) {
        ErrorPartials p = new ErrorPartials();
        p.addScalar(x, xOff, y, yOff, 0, n);
        p.addTo(acc, n);
    }

    @Override
    public void valueSums(float[] x, int off, int n, ValueSums acc) {
        ValuePartials p = new ValuePartials(acc);
        p.addScalar(x, off, 0, n);
        p.addTo(acc, n);
    }

    @Override
    public void relativeErrors(float[] x, int xOff, float[] y, int yOff, int n, RelativeErrorSums acc,
                               int[] histogram) {
        RelativePartials p = new RelativePartials();
        p.addScalar(x, xOff, y, yOff, 0, n, histogram);
        p.addTo(acc);
    }

    // ---------------------------------------------------------------------------------------
    // Scaled formats

    @Override
    public long scaledFloat(float[] x, int off, int n, float scale, FloatFormat f, EncodeMode mode, long firstIndex,
                            byte[] codes, int codesOff, float[] out, int outOff) {
        long clipped = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i] / scale;
            long rnd = mode.randomBits(firstIndex + i);
            int code = f.encode(v, mode.rounding(), true, Compat.ML_DTYPES, rnd);
            if (f.roundsAboveMax(v, mode.rounding(), rnd)) {
                clipped++;
            }
            if (codes != null) {
                codes[codesOff + i] = (byte) code;
            }
            if (out != null) {
                out[outOff + i] = f.decode(code) * scale;
            }
        }
        return clipped;
    }

    @Override
    public long scaledInt(float[] x, int off, int n, float scale, int zeroPoint, IntFormat f, EncodeMode mode,
                          long firstIndex, int[] codes, int codesOff, float[] out, int outOff) {
        long clipped = 0;
        for (int i = 0; i < n; i++) {
            float v = x[off + i] / scale;
            long rnd = mode.randomBits(firstIndex + i);
            int q = f.encode(v, mode.rounding(), zeroPoint, rnd);
            if (f.clips(v, mode.rounding(), zeroPoint, rnd)) {
                clipped++;
            }
            if (codes != null) {
                codes[codesOff + i] = q;
            }
            if (out != null) {
                out[outOff + i] = (q - zeroPoint) * scale;
            }
        }
        return clipped;
    }

    // ---------------------------------------------------------------------------------------
    // Block formats

    @Override
    public void mxQuantize(float[] x, int off, int blocks, int blockSize, MxElement element, MxScaleMode scaleMode,
                           EncodeMode mode, long firstIndex, byte[] scales, int scalesOff, byte[] codes, int codesOff,
                           float[] out, int outOff) {
        byte[] tmp = codes != null ? codes : new byte[blockSize];
        for (int b = 0; b < blocks; b++) {
            int at = codes != null ? codesOff + b * blockSize : 0;
            int s = MxCodec.quantize(x, off + b * blockSize, blockSize, element, scaleMode, mode,
                    firstIndex + (long) b * blockSize, tmp, at);
            if (scales != null) {
                scales[scalesOff + b] = (byte) s;
            }
            if (out != null) {
                MxCodec.dequantize(tmp, at, blockSize, s, element, out, outOff + b * blockSize);
            }
        }
    }

    @Override
    public void mxDequantize(byte[] scales, int scalesOff, byte[] codes, int codesOff, int blocks, int blockSize,
                             MxElement element, float[] out, int outOff) {
        for (int b = 0; b < blocks; b++) {
            MxCodec.dequantize(codes, codesOff + b * blockSize, blockSize, scales[scalesOff + b] & 0xFF, element, out,
                    outOff + b * blockSize);
        }
    }

    @Override
    public void nvfp4Quantize(float[] x, int off, int blocks, int blockSize, float global, EncodeMode mode,
                              long firstIndex, byte[] scales, int scalesOff, byte[] codes, int codesOff, float[] out,
                              int outOff, boolean negativeZero) {
        byte[] tmp = codes != null ? codes : new byte[blockSize];
        for (int b = 0; b < blocks; b++) {
            int at = codes != null ? codesOff + b * blockSize : 0;
            int s = Nvfp4Codec.quantize(x, off + b * blockSize, blockSize, global, mode, firstIndex + (long) b * blockSize,
                    tmp, at);
            if (scales != null) {
                scales[scalesOff + b] = (byte) s;
            }
            if (out != null) {
                Nvfp4Codec.dequantize(tmp, at, blockSize, s, global, negativeZero, out, outOff + b * blockSize);
            }
        }
    }

    @Override
    public void nvfp4Dequantize(byte[] scales, int scalesOff, byte[] codes, int codesOff, int blocks, int blockSize,
                                float global, boolean negativeZero, float[] out, int outOff) {
        for (int b = 0; b < blocks; b++) {
            Nvfp4Codec.dequantize(codes, codesOff + b * blockSize, blockSize, scales[scalesOff + b] & 0xFF, global,
                    negativeZero, out, outOff + b * blockSize);
        }
    }

    @Override
    public void bfpGroups(float[] x, int off, int groups, int bits, boolean flushSubnormals, byte[] exponents, int expOff,
                          byte[] codes, int codesOff, float[] out, int outOff) {
        byte[] tmp = new byte[BfpCodec.GROUP];
        for (int g = 0; g < groups; g++) {
            int e = BfpCodec.encodeGroup(x, off + g * BfpCodec.GROUP, BfpCodec.GROUP, bits, flushSubnormals, tmp, 0);
            if (exponents != null) {
                exponents[expOff + g] = (byte) e;
            }
            for (int i = 0; i < BfpCodec.GROUP; i++) {
                if (codes != null) {
                    codes[codesOff + g * BfpCodec.GROUP + i] = tmp[i];
                }
                if (out != null) {
                    out[outOff + g * BfpCodec.GROUP + i] = BfpCodec.decode(tmp[i] & 0xFF, e, bits);
                }
            }
        }
    }

    @Override
    public void bfpPackTile(float[] tile, int off, int bits, boolean flushSubnormals, byte[] out, int outOff) {
        BfpCodec.packTile(tile, off, bits, flushSubnormals, out, outOff);
    }

    @Override
    public void bfpUnpackTile(byte[] in, int inOff, int bits, float[] tile, int off) {
        BfpCodec.unpackTile(in, inOff, bits, tile, off);
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

    @Override
    public dev.qlens.core.linalg.GemmKernel gemmKernel() {
        return dev.qlens.core.linalg.ScalarGemmKernel.INSTANCE;
    }

    @Override
    public dev.qlens.core.linalg.Int8GemmKernel int8GemmKernel() {
        return dev.qlens.core.linalg.ScalarInt8GemmKernel.INSTANCE;
    }

    @Override
    public void gelu(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = dev.qlens.core.numeric.Transcendentals.gelu(x[i]);
        }
    }

    @Override
    public void matmulSmall(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            matmulRowTail(a, aOff + i * k, b, bOff, c, cOff + i * n, k, n, 0);
        }
    }

    /** Columns [from, n) of one row of c = a b: the scalar fused multiply-add chains. */
    protected static void matmulRowTail(float[] a, int aRow, float[] b, int bOff, float[] c, int cRow, int k, int n,
                                        int from) {
        for (int j = from; j < n; j++) {
            float s = 0f;
            for (int p = 0; p < k; p++) {
                s = Math.fma(a[aRow + p], b[bOff + p * n + j], s);
            }
            c[cRow + j] = s != s ? Float.NaN : s;
        }
    }
}
