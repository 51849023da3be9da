package dev.qlens.cli.quantize;

import dev.qlens.core.testing.SafetensorsBuilder;
import dev.qlens.core.tensor.DType;
import dev.qlens.formats.comfy.TorchDtype;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/** Small synthetic checkpoints shaped like diffusion and text-encoder models, in bf16. */
final class TestModels {
    private TestModels() {
    }

    /** bf16 little-endian bytes of Gaussian values (std 0.02, a few outliers). */
    static byte[] bf16(Random r, int n, double std) {
        byte[] b = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            double v = r.nextGaussian() * std * (r.nextInt(200) == 0 ? 20 : 1);
            int bits = Float.floatToRawIntBits(TorchDtype.bf16((float) v));
            b[2 * i] = (byte) (bits >>> 16);
            b[2 * i + 1] = (byte) (bits >>> 24);
        }
        return b;
    }

    /**
     * Two transformer blocks with biases and norms (one linear of 100 x 72, which NVFP4 and MXFP8 pad),
     * an embedding table, a T5-style decoder layer and a final layer; header metadata "modelspec.title".
     */
    static Path diffusionLike(Path file) throws IOException {
        Random r = new Random(5);
        SafetensorsBuilder b = new SafetensorsBuilder().meta("modelspec.title", "tiny test model");
        b.raw("embed.word_embeddings.weight", DType.BF16, new long[] {50, 64}, bf16(r, 50 * 64, 0.05));
        for (int i = 0; i < 2; i++) {
            String p = "blocks." + i + ".";
            b.raw(p + "norm1.weight", DType.BF16, new long[] {64}, bf16(r, 64, 1));
            b.raw(p + "attn.qkv.weight", DType.BF16, new long[] {192, 64}, bf16(r, 192 * 64, 0.02));
            b.raw(p + "attn.qkv.bias", DType.BF16, new long[] {192}, bf16(r, 192, 0.01));
            b.raw(p + "attn.proj.weight", DType.BF16, new long[] {64, 64}, bf16(r, 64 * 64, 0.02));
            b.raw(p + "mlp.fc1.weight", DType.BF16, new long[] {256, 64}, bf16(r, 256 * 64, 0.02));
            b.raw(p + "mlp.fc1.bias", DType.BF16, new long[] {256}, bf16(r, 256, 0.01));
            b.raw(p + "mlp.fc2.weight", DType.BF16, new long[] {64, 256}, bf16(r, 64 * 256, 0.02));
        }
        b.raw("odd.weight", DType.BF16, new long[] {100, 72}, bf16(r, 100 * 72, 0.03));
        b.raw("decoder.block.0.weight", DType.BF16, new long[] {64, 64}, bf16(r, 64 * 64, 0.02));
        b.raw("final_layer.linear.weight", DType.BF16, new long[] {32, 64}, bf16(r, 32 * 64, 0.02));
        b.raw("conv.weight", DType.BF16, new long[] {8, 4, 3, 3}, bf16(r, 8 * 4 * 9, 0.1));
        b.raw("step", DType.I64, new long[] {1}, new byte[8]);
        return b.write(file);
    }
}
