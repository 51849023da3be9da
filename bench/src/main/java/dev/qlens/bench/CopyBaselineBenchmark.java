package dev.qlens.bench;

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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bandwidth baseline every kernel is compared with: an in-process array copy of the same
 * number of bytes, measured in the same JMH run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class CopyBaselineBenchmark {
    /** Elements per operation (float32): 16 Mi elements = 64 MiB, beyond the L3 cache. */
    @Param({"16777216"})
    public int n;

    private float[] src;
    private float[] dst;

    @Setup
    public void setup() {
        src = new float[n];
        dst = new float[n];
        for (int i = 0; i < n; i++) {
            src[i] = i * 0.5f;
        }
    }

    /** System.arraycopy of n floats: reads and writes 4n bytes. */
    @Benchmark
    public float[] copyFloats() {
        System.arraycopy(src, 0, dst, 0, n);
        return dst;
    }
}
