package dev.qlens.bench;

import dev.qlens.core.io.safetensors.SafetensorsWriter;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A synthetic checkpoint pair for the compare benchmark: an original in BF16 and its ComfyUI FP8
 * twin (per-tensor scale, {@code comfy_quant} markers), made of 4096 x 4096 weight matrices. The files
 * are written once and reused while their size matches.
 */
public final class SyntheticPair {
    /** Rows and columns of every matrix. */
    static final int SIDE = 4096;

    private SyntheticPair() {
    }

    /** The two files. */
    public record Files2(Path original, Path quantized, long bytes) {
    }

    /**
     * Writes (or reuses) a pair with {@code matrices} weight matrices in {@code dir}: 48 MiB per matrix
     * across both files (32 MiB BF16 + 16 MiB FP8).
     */
    public static Files2 create(Path dir, int matrices) throws IOException {
        Files.createDirectories(dir);
        Path orig = dir.resolve("original-bf16-" + matrices + ".safetensors");
        Path quant = dir.resolve("comfy-fp8-" + matrices + ".safetensors");
        if (!Files.exists(orig) || !Files.exists(quant)) {
            write(orig, quant, matrices);
        }
        return new Files2(orig, quant, Files.size(orig) + Files.size(quant));
    }

    private static void write(Path orig, Path quant, int matrices) throws IOException {
        Kernels k = KernelProvider.get();
        SafetensorsWriter a = SafetensorsWriter.to(orig).overwrite(true);
        SafetensorsWriter b = SafetensorsWriter.to(quant).overwrite(true);
        byte[] marker = "{\"format\": \"float8_e4m3fn\"}".getBytes(StandardCharsets.UTF_8);
        long[] shape = {SIDE, SIDE};
        for (int m = 0; m < matrices; m++) {
            String name = "model.layers." + m + ".mlp.weight";
            long seed = 1000 + m;
            float scale = amax(seed) / 448f;
            a.add(new SafetensorsWriter.TensorSpec(name, DType.BF16, shape, sink -> stream(seed, k, sink, DType.BF16, 1f)));
            b.add(new SafetensorsWriter.TensorSpec(name, DType.F8_E4M3, shape,
                    sink -> stream(seed, k, sink, DType.F8_E4M3, scale)));
            b.add(new SafetensorsWriter.TensorSpec("model.layers." + m + ".mlp.weight_scale", DType.F32, new long[0],
                    sink -> {
                        int bits = Float.floatToRawIntBits(scale);
                        sink.write(new byte[] {(byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)},
                                0, 4);
                    }));
            b.add(new SafetensorsWriter.TensorSpec("model.layers." + m + ".mlp.comfy_quant", DType.U8,
                    new long[] {marker.length}, sink -> sink.write(marker, 0, marker.length)));
        }
        a.write();
        b.write();
    }

    /** Row by row: Gaussian weights (std 0.02), divided by scale, encoded to the dtype. */
    private static void stream(long seed, Kernels k, SafetensorsWriter.ByteSink sink, DType dtype, float scale)
            throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        float[] row = new float[SIDE];
        byte[] out = new byte[SIDE * 2];
        for (int i = 0; i < SIDE; i++) {
            for (int j = 0; j < SIDE; j++) {
                row[j] = (float) (gaussianish(r) * 0.02) / scale;
            }
            k.encode(dtype, row, 0, out, 0, SIDE, EncodeMode.SATURATING, 0);
            sink.write(out, 0, (int) dtype.byteSize(SIDE));
        }
    }

    private static float amax(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double m = 0;
        for (long i = 0; i < (long) SIDE * SIDE; i++) {
            m = Math.max(m, Math.abs(gaussianish(r) * 0.02));
        }
        return (float) m;
    }

    /** A cheap bell-shaped variate (sum of four uniforms, unit variance). */
    private static double gaussianish(SplittableRandom r) {
        return (r.nextDouble() + r.nextDouble() + r.nextDouble() + r.nextDouble() - 2) * Math.sqrt(3);
    }
}
