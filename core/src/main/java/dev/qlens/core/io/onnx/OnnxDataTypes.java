package dev.qlens.core.io.onnx;

import dev.qlens.core.tensor.DType;

/** ONNX {@code TensorProto.DataType} codes and the dtypes qlens reads them as. */
final class OnnxDataTypes {
    private static final String[] NAMES = {
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING", "BOOL", "FLOAT16",
        "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16", "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ",
        "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1"};

    private OnnxDataTypes() {
    }

    /** The dtype for an ONNX data type code, or null when qlens cannot read it. */
    static DType toDType(int code) {
        switch (code) {
            case 1: return DType.F32;
            case 2: return DType.U8;
            case 3: return DType.I8;
            case 4: return DType.U16;
            case 5: return DType.I16;
            case 6: return DType.I32;
            case 7: return DType.I64;
            case 9: return DType.BOOL;
            case 10: return DType.F16;
            case 11: return DType.F64;
            case 12: return DType.U32;
            case 13: return DType.U64;
            case 14: return DType.C64;
            case 16: return DType.BF16;
            case 17: return DType.F8_E4M3;
            case 18: return DType.F8_E4M3FNUZ;
            case 19: return DType.F8_E5M2;
            case 20: return DType.F8_E5M2FNUZ;
            case 23: return DType.F4;
            default: return null;
        }
    }

    /** The ONNX name of a data type code. */
    static String describe(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] + " (" + code + ")" : "code " + code;
    }
}
