package dev.qlens.bench;

import dev.qlens.cli.jobs.sweep.CompressionConfig;
import dev.qlens.cli.jobs.sweep.SweepJob;
import dev.qlens.cli.jobs.sweep.SweepOptions;
import dev.qlens.formats.catalog.FormatCatalog;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code qlens sweep} of every format of the default set (21) over a 1 GiB BF16 checkpoint (32
 * matrices of 4096 x 4096) from the page cache, two threads, no cache: one operation is the whole
 * sweep.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g",
    "-XX:+UnlockDiagnosticVMOptions", "-XX:CompileCommand=quiet",
    "-XX:CompileCommand=dontinline,dev.qlens.simd.VectorKernels::*",
    "-XX:CompileCommand=dontinline,dev.qlens.simd.VPasses::*",
    "-XX:CompileCommand=inline,dev.qlens.simd.VEncode::*", "-XX:CompileCommand=inline,dev.qlens.simd.VDecode::*",
    "-XX:CompileCommand=inline,dev.qlens.simd.VInt::*", "-XX:CompileCommand=inline,dev.qlens.simd.VScaled::*",
    "-XX:CompileCommand=inline,dev.qlens.simd.VBfp::*", "-XX:CompileCommand=inline,dev.qlens.simd.VReduce::*"})
public class SweepBenchmark {
    /** Matrices in the checkpoint (32 MiB of BF16 each). */
    public static final int MATRICES = 32;

    private SweepOptions options;

    @Setup
    public void setup() throws Exception {
        SyntheticPair.Files2 f = SyntheticPair.create(Path.of(System.getProperty("qlens.bench.data",
                "bench/target/compare-data")), MATRICES);
        options = new SweepOptions(f.original(), List.of(), false, FormatCatalog.sweepDefaults(), null,
                CompressionConfig.none(), 0.999, null, 2, null, false, EnumSet.allOf(Convention.class), false);
    }

    /** The whole sweep. */
    @Benchmark
    public SweepJob.Result sweep() throws Exception {
        return SweepJob.run(options);
    }
}
