package dev.qlens.formats.catalog;

/**
 * Element code packing: codes of up to 8 bits form a little-endian bit stream (element i occupies
 * bits [b*i, b*i + b), LSB first; so 4-bit codes put element 2k in the low nibble, 6-bit codes put
 * four elements in three bytes, and 8-bit codes are one byte each); codes of 9 to 16 bits are
 * little-endian 16-bit words.
 */
public final class CodePacking {
    private CodePacking() {
    }

    /** Bytes needed for n codes of {@code bits} bits. */
    public static long bytes(long n, int bits) {
        return bits > 8 ? 2 * n : (n * bits + 7) / 8;
    }

    /** Stores code {@code code} of element i. */
    public static void put(byte[] out, long i, int bits, int code) {
        if (bits > 8) {
            out[(int) (2 * i)] = (byte) code;
            out[(int) (2 * i + 1)] = (byte) (code >>> 8);
            return;
        }
        long bit = i * bits;
        int mask = (1 << bits) - 1;
        int v = code & mask;
        int idx = (int) (bit >>> 3);
        int shift = (int) (bit & 7);
        out[idx] = (byte) ((out[idx] & ~(mask << shift)) | (v << shift));
        if (shift + bits > 8) {
            int rest = shift + bits - 8;
            out[idx + 1] = (byte) ((out[idx + 1] & ~((1 << rest) - 1)) | (v >>> (bits - rest)));
        }
    }

    /** The code of element i. */
    public static int get(byte[] in, long i, int bits) {
        if (bits > 8) {
            return (in[(int) (2 * i)] & 0xFF) | (in[(int) (2 * i + 1)] & 0xFF) << 8;
        }
        long bit = i * bits;
        int idx = (int) (bit >>> 3);
        int shift = (int) (bit & 7);
        int v = (in[idx] & 0xFF) >>> shift;
        if (shift + bits > 8) {
            v |= (in[idx + 1] & 0xFF) << (8 - shift);
        }
        return v & ((1 << bits) - 1);
    }
}
