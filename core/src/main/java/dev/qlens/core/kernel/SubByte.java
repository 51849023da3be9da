package dev.qlens.core.kernel;

/**
 * Packing of 6-bit codes into a little-endian bit stream: element i occupies bits 6i .. 6i+5,
 * least significant bit first, so four codes fill three bytes.
 */
public final class SubByte {
    private SubByte() {
    }

    /** The 6-bit code of element i of the stream starting at byte {@code base}. */
    public static int get6(byte[] b, int base, int i) {
        int bit = 6 * i;
        int off = base + (bit >> 3);
        int shift = bit & 7;
        int v = b[off] & 0xFF;
        if (shift > 2) {
            v |= (b[off + 1] & 0xFF) << 8;
        }
        return (v >>> shift) & 0x3F;
    }

    /** Stores the 6-bit code of element i (other bits are preserved). */
    public static void put6(byte[] b, int base, int i, int code) {
        int bit = 6 * i;
        int off = base + (bit >> 3);
        int shift = bit & 7;
        int v = (b[off] & 0xFF) | (shift > 2 ? (b[off + 1] & 0xFF) << 8 : 0);
        v = (v & ~(0x3F << shift)) | ((code & 0x3F) << shift);
        b[off] = (byte) v;
        if (shift > 2) {
            b[off + 1] = (byte) (v >>> 8);
        }
    }
}
