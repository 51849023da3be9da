package dev.qlens.bench;

import dev.qlens.cli.jobs.compare.CompareJob;
import dev.qlens.cli.jobs.compare.CompareOptions;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.formats.convention.Convention;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
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
 * {@code qlens compare} end to end on a synthetic BF16 vs ComfyUI-FP8 pair of 2.25 GiB (48 matrices of
 * 4096 x 4096), read from the page cache (the warm-up pass loads it): one operation compares the
 * whole pair. Throughput in GB/s = bytes of both files / seconds per operation (see
 * {@link BenchReport}). The files are written to {@code bench/target/compare-data} on first use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g",
    "-XX:+UnlockDiagnosticVMOptions", "-XX:CompileCommand=quiet",
    "-XX:CompileCommand=dontinline,dev.qlens.simd.VectorKernels::*",
    "-XX:CompileCommand=dontinline,dev.qlens.simd.VPasses::*",
    "-XX:CompileCommand=inline,dev.qlens.simd.VEncode::*", "-XX:CompileCommand=inline,dev.qlens.simd.VDecode::*",
    "-XX:CompileCommand=inline,dev.qlens.simd.VInt::*", "-XX:CompileCommand=inline,dev.qlens.simd.VScaled::*",
    "-XX:CompileCommand=inline,dev.qlens.simd.VBfp::*", "-XX:CompileCommand=inline,dev.qlens.simd.VReduce::*"})
public class CompareBenchmark {
    /** Weight matrices in the pair (48 MiB each across both files). */
    public static final int MATRICES = 48;

    /** Worker threads. */
    @Param({"2", "1"})
    public int threads;

    private CompareOptions options;

    @Setup
    public void setup() throws Exception {
        SyntheticPair.Files2 f = SyntheticPair.create(Path.of(System.getProperty("qlens.bench.data",
                "bench/target/compare-data")), MATRICES);
        options = new CompareOptions(f.original(), f.quantized(), List.of(), threads, EnumSet.allOf(Convention.class),
                false);
    }

    /** Compares the whole pair. */
    @Benchmark
    public CompareReport compare() throws Exception {
        CompareReport r = CompareJob.run(options);
        if (r.layers().size() != MATRICES) {
            throw new IllegalStateException("expected " + MATRICES + " compared tensors, got " + r.layers().size());
        }
        return r;
    }
}
