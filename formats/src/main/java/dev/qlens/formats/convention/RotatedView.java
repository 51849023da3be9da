package dev.qlens.formats.convention;

import dev.qlens.core.io.FloatView;
import dev.qlens.formats.comfy.ConvRot;
import java.io.IOException;

/**
 * Undoes ConvRot on the fly: reads the rotated (dequantized) weight in whole groups of g columns and
 * multiplies each group by the normalized Hadamard matrix H_g, which is its own inverse. Sums are taken
 * in float64 and rounded once to float32, as {@code qlens quantize} measures its layers.
 */
final class RotatedView implements FloatView {
    private final FloatView rotated;
    private final int group;
    private float[] buf = new float[0];
    private float[] out = new float[0];

    RotatedView(FloatView rotated, int group) {
        long[] s = rotated.shape();
        if (s.length != 2 || s[1] % group != 0) {
            throw new IllegalArgumentException("ConvRot needs a 2-D weight whose columns are a multiple of " + group);
        }
        this.rotated = rotated;
        this.group = group;
    }

    @Override
    public long[] shape() {
        return rotated.shape();
    }

    @Override
    public void read(long start, float[] dst, int off, int count) throws IOException {
        if (count == 0) {
            return;
        }
        long first = start / group * group;
        long end = (start + count + group - 1) / group * group;
        int n = (int) (end - first);
        if (buf.length < n) {
            buf = new float[n];
            out = new float[n];
        }
        rotated.read(first, buf, 0, n);
        ConvRot.rotateGroups(buf, 0, n, group, out, 0);
        System.arraycopy(out, (int) (start - first), dst, off, count);
    }
}
