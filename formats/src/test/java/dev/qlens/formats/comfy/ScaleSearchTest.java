package dev.qlens.formats.comfy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.tensor.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Scale search never does worse than the format's own scales, and on heavy-tailed weights does better. */
class ScaleSearchTest {
    static float[] heavyTailed(int n, long seed) {
        Random r = new Random(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            double v = r.nextGaussian() * 0.02;
            if (r.nextInt(100) == 0) {
                v *= 12;
            }
            w[i] = TorchDtype.bf16((float) v);
        }
        return w;
    }

    @Test
    void searchedScalesReconstructBetterThanTheDefaultOnes() {
        CodecSpec[] specs = {new CodecSpec(ComfyFormat.INT8_TENSORWISE, true, 0, 128),
            new CodecSpec(ComfyFormat.INT8_TENSORWISE, false, 0, 128), new CodecSpec(ComfyFormat.INT8_TENSORWISE, true, 64, 128),
            CodecSpec.of(ComfyFormat.NVFP4), CodecSpec.of(ComfyFormat.MXFP8), new CodecSpec(ComfyFormat.CONVROT_W4A4, false, 64, 128)};
        for (CodecSpec spec : specs) {
            float[] w = heavyTailed(96 * 128, 3);
            LayerCodec codec = spec.codec();
            QLayer plain = codec.prepare("l", w, 96, 128, DType.BF16);
            codec.quantize(plain, false);
            QLayer searched = codec.prepare("l", w, 96, 128, DType.BF16);
            codec.quantize(searched, true);
            double a = LearnedRoundingTest.error(codec, plain, w);
            double b = LearnedRoundingTest.error(codec, searched, w);
            assertTrue(b <= a * (1 + 1e-9), spec.describe() + ": " + b + " > " + a);
            // MXFP8: the ceiling exponent never clips, and E4M3 is fine enough that clipping rarely pays.
            if (spec.format() != ComfyFormat.MXFP8 && (spec.format() != ComfyFormat.INT8_TENSORWISE || spec.perRow())) {
                assertTrue(b < a, spec.describe() + " found nothing better: " + b + " vs " + a);
            }
        }
    }
}
