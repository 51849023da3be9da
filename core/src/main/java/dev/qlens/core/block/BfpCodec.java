package dev.qlens.core.block;

/**
 * Scalar reference codec of Tenstorrent's block floats bfloat8_b, bfloat4_b and bfloat2_b (tt-metal's
 * host packer).
 *
 * <p>Each group of 16 elements (one row of a 16 x 16 face) shares an 8-bit exponent E, the largest
 * float32 exponent field in the group. An element is sign-magnitude with no hidden bit and B-1
 * magnitude bits (B = 8, 4, 2); its value is (-1)^s * mag * 2^(E - 127 - (B - 2)). Encoding: the
 * 24-bit significand (hidden bit included) is shifted right by E - e, truncating; then rounded to
 * nearest even on the code's last bit (bits shifted out by the alignment are lost first, so double
 * rounding is possible, exactly as tt-metal does); then clamped to the largest magnitude (the shared
 * exponent never grows). A zero magnitude is stored without sign. Inputs whose exponent field is 0
 * (zeros and float32 subnormals) encode as 0 in tt-metal's current packer; the legacy packer encodes
 * ±0 as 0 but gives subnormals an implicit leading 1, as if they were 1.f * 2^-127.
 *
 * <p>Tiles of 32 x 32 are packed self-contained: 64 exponent bytes (one per 16-element row, little
 * endian inside uint32 words, i.e. byte r is row r), then the rows' codes, 16 per row packed LSB first
 * (bfp8: byte i is code i; bfp4: code 2k in the low nibble; bfp2: code 4k in bits 0-1). Row r is
 * face r / 16, row r % 16 of that face; faces are 0 = rows 0-15 x cols 0-15, 1 = rows 0-15 x cols
 * 16-31, 2 = rows 16-31 x cols 0-15, 3 = rows 16-31 x cols 16-31.
 */
public final class BfpCodec {
    /** Elements per shared exponent. */
    public static final int GROUP = 16;
    /** Tile side. */
    public static final int TILE = 32;
    /** Exponent bytes per tile. */
    public static final int EXPONENT_BYTES = 64;

    private BfpCodec() {
    }

    /** Bytes of one packed tile: 1088 (bfp8), 576 (bfp4), 320 (bfp2). */
    public static int tileBytes(int bits) {
        return EXPONENT_BYTES + TILE * TILE * bits / 8;
    }

    /**
     * Encodes one group of up to 16 values (a shorter group behaves as if padded with zeros).
     *
     * @param bits B: 8, 4 or 2
     * @param flushSubnormals true for tt-metal's current packer, false for the legacy one
     * @param codes receives one code per element (sign in bit B-1)
     * @return the shared exponent E
     */
    public static int encodeGroup(float[] x, int off, int n, int bits, boolean flushSubnormals, byte[] codes, int codesOff) {
        int shared = 0;
        for (int i = 0; i < n; i++) {
            shared = Math.max(shared, (Float.floatToRawIntBits(x[off + i]) >>> 23) & 0xFF);
        }
        int shift = 25 - bits;
        int maxMag = (1 << (bits - 1)) - 1;
        int bias = (1 << (shift - 1)) - 1;
        for (int i = 0; i < n; i++) {
            int u = Float.floatToRawIntBits(x[off + i]);
            int e = (u >>> 23) & 0xFF;
            int code = 0;
            boolean zero = flushSubnormals ? e == 0 : (u & 0x7FFFFFFF) == 0;
            if (!zero) {
                int mag = (u & 0x7FFFFF) | 0x800000;
                int d = shared - e;
                mag = d >= 32 ? 0 : mag >>> d;
                mag = Math.min((mag + bias + ((mag >>> shift) & 1)) >>> shift, maxMag);
                code = mag == 0 ? 0 : mag | ((u >>> 31) << (bits - 1));
            }
            codes[codesOff + i] = (byte) code;
        }
        return shared;
    }

