package dev.qlens.formats.convention;

import dev.qlens.core.io.FloatView;
import java.io.IOException;

/**
 * Dequantizes stored codes with broadcast scales and optional zero points:
 * {@code value = (code - zero_point) * scale}, in float32, one rounding (the order of ComfyUI's
 * {@code q.float() * scale} and of ONNX DequantizeLinear).
 */
public final class ScaledDequantView implements FloatView {
    private final FloatView codes;
    private final float[] scales;
    private final float[] zeroPoints;
    private final ScaleBroadcast broadcast;
    private int[] index = new int[0];

    /**
     * @param codes the stored values decoded to float32 (exact for integer and FP8 codes)
     * @param scales the scale tensor, flattened
     * @param zeroPoints the zero points (same layout as scales) or null
     * @param broadcast how scales map to elements
     */
    public ScaledDequantView(FloatView codes, float[] scales, float[] zeroPoints, ScaleBroadcast broadcast) {
        this.codes = codes;
        this.scales = scales;
        this.zeroPoints = zeroPoints;
        this.broadcast = broadcast;
    }

    @Override
    public long[] shape() {
        return codes.shape();
    }

    @Override
    public void read(long start, float[] dst, int off, int count) throws IOException {
        codes.read(start, dst, off, count);
        if (broadcast.perTensor()) {
            float s = scales[0];
            if (zeroPoints == null || zeroPoints[0] == 0f) {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = dst[off + i] * s;
                }
            } else {
                float z = zeroPoints[0];
                for (int i = 0; i < count; i++) {
                    dst[off + i] = (dst[off + i] - z) * s;
                }
            }
            return;
        }
        if (index.length < count) {
            index = new int[count];
        }
        broadcast.indices(start, index, count);
        if (zeroPoints == null) {
            for (int i = 0; i < count; i++) {
                dst[off + i] = dst[off + i] * scales[index[i]];
            }
        } else {
            for (int i = 0; i < count; i++) {
                int k = index[i];
                dst[off + i] = (dst[off + i] - zeroPoints[k]) * scales[k];
            }
        }
    }
}
