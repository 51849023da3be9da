package dev.qlens.bench;

import dev.qlens.core.io.Npy;
import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.KnownSpectrumMatrix;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the matrix of {@link SvdBenchmark} (and its exact spectrum) as .npy files, so that peers
 * (scipy, torch) are measured on exactly the same values: {@code java -cp benchmarks.jar
 * dev.qlens.bench.SvdPeerData DIR}.
 */
public final class SvdPeerData {
    private SvdPeerData() {
    }

    /** Entry point: the output directory, optionally the size (default 4096). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        double[] s = KnownSpectrumMatrix.powerLaw(n, 0.5);
        FloatMatrix a = KnownSpectrumMatrix.of(n, n, s, 7);
        Npy.writeFloats(dir.resolve("svd" + n + ".npy"), new long[] {n, n}, a.data());
        float[] sf = new float[n];
        for (int i = 0; i < n; i++) {
            sf[i] = (float) s[i];
        }
        Npy.writeFloats(dir.resolve("svd" + n + "-spectrum.npy"), new long[] {n}, sf);
        System.out.println("wrote " + dir.resolve("svd" + n + ".npy"));
    }
}
