package dev.qlens.cli.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qlens.cli.jobs.eval.ActivationOptions;
import dev.qlens.cli.jobs.eval.EvalJob;
import dev.qlens.cli.jobs.eval.EvalJson;
import dev.qlens.cli.jobs.eval.EvalOptions;
import dev.qlens.core.testing.RealModels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * qlens eval gives the same bits for any thread count and batch size, and the same bits as recorded: this
 * test runs in the vector and in the scalar-kernel test executions, on JDK 17 and on JDK 25 in CI, so one
 * recorded digest checks all of them against each other.
 */
@Tag("vector-only")
class EvalDeterminismTest {
    /** SHA-256 of every scheme's embeddings below (float32 bits, schemes in order, texts in order). */
    private static final String DIGEST = "f363053efd1c31c78cb3a6a3688508398830d8904a5d3141acc4f7b326c169c4";

    @Test
    void embeddingsAreTheSameForAnyThreadsBatchesKernelsAndJdk(@TempDir Path dir) throws Exception {
        Path texts = dir.resolve("texts.txt");
        Files.write(texts, EvalTexts.evaluation(20), StandardCharsets.UTF_8);
        Path calibration = dir.resolve("calibration.txt");
        Files.write(calibration, EvalTexts.corpus().subList(1000, 1016), StandardCharsets.UTF_8);
        List<String> schemes = List.of("w8", "w8a8-dynamic", "w8a8-static", RealModels.extract(RealModels.MINILM_INT8).toString(),
                "nvfp4", "int4_b32");
        EvalJob.Result a = run(texts, calibration, schemes, 1, 64);
        EvalJob.Result b = run(texts, calibration, schemes, 2, 4096);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (Map.Entry<String, float[][]> e : a.embeddings().entrySet()) {
            float[][] other = b.embeddings().get(e.getKey());
            for (int i = 0; i < e.getValue().length; i++) {
                assertArrayEquals(bits(e.getValue()[i]), bits(other[i]), e.getKey() + ", text " + i);
                ByteBuffer buf = ByteBuffer.allocate(4 * e.getValue()[i].length);
                for (float v : e.getValue()[i]) {
                    buf.putFloat(v);
                }
                md.update(buf.array());
            }
        }
        String digestA = withoutTimes(EvalJson.of(a.report()).toString());
        String digestB = withoutTimes(EvalJson.of(b.report()).toString());
        assertEquals(digestA, digestB, "every reported metric is the same");
        assertEquals(DIGEST, HexFormat.of().formatHex(md.digest()));
    }

    private static EvalJob.Result run(Path texts, Path calibration, List<String> schemes, int threads, int batchTokens)
            throws Exception {
        EvalOptions o = new EvalOptions(RealModels.extract(RealModels.MINILM_FP32).toString(),
                RealModels.extract(RealModels.MINILM_TOKENIZER), null, null, schemes, texts, calibration, 0, 64, 0,
                batchTokens, 5, ActivationOptions.DEFAULT, threads);
        return EvalJob.run(o, null, EvalJob.Listener.NONE);
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    /** The report without wall-clock numbers. */
    private static String withoutTimes(String json) {
        return json.replaceAll("\"(tokens_per_second|forward_seconds|seconds)\":[^,}]*", "");
    }
}
