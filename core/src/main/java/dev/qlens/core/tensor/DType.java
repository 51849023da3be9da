package dev.qlens.core.tensor;

import dev.qlens.core.numeric.FloatFormat;
import java.util.Locale;

/**
 * The element types of the safetensors format (every dtype of the current specification), with
 * their size in bits and, for the low-precision floating-point types, their {@link FloatFormat}.
 *
 * <p>Sub-byte types are packed little-endian: F4 holds element 2k in the low nibble and 2k+1 in the
 * high nibble of byte k; F6 packs elements LSB-first into a bit stream (element i occupies bits
 * 6i .. 6i+5), so four elements fill three bytes.
 */
public enum DType {
    BOOL(8, null, "torch.bool"),
    U8(8, null, "torch.uint8"),
    I8(8, null, "torch.int8"),
    I16(16, null, "torch.int16"),
    U16(16, null, "torch.uint16"),
    F16(16, FloatFormat.FP16, "torch.float16"),
    BF16(16, FloatFormat.BF16, "torch.bfloat16"),
    I32(32, null, "torch.int32"),
    U32(32, null, "torch.uint32"),
    F32(32, null, "torch.float32"),
    F64(64, null, "torch.float64"),
    I64(64, null, "torch.int64"),
    U64(64, null, "torch.uint64"),
    C64(64, null, "torch.complex64"),
    F8_E4M3(8, FloatFormat.FP8_E4M3FN, "torch.float8_e4m3fn"),
    F8_E5M2(8, FloatFormat.FP8_E5M2, "torch.float8_e5m2"),
    F8_E4M3FNUZ(8, FloatFormat.FP8_E4M3FNUZ, "torch.float8_e4m3fnuz"),
    F8_E5M2FNUZ(8, FloatFormat.FP8_E5M2FNUZ, "torch.float8_e5m2fnuz"),
    F8_E8M0(8, FloatFormat.E8M0, "torch.float8_e8m0fnu"),
    F6_E2M3(6, FloatFormat.FP6_E2M3, "float6_e2m3fn"),
    F6_E3M2(6, FloatFormat.FP6_E3M2, "float6_e3m2fn"),
    F4(4, FloatFormat.FP4_E2M1, "torch.float4_e2m1fn_x2");

    private final int bits;
    private final FloatFormat format;
    private final String torchName;

    DType(int bits, FloatFormat format, String torchName) {
        this.bits = bits;
        this.format = format;
        this.torchName = torchName;
    }

    /** Bits per element. */
    public int bits() {
        return bits;
    }

    /** The low-precision float format of this dtype (F16, BF16, F8*, F6*, F4), or null. */
    public FloatFormat floatFormat() {
        return format;
    }

    /** Whether elements are real floating-point numbers (F16..F64 and every F8/F6/F4 type). */
    public boolean isFloatingPoint() {
        return format != null || this == F32 || this == F64;
    }

    /** Whether elements are integers or booleans. */
    public boolean isInteger() {
        return !isFloatingPoint() && this != C64;
    }

    /** The name PyTorch prints for this dtype, e.g. {@code torch.float8_e4m3fn}. */
    public String torchName() {
        return torchName;
    }

    /** How many elements share a whole number of bytes: 2 for F4, 4 for F6, otherwise 1. */
    public int elementsPerByteGroup() {
        return bits == 4 ? 2 : bits == 6 ? 4 : 1;
    }

    /** Bytes taken by one group of {@link #elementsPerByteGroup()} elements. */
    public int bytesPerByteGroup() {
        return bits * elementsPerByteGroup() / 8;
    }

    /**
     * The number of bytes numel elements occupy.
     *
     * @throws ArithmeticException when numel elements do not fill whole bytes, or on overflow
     */
    public long byteSize(long numel) {
        long totalBits = Math.multiplyExact(numel, (long) bits);
        if (totalBits % 8 != 0) {
            throw new ArithmeticException(numel + " elements of " + name() + " do not fill whole bytes");
        }
        return totalBits / 8;
    }

    /** Parses a safetensors dtype name (exact, upper case as written in headers), or returns null. */
    public static DType fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * Parses a dtype given by a user: a safetensors name in any case, or a common alias such as
     * {@code float8_e4m3fn}, {@code fp8_e5m2}, {@code bf16}, {@code float16}.
     *
     * @throws IllegalArgumentException listing the accepted names
     */
    public static DType parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        DType d = fromSafetensors(t);
        if (d != null) {
            return d;
        }
        switch (t) {
            case "FLOAT32":
            case "FP32":
                return F32;
            case "FLOAT64":
            case "FP64":
                return F64;
            case "BFLOAT16":
                return BF16;
            case "FLOAT16":
            case "FP16":
            case "HALF":
                return F16;
            default:
                break;
        }
        FloatFormat f = FloatFormat.find(text);
        if (f != null) {
            for (DType x : values()) {
                if (x.format == f) {
                    return x;
                }
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + text + "'; expected one of: "
                + java.util.Arrays.toString(values()).replaceAll("[\\[\\]]", ""));
    }
}
