package dev.qlens.bench;

import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.KnownSpectrumMatrix;
import dev.qlens.core.linalg.TruncatedSvd;
import dev.qlens.core.linalg.Workers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Top-64 singular triplets of a 4096 x 4096 float32 matrix with the flat spectrum s_i = (1 + i)^-1/2
 * (dense random singular vectors, {@link KnownSpectrumMatrix}), on one thread. The setup prints the
 * largest relative error of the 64 values against the exact spectrum, so time and accuracy come from
 * the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g",
    "-XX:+UnlockDiagnosticVMOptions", "-XX:CompileCommand=quiet",
    "-XX:CompileCommand=dontinline,dev.qlens.simd.VGemmKernel::*"})
public class SvdBenchmark {
    /** Matrix size. */
    @Param({"4096"})
    public int n;

    /** Triplets. */
    @Param({"64"})
    public int k;

    private Workers workers;
    private TruncatedSvd svd;
    private FloatMatrix a;
    private double[] spectrum;

    @Setup
    public void setup() {
        workers = Workers.single();
        svd = new TruncatedSvd(Gemm.using(workers));
        spectrum = KnownSpectrumMatrix.powerLaw(n, 0.5);
        a = KnownSpectrumMatrix.of(n, n, spectrum, 7);
        System.out.printf("%nlanczos (tol 1e-5): max relative error %.2e%n", maxError(lanczos()));
        System.out.printf("randomized (defaults): max relative error %.2e%n", maxError(randomized()));
    }

    private double maxError(TruncatedSvd.Result r) {
        double max = 0;
        for (int i = 0; i < k; i++) {
            max = Math.max(max, Math.abs(r.values()[i] - spectrum[i]) / spectrum[i]);
        }
        return max;
    }

    @TearDown
    public void tearDown() {
        workers.close();
    }

    /** Block Lanczos to a relative error of 1e-5. */
    @Benchmark
    public TruncatedSvd.Result lanczos() {
        return svd.lanczos(a, k, 1e-5, TruncatedSvd.LanczosOptions.defaults(k));
    }

    /** Randomized block Krylov with the default oversampling and power iterations. */
    @Benchmark
    public TruncatedSvd.Result randomized() {
        return svd.randomized(a, k, 42);
    }
}
