package dev.qlens.formats.comfy;

/**
 * A format with its options, as chosen on the command line or per layer.
 *
 * @param format the ComfyUI format
 * @param perRow {@code int8_tensorwise} with one scale per row (else per tensor)
 * @param convrot ConvRot group size for {@code int8_tensorwise} (0: none) and {@code convrot_w4a4}
 * @param groupSize tile size of the seed tool's block formats
 */
public record CodecSpec(ComfyFormat format, boolean perRow, int convrot, int groupSize) {
    /** The seed tool's default tile of its block formats. */
    public static final int DEFAULT_GROUP = 128;
    /** ComfyUI's default ConvRot group. */
    public static final int DEFAULT_CONVROT = 256;

    /** Validates the combination. */
    public CodecSpec {
        if (convrot != 0) {
            ConvRot.checkGroup(convrot);
            if (format != ComfyFormat.INT8_TENSORWISE && format != ComfyFormat.CONVROT_W4A4) {
                throw new IllegalArgumentException("ConvRot applies to int8_tensorwise and convrot_w4a4 only, not "
                        + format.cliName());
            }
            if (format == ComfyFormat.INT8_TENSORWISE && !perRow) {
                throw new IllegalArgumentException("ConvRot needs --scaling-mode row: ComfyUI rotates only per-row INT8");
            }
        }
        if (perRow && format != ComfyFormat.INT8_TENSORWISE) {
            throw new IllegalArgumentException("--scaling-mode row applies to int8_tensorwise only (use "
                    + "float8_e4m3fn_rowwise for the seed tool's row-scaled FP8)");
        }
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be positive, not " + groupSize);
        }
    }

    /** The format with default options (ConvRot 256 for convrot_w4a4, per-tensor INT8, group 128). */
    public static CodecSpec of(ComfyFormat format) {
        return new CodecSpec(format, false, format == ComfyFormat.CONVROT_W4A4 ? DEFAULT_CONVROT : 0, DEFAULT_GROUP);
    }

    /** A new codec for this specification. */
    public LayerCodec codec() {
        switch (format) {
            case FLOAT8_E4M3FN:
            case FLOAT8_E5M2:
            case SCALED_FP8:
                return new Fp8TensorCodec(format);
            case INT8_TENSORWISE:
                return new Int8TensorwiseCodec(perRow, convrot);
            case NVFP4:
                return new Nvfp4LayerCodec();
            case MXFP8:
                return new Mxfp8LayerCodec();
            case CONVROT_W4A4:
                return new ConvRotW4A4Codec(convrot == 0 ? DEFAULT_CONVROT : convrot);
            default:
                return new CtqBlockCodec(format, groupSize);
        }
    }

    /** A short description for reports, e.g. {@code int8_tensorwise (row, ConvRot 256)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(format.cliName());
        if (format == ComfyFormat.INT8_TENSORWISE) {
            sb.append(perRow ? " (row" : " (tensor").append(convrot != 0 ? ", ConvRot " + convrot : "").append(')');
        } else if (format == ComfyFormat.CONVROT_W4A4) {
            sb.append(" (ConvRot ").append(convrot == 0 ? DEFAULT_CONVROT : convrot).append(')');
        } else if (format == ComfyFormat.FLOAT8_E4M3FN_BLOCKWISE || format == ComfyFormat.INT8_BLOCKWISE) {
            sb.append(" (group ").append(groupSize).append(')');
        }
        return sb.toString();
    }
}
