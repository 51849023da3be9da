package dev.qlens.bench;

import dev.qlens.core.io.safetensors.SafetensorsWriter;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a synthetic BF16 checkpoint shaped like a Flux-size diffusion transformer's blocks (per block:
 * four 3072 x 3072 attention projections, a 12288 x 3072 and a 3072 x 12288 MLP weight, biases and
 * norms), for the end-to-end {@code qlens quantize} benchmark. Ten blocks are 2.26 GB.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.qlens.bench.SyntheticBf16Checkpoint OUT [BLOCKS]}
 */
public final class SyntheticBf16Checkpoint {
    private SyntheticBf16Checkpoint() {
    }

    /** Writes the file unless it exists with the expected size. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        if (Files.exists(out)) {
            System.out.println(out + " exists (" + Files.size(out) + " bytes); delete it to write it again");
            return;
        }
        Kernels k = KernelProvider.get();
        SafetensorsWriter w = SafetensorsWriter.to(out);
        int d = 3072;
        for (int b = 0; b < blocks; b++) {
            String p = "double_blocks." + b + ".";
            for (String n : new String[] {"img_attn.q", "img_attn.k", "img_attn.v", "img_attn.proj"}) {
                add(w, k, p + n + ".weight", d, d, 31L * b + n.hashCode());
                add(w, k, p + n + ".bias", 1, d, 17L * b + n.hashCode());
            }
            add(w, k, p + "img_mlp.0.weight", 4 * d, d, 7L * b + 1);
            add(w, k, p + "img_mlp.2.weight", d, 4 * d, 7L * b + 2);
            add(w, k, p + "img_norm.scale", 1, d, 7L * b + 3);
        }
        w.write();
        System.out.println("wrote " + out + " (" + Files.size(out) + " bytes)");
    }

    private static void add(SafetensorsWriter w, Kernels k, String name, int rows, int cols, long seed) {
        long[] shape = rows == 1 ? new long[] {cols} : new long[] {rows, cols};
        w.add(new SafetensorsWriter.TensorSpec(name, DType.BF16, shape, sink -> {
            SplittableRandom r = new SplittableRandom(seed);
            float[] row = new float[cols];
            byte[] bytes = new byte[2 * cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double g = (r.nextDouble() + r.nextDouble() + r.nextDouble() + r.nextDouble() - 2) * Math.sqrt(3);
                    row[j] = (float) (g * 0.02 * (r.nextInt(1000) == 0 ? 10 : 1));
                }
                k.encode(DType.BF16, row, 0, bytes, 0, cols, EncodeMode.DEFAULT, 0);
                sink.write(bytes, 0, bytes.length);
            }
        }));
    }
}