    /**
     * The value of one code: (-1)^s * mag * 2^(E - 127 - (B - 2)), exactly (tt-metal builds the same
     * float32 bits when E is large enough; below that its host unpacker wraps and its device
     * unpacker flushes to 0, while this is the exact value, possibly subnormal).
     */
    public static float decode(int code, int shared, int bits) {
        int mag = code & ((1 << (bits - 1)) - 1);
        boolean negative = ((code >>> (bits - 1)) & 1) != 0;
        float v;
        if (mag == 0) {
            v = 0f;
        } else if (shared == 0xFF) {
            // tt-metal rebuilds the float bits: exponent 255 with the mantissa below the leading 1.
            int p = 31 - Integer.numberOfLeadingZeros(mag);
            int mant = (mag << (23 - p)) & 0x7FFFFF;
            v = Float.intBitsToFloat(0x7F800000 | mant);
        } else {
            v = (float) Math.scalb((double) mag, shared - 127 - (bits - 2));
        }
        return negative ? -v : v;
    }

    /** Packs one 32 x 32 tile given in row-major order (1024 values) into {@code out}. */
    public static void packTile(float[] tile, int off, int bits, boolean flushSubnormals, byte[] out, int outOff) {
        byte[] codes = new byte[GROUP];
        int dataOff = outOff + EXPONENT_BYTES;
        int rowBytes = GROUP * bits / 8;
        float[] row = new float[GROUP];
        for (int r = 0; r < 64; r++) {
            int face = r / 16;
            int y = (face / 2) * 16 + r % 16;
            int x0 = (face % 2) * 16;
            System.arraycopy(tile, off + y * TILE + x0, row, 0, GROUP);
            out[outOff + r] = (byte) encodeGroup(row, 0, GROUP, bits, flushSubnormals, codes, 0);
            packRow(codes, 0, bits, out, dataOff + r * rowBytes);
        }
    }

    /** Unpacks one tile into 1024 row-major values. */
    public static void unpackTile(byte[] in, int inOff, int bits, float[] tile, int off) {
        int rowBytes = GROUP * bits / 8;
        int dataOff = inOff + EXPONENT_BYTES;
        for (int r = 0; r < 64; r++) {
            int face = r / 16;
            int y = (face / 2) * 16 + r % 16;
            int x0 = (face % 2) * 16;
            int shared = in[inOff + r] & 0xFF;
            for (int i = 0; i < GROUP; i++) {
                int code = code(in, dataOff + r * rowBytes, i, bits);
                tile[off + y * TILE + x0 + i] = decode(code, shared, bits);
            }
        }
    }

    /** The codes of one tile in row-major order (1024 codes) and the 64 row exponents. */
    public static void tileCodes(byte[] in, int inOff, int bits, byte[] codes, int codesOff, int[] exponents) {
        int rowBytes = GROUP * bits / 8;
        for (int r = 0; r < 64; r++) {
            int face = r / 16;
            int y = (face / 2) * 16 + r % 16;
            int x0 = (face % 2) * 16;
            if (exponents != null) {
                exponents[r] = in[inOff + r] & 0xFF;
            }
            for (int i = 0; i < GROUP; i++) {
                codes[codesOff + y * TILE + x0 + i] = (byte) code(in, inOff + EXPONENT_BYTES + r * rowBytes, i, bits);
            }
        }
    }

    /** Packs the 16 codes of one row (one code per byte) into 16 * bits / 8 bytes, LSB first. */
    public static void packRow(byte[] codes, int codesOff, int bits, byte[] out, int off) {
        int perByte = 8 / bits;
        int mask = (1 << bits) - 1;
        for (int b = 0; b < GROUP / perByte; b++) {
            int v = 0;
            for (int k = 0; k < perByte; k++) {
                v |= (codes[codesOff + b * perByte + k] & mask) << (k * bits);
            }
            out[off + b] = (byte) v;
        }
    }

    private static int code(byte[] in, int rowOff, int i, int bits) {
        int perByte = 8 / bits;
        int b = in[rowOff + i / perByte] & 0xFF;
        return (b >>> ((i % perByte) * bits)) & ((1 << bits) - 1);
    }
}
