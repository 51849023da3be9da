package dev.qlens.formats.convention;

import dev.qlens.core.testing.TestVectors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** The ModelOpt NVFP4 golden cases of {@code blocks/nvfp4/nvfp4_cases.bin}. */
public final class Nvfp4Cases {
    /** One case: inputs, E4M3 block scales, packed codes (even element in the low nibble), dequantized values. */
    public record Case(String name, int rows, int cols, float amax, float globalScale, float[] x, byte[] blockScales,
                       byte[] packed, float[] deq) {
    }

    private static final String[] NAMES = {"gauss_64x128", "zeros_outlier_32x64", "wide_16x256", "tiny_8x64",
        "large_8x64", "ties_8x64"};

    private Nvfp4Cases() {
    }

    /** Parses every case; fails if the file has trailing or missing bytes. */
    public static List<Case> load() {
        ByteBuffer b = ByteBuffer.wrap(TestVectors.bytes("blocks/nvfp4/nvfp4_cases.bin")).order(ByteOrder.LITTLE_ENDIAN);
        List<Case> out = new ArrayList<>();
        int k = 0;
        while (b.hasRemaining()) {
            int rows = b.getInt();
            int cols = b.getInt();
            float amax = b.getFloat();
            float global = b.getFloat();
            int n = rows * cols;
            float[] x = new float[n];
            b.asFloatBuffer().get(x);
            b.position(b.position() + 4 * n);
            byte[] scales = new byte[n / 16];
            b.get(scales);
            byte[] packed = new byte[n / 2];
            b.get(packed);
            float[] deq = new float[n];
            b.asFloatBuffer().get(deq);
            b.position(b.position() + 4 * n);
            out.add(new Case(k < NAMES.length ? NAMES[k] : "case" + k, rows, cols, amax, global, x, scales, packed, deq));
            k++;
        }
        if (out.size() != NAMES.length) {
            throw new IllegalStateException("expected " + NAMES.length + " NVFP4 cases, found " + out.size());
        }
        return out;
    }
}
