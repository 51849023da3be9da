package dev.qlens.formats.comfy;

import dev.qlens.core.kernel.LittleEndian;

/** float32 arrays as little-endian bytes. */
final class Floats {
    private Floats() {
    }

    /** Little-endian float32 bytes of the values. */
    static byte[] toBytes(float[] v) {
        byte[] b = new byte[4 * v.length];
        for (int i = 0; i < v.length; i++) {
            LittleEndian.putInt(b, 4 * i, Float.floatToRawIntBits(v[i]));
        }
        return b;
    }

    /** The float32 values of little-endian bytes. */
    static float[] fromBytes(byte[] b) {
        float[] v = new float[b.length / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(LittleEndian.getInt(b, 4 * i));
        }
        return v;
    }
}
