package dev.qlens.formats.convention;

import dev.qlens.core.io.FloatView;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.numeric.FloatFormat;
import java.io.IOException;

/**
 * E2M1 codes packed two per byte in a U8 (or F4) tensor of shape [rows, cols / 2], read as a
 * [rows, cols] float view of the unscaled E2M1 values. ModelOpt and PyTorch's float4_e2m1fn_x2 put
 * element 2k in the low nibble; ComfyUI's comfy-kitchen puts it in the high nibble. The two also
 * disagree on the sign of code 0x8: comfy-kitchen's table decodes it as -0.0, ModelOpt's as +0.0.
 */
public final class PackedFp4View implements FloatView {
    private static final float[] E2M1 = new float[16];

    static {
        for (int c = 0; c < 16; c++) {
            E2M1[c] = FloatFormat.FP4_E2M1.decode(c);
        }
    }

    private static final float[] E2M1_UNSIGNED_ZERO = E2M1.clone();

    static {
        E2M1_UNSIGNED_ZERO[8] = 0.0f;
    }

    private final TensorEntry packed;
    private final boolean highNibbleFirst;
    private final float[] table;
    private final long[] shape;
    private byte[] bytes = new byte[0];

    /**
     * @param packed the packed bytes, 2-D [rows, cols / 2]
     * @param highNibbleFirst whether element 2k sits in the high nibble
     * @param negativeZero whether code 0x8 decodes to -0.0 (comfy-kitchen) rather than +0.0 (ModelOpt)
     */
    public PackedFp4View(TensorEntry packed, boolean highNibbleFirst, boolean negativeZero) {
        long[] s = packed.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("packed FP4 data must be 2-D, not " + java.util.Arrays.toString(s));
        }
        this.packed = packed;
        this.highNibbleFirst = highNibbleFirst;
        this.table = negativeZero ? E2M1 : E2M1_UNSIGNED_ZERO;
        boolean isF4 = packed.dtype() == dev.qlens.core.tensor.DType.F4;
        this.shape = new long[] {s[0], isF4 ? s[1] : s[1] * 2};
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public void read(long start, float[] dst, int off, int count) throws IOException {
        if (count == 0) {
            return;
        }
        long firstByte = start >> 1;
        long lastByte = (start + count - 1) >> 1;
        int n = (int) (lastByte - firstByte + 1);
        if (bytes.length < n) {
            bytes = new byte[n];
        }
        packed.readBytes(firstByte, bytes, 0, n);
        int lowShift = highNibbleFirst ? 4 : 0;
        int highShift = highNibbleFirst ? 0 : 4;
        for (int i = 0; i < count; i++) {
            long e = start + i;
            int b = bytes[(int) ((e >> 1) - firstByte)] & 0xFF;
            int code = ((e & 1) == 0 ? b >>> lowShift : b >>> highShift) & 0xF;
            dst[off + i] = table[code];
        }
    }
}
