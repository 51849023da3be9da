package dev.qlens.bench;

import dev.qlens.core.linalg.FloatMatrix;
import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.Int8Gemm;
import dev.qlens.core.linalg.Int8Matrix;
import dev.qlens.core.linalg.Workers;
import java.util.Random;
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
 * Square products of size n on 1 or 2 threads. FP32: GFLOP/s = 2 n^3 / seconds per operation. INT8:
 * GOPS = 2 n^3 / seconds (symmetric [-127, 127] values, the int16 pair-sum path; exact int64
 * results).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g",
    "-XX:+UnlockDiagnosticVMOptions", "-XX:CompileCommand=quiet",
    "-XX:CompileCommand=dontinline,dev.qlens.simd.VGemmKernel::*",
    "-XX:CompileCommand=dontinline,dev.qlens.simd.VInt8GemmKernel::*"})
public class GemmBenchmark {
    /** Matrix size. */
    @Param({"1024"})
    public int n;

    /** Threads. */
    @Param({"1", "2"})
    public int threads;

    private Workers workers;
    private Gemm gemm;
    private Int8Gemm int8;
    private FloatMatrix a;
    private FloatMatrix b;
    private FloatMatrix c;
    private Int8Matrix qa;
    private Int8Matrix qw;

    @Setup
    public void setup() {
        workers = Workers.create(threads);
        gemm = Gemm.using(workers);
        int8 = Int8Gemm.using(workers);
        Random r = new Random(1);
        float[] x = new float[n * n];
        float[] y = new float[n * n];
        byte[] p = new byte[n * n];
        byte[] q = new byte[n * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
            y[i] = (float) r.nextGaussian();
            p[i] = (byte) (r.nextInt(255) - 127);
            q[i] = (byte) (r.nextInt(255) - 127);
        }
        a = FloatMatrix.of(x, n, n);
        b = FloatMatrix.of(y, n, n);
        c = FloatMatrix.zeros(n, n);
        qa = Int8Matrix.of(p, n, n);
        qw = Int8Matrix.of(q, n, n);
    }

    @TearDown
    public void tearDown() {
        workers.close();
    }

    /** C = A B in float32. */
    @Benchmark
    public float fp32() {
        gemm.multiply(a, b, c, false);
        return c.get(0, 0);
    }

    /** C = A W^T in exact integers. */
    @Benchmark
    public long int8() {
        return int8.exact(qa, qw)[0];
    }
}
