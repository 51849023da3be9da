package dev.qlens.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.jobs.sweep.AssignmentFiles;
import dev.qlens.cli.jobs.sweep.CompressionConfig;
import dev.qlens.cli.jobs.sweep.Reconstruct;
import dev.qlens.cli.jobs.sweep.ResultsFolder;
import dev.qlens.cli.jobs.sweep.SweepJob;
import dev.qlens.cli.jobs.sweep.SweepOptions;
import dev.qlens.cli.jobs.sweep.SweepRow;
import dev.qlens.cli.jobs.sweep.TensorSweepResult;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.Npy;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.testing.SafetensorsBuilder;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.Convention;
import dev.qlens.formats.convention.LogicalTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mixed-tile algorithms on a tensor whose tiles differ in difficulty: deterministic for a fixed
 * seed, and every assignment reported as meeting the threshold meets it when rebuilt with
 * {@code --reconstruct} and measured here with plain float64 loops.
 */
class MixedTileTest {
    @TempDir
    Path dir;

    /** 100 x 200 (partial edge tiles), tiles of very different dynamic range. */
    private Path model() throws Exception {
        int rows = 100;
        int cols = 200;
        float[] w = new float[rows * cols];
        Random r = new Random(5);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int tile = (i / 32) * 7 + j / 32;
                double spread = 0.5 + (tile % 5) * 0.75;
                w[i * cols + j] = (float) (r.nextGaussian() * Math.pow(2, r.nextGaussian() * spread) * 0.01);
            }
        }
        return new SafetensorsBuilder().f32("layer.weight", new long[] {rows, cols}, w).write(dir.resolve("m.safetensors"));
    }

    private SweepJob.Result run(Path model, String config) throws Exception {
        Path cfg = dir.resolve("cfg.json");
        Files.writeString(cfg, config);
        return SweepJob.run(new SweepOptions(model, List.of(), false, List.of(FormatCatalog.parse("bfp8")), null,
                CompressionConfig.read(cfg), 0.999, null, 1, null, false, EnumSet.allOf(Convention.class), false));
    }

    static Stream<String> configs() {
        return Stream.of(
                "{\"algorithm\": \"mixed-tile-greedy\", \"quantization_formats\": [\"bfp2\", \"bfp4\", \"bfp8\", \"bf16\"],"
                        + " \"params\": {\"metric\": \"pcc\", \"threshold\": 0.9995, \"k\": 4}, \"seed\": 3}",
                "{\"algorithm\": \"mixed-tile-random\", \"params\": {\"metric\": \"pcc\", \"threshold\": 0.995,"
                        + " \"iters\": 30, \"formats\": \"bf16,bfp8,bfp4\"}, \"seed\": 11}",
                "{\"algorithm\": \"mixed-tile-threshold\", \"params\": {\"metric\": \"pcc\", \"threshold\": 0.9999}}",
                "{\"algorithm\": \"mixed-tile-threshold\", \"params\": {\"metric\": \"mae\", \"threshold\": 0.00005}}");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void deterministicAndMeetsTheThresholdWhenRebuilt(int which) throws Exception {
        String config = configs().toList().get(which);
        Path model = model();
        SweepJob.Result a = run(model, config);
        SweepJob.Result b = run(model, config);
        int[] ma = a.outcomes().get(0).assignment().formatIndex();
        assertArrayEquals(ma, b.outcomes().get(0).assignment().formatIndex(), "same seed, same assignment");
        TensorSweepResult t = a.report().tensors().get(0);
        SweepRow mixed = t.rows().stream().filter(r -> r.format().equals("MIXED")).findFirst().orElseThrow();

        Path folder = ResultsFolder.write(dir.resolve("results"), a, false);
        Path map = folder.resolve("layer.weight_assignment.npy");
        Path mapping = folder.resolve("layer.weight_assignment_mapping.json");
        assertTrue(Files.exists(map) && Files.exists(mapping));
        JsonObject used = JsonParser.parseString(Files.readString(folder.resolve("compression_config.used.json")))
                .getAsJsonObject();
        assertTrue(used.get("algorithm").getAsString().startsWith("mixed-tile"));

        Path rebuilt = dir.resolve("recon.npy");
        float[] x;
        try (Checkpoint c = Checkpoints.open(model)) {
            LogicalTensor lt = CheckpointView.of(c).tensor("layer.weight");
            Reconstruct.run(lt.open(), lt.shape(), AssignmentFiles.read(map, mapping), rebuilt);
            x = lt.open().readAll();
        }
        float[] y = Npy.read(rebuilt).toFloats(rebuilt);
        double[] m = independent(x, y);
        String metric = used.getAsJsonObject("params").get("metric").getAsString();
        double threshold = used.getAsJsonObject("params").get("threshold").getAsDouble();
        if (Boolean.TRUE.equals(mixed.meetsCriterion())) {
            if (metric.equals("pcc")) {
                assertTrue(m[0] >= threshold, "rebuilt pcc " + m[0] + " < " + threshold);
            } else {
                assertTrue(m[1] <= threshold, "rebuilt mae " + m[1] + " > " + threshold);
            }
        }
        assertEquals(mixed.metrics().pcc(), m[0], 1e-12, "reported pcc is the rebuilt tensor's");
        assertEquals(mixed.metrics().mae(), m[1], 1e-12 * m[1], "reported mae is the rebuilt tensor's");
        assertTrue(mixed.bytes() <= 28L * 2048, "at most every tile in bf16");
    }

    /** pcc and mae with straightforward float64 loops. */
    private static double[] independent(float[] x, float[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= x.length;
        my /= y.length;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        double mae = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
            mae += Math.abs((double) y[i] - x[i]);
        }
        return new double[] {sxy / Math.sqrt(sxx * syy), mae / x.length};
    }
}
