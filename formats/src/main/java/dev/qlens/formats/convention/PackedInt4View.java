package dev.qlens.formats.convention;

import dev.qlens.core.io.FloatView;
import dev.qlens.core.io.TensorEntry;
import java.io.IOException;

/**
 * Signed int4 values packed two per byte with the even column in the low nibble (ComfyUI's W4A4 and
 * W4A8 layouts), stored as an int8 tensor [rows, cols / 2] and read as a [rows, cols] view of the
 * integers (-8 .. 7) as float32.
 */
final class PackedInt4View implements FloatView {
    private final TensorEntry packed;
    private final long[] shape;
    private byte[] bytes = new byte[0];

    PackedInt4View(TensorEntry packed) {
        long[] s = packed.shape();
        if (s.length != 2) {
            throw new IllegalArgumentException("packed int4 data must be 2-D");
        }
        this.packed = packed;
        this.shape = new long[] {s[0], s[1] * 2};
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
        int n = (int) (((start + count - 1) >> 1) - firstByte + 1);
        if (bytes.length < n) {
            bytes = new byte[n];
        }
        packed.readBytes(firstByte, bytes, 0, n);
        for (int i = 0; i < count; i++) {
            long e = start + i;
            int b = bytes[(int) ((e >> 1) - firstByte)];
            int nibble = (e & 1) == 0 ? b & 0xF : (b >> 4) & 0xF;
            dst[off + i] = (nibble << 28) >> 28;
        }
    }
}
