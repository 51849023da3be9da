package dev.qlens.core.kernel;

/** Little-endian reads and writes on byte arrays. */
public final class LittleEndian {
    private LittleEndian() {
    }

    /** Unsigned 16-bit value at {@code off}. */
    public static int getShort(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    /** 32-bit value at {@code off}. */
    public static int getInt(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    /** 64-bit value at {@code off}. */
    public static long getLong(byte[] b, int off) {
        return (getInt(b, off) & 0xFFFFFFFFL) | ((long) getInt(b, off + 4)) << 32;
    }

    /** Writes the low 16 bits of v. */
    public static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    /** Writes v. */
    public static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** Writes v. */
    public static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) v);
        putInt(b, off + 4, (int) (v >>> 32));
    }
}
