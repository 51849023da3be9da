package dev.qlens.cli.jobs.sweep;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A 128-bit content hash of the bytes behind a tensor (its data, scales and markers, with their names,
 * dtypes and shapes), for the sweep cache: two independent 64-bit multiply-rotate lanes over 8-byte
 * words. Not cryptographic; collisions between different tensors are astronomically unlikely.
 */
final class ContentHash {
    private static final long P1 = 0x9E3779B97F4A7C15L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;

    private long h1 = 0x243F6A8885A308D3L;
    private long h2 = 0x13198A2E03707344L;
    private long length;

    private ContentHash() {
    }

    /** The hex hash of a logical tensor's stored bytes. */
    static String of(Checkpoint c, LogicalTensor t) throws IOException {
        ContentHash h = new ContentHash();
        byte[] buf = new byte[1 << 20];
        for (String name : t.sources()) {
            TensorEntry e = c.tensor(name);
            if (e == null) {
                continue;
            }
            h.update((name + "|" + e.dtype() + "|" + java.util.Arrays.toString(e.shape()) + "|")
                    .getBytes(StandardCharsets.UTF_8), 0, -1);
            for (long off = 0; off < e.byteSize(); off += buf.length) {
                int n = (int) Math.min(buf.length, e.byteSize() - off);
                e.readBytes(off, buf, 0, n);
                h.update(buf, 0, n);
            }
        }
        return h.hex();
    }

    private void update(byte[] b, int off, int len) {
        if (len < 0) {
            len = b.length - off;
        }
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            long w = (b[i] & 0xFFL) | (b[i + 1] & 0xFFL) << 8 | (b[i + 2] & 0xFFL) << 16 | (b[i + 3] & 0xFFL) << 24
                    | (b[i + 4] & 0xFFL) << 32 | (b[i + 5] & 0xFFL) << 40 | (b[i + 6] & 0xFFL) << 48
                    | (b[i + 7] & 0xFFL) << 56;
            mix(w);
        }
        long tail = 0;
        for (int s = 0; i < end; i++, s += 8) {
            tail |= (b[i] & 0xFFL) << s;
        }
        mix(tail ^ ((long) (end - off) << 56));
        length += len;
    }

    private void mix(long w) {
        h1 = Long.rotateLeft(h1 ^ (w * P1), 31) * P2;
        h2 = Long.rotateLeft(h2 + (w * P3), 29) * P1 ^ h1;
    }

    private String hex() {
        long a = finish(h1 ^ length);
        long b = finish(h2 + length);
        return HexFormat.of().toHexDigits(a) + HexFormat.of().toHexDigits(b);
    }

    private static long finish(long x) {
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        x *= 0xC4CEB9FE1A85EC53L;
        return x ^ (x >>> 33);
    }
}
