package dev.qlens.cli.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qlens.cli.jobs.eval.ActivationOptions;
import dev.qlens.cli.jobs.eval.EvalJob;
import dev.qlens.cli.jobs.eval.EvalJson;
import dev.qlens.cli.jobs.eval.EvalOptions;
import dev.qlens.core.testing.RealModels;
import dev.qlens.formats.w8a8.ActivationQuantization;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every scheme of qlens eval on a small random BERT gives the same bits for any thread count and batch
 * size, and the recorded digest: this test runs in the vector and in the scalar-kernel executions, on JDK
 * 17 and 25 in CI, so one digest checks the SIMD kernels, the scalar oracle and both JDKs against each
 * other at the model level (the real models run the same code; see EvalDeterminismTest).
 */
class TinyBertDeterminismTest {
    /** SHA-256 of every scheme's embeddings (float32 bits, schemes in order, texts in order). */
    private static final String DIGEST = "45859dcfa351676d5437d03499cd8fe2ab72aa95d03162034642efd6fd584951";

    @Test
    void everySchemeGivesTheSameBitsEverywhere(@TempDir Path dir) throws Exception {
        Path model = TinyBert.write(dir.resolve("tiny.safetensors"), 5);
        Path texts = dir.resolve("texts.txt");
        Files.write(texts, EvalTexts.withEdges(10), StandardCharsets.UTF_8);
        Path calibration = dir.resolve("calibration.txt");
        Files.write(calibration, EvalTexts.corpus().subList(1000, 1012), StandardCharsets.UTF_8);
        List<String> schemes = List.of("w8", "w8a8-dynamic", "w8a8-static", "nvfp4", "int4_b32", "mxfp4", "fp8_e4m3_t");
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        String report = null;
        Map<String, float[][]> first = null;
        for (int[] config : new int[][] {{1, 16}, {3, 100_000}, {2, 300}}) {
            EvalJob.Result r = run(model, texts, calibration, schemes, config[0], config[1], ActivationOptions.DEFAULT);
            String json = withoutTimes(EvalJson.of(r.report()).toString());
            if (first == null) {
                first = r.embeddings();
                report = json;
                for (float[][] e : first.values()) {
                    for (float[] row : e) {
                        ByteBuffer buf = ByteBuffer.allocate(4 * row.length);
                        for (float v : row) {
                            buf.putFloat(v);
                        }
                        md.update(buf.array());
                    }
                }
            } else {
                assertEquals(report, json, "threads " + config[0] + ", batches of " + config[1] + " tokens");
                for (Map.Entry<String, float[][]> e : first.entrySet()) {
                    for (int i = 0; i < e.getValue().length; i++) {
                        assertArrayEquals(bits(e.getValue()[i]), bits(r.embeddings().get(e.getKey())[i]),
                                e.getKey() + ", text " + i + ", threads " + config[0]);
                    }
                }
            }
        }
        // Per-token affine activations and clipped dynamic ranges too.
        EvalJob.Result other = run(model, texts, calibration, List.of("w8a8-dynamic", "w8a8-static"), 2, 64,
                new ActivationOptions(ActivationQuantization.Scheme.AFFINE, true, 0.99, Double.NaN));
        for (float[][] e : other.embeddings().values()) {
            for (float[] row : e) {
                ByteBuffer buf = ByteBuffer.allocate(4 * row.length);
                for (float v : row) {
                    buf.putFloat(v);
                }
                md.update(buf.array());
            }
        }
        assertEquals(DIGEST, HexFormat.of().formatHex(md.digest()));
    }

    private static EvalJob.Result run(Path model, Path texts, Path calibration, List<String> schemes, int threads,
                                      int batchTokens, ActivationOptions act) throws Exception {
        EvalOptions o = new EvalOptions(model.toString(), RealModels.extract(RealModels.MINILM_TOKENIZER), TinyBert.HEADS,
                null, schemes, texts, calibration, 0, 64, 0, batchTokens, 5, act, threads);
        return EvalJob.run(o, null, EvalJob.Listener.NONE);
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    static String withoutTimes(String json) {
        return json.replaceAll("\"(tokens_per_second|forward_seconds|seconds)\":[^,}]*", "");
    }
}
