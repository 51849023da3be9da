package dev.qlens.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.qlens.cli.jobs.sweep.CompressionConfig;
import dev.qlens.cli.jobs.sweep.Criterion;
import dev.qlens.cli.jobs.sweep.TensorSelection;
import dev.qlens.cli.jobs.sweep.TileGrid;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.testing.SafetensorsBuilder;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.LogicalTensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed-compatible pieces of the sweep: config parsing, tensor selection, tile geometry, criteria. */
class SweepPartsTest {
    @TempDir
    Path dir;

    private static CompressionConfig parse(String json) {
        return CompressionConfig.parse(JsonParser.parseString(json).getAsJsonObject(), "test.json");
    }

    @Test
    void configFollowsTheSeedSchema() {
        CompressionConfig c = parse("{\"algorithm\": \"Mixed-Tile\", \"quantization_formats\": [\"BF16\", \"bfp8\"],"
                + " \"params\": {\"metric\": \"pcc\", \"threshold\": 0.99, \"k\": 100}, \"seed\": 42}");
        assertEquals("mixed-tile-greedy", c.algorithm());
        assertEquals(List.of("bf16", "bfp8"), c.formats());
        assertEquals(42, c.seed());
        assertEquals("config", c.seedSource());
        assertEquals(100, c.param("k", 10), 0);
        CompressionConfig random = parse("{\"algorithm\": \"mixed-tile-random\", \"seed\": \"random\"}");
        assertEquals("random", random.seedSource());
        assertTrue(random.seed() >= 0 && random.seed() < (1L << 31));
        JsonObject used = random.used(List.of("bf16"));
        assertEquals(random.seed(), used.get("seed").getAsLong());
        CompressionConfig inParams = parse("{\"algorithm\": \"mixed-tile-random\", \"params\": {\"seed\": 9, \"iters\": 2,"
                + " \"formats\": \"bf16,bfp8,bfp4,bfp2\"}}");
        assertEquals(9, inParams.seed());
        assertEquals("params", inParams.seedSource());
        assertEquals(List.of("bf16", "bfp8", "bfp4", "bfp2"), inParams.paramList("formats"));
        assertTrue(!inParams.used(List.of()).getAsJsonObject("params").has("seed"), "the seed is not a param");
        QlensException e = assertThrows(QlensException.class, () -> parse("{\"algorithm\": \"x\"}"));
        assertTrue(e.getMessage().startsWith("test.json: unknown algorithm 'x'"), e.getMessage());
        assertThrows(QlensException.class, () -> parse("{\"seed\": \"soon\"}"));
    }

    @Test
    void selectionTakesWeightsFiltersSortsAndLimits() throws Exception {
        Path f = new SafetensorsBuilder()
                .f32("model.layers.10.mlp.weight", new long[] {2, 2}, 1, 2, 3, 4)
                .f32("model.layers.1.mlp.weight", new long[] {2, 2}, 1, 2, 3, 4)
                .f32("model.layers.1.mlp.bias", new long[] {2}, 1, 2)
                .f32("model.layers.1.attn.weight", new long[] {2, 2}, 1, 2, 3, 4)
                .write(dir.resolve("m.safetensors"));
        try (Checkpoint c = Checkpoints.open(f)) {
            CheckpointView v = CheckpointView.of(c);
            assertEquals(List.of("model.layers.1.attn.weight", "model.layers.1.mlp.weight", "model.layers.10.mlp.weight"),
                    names(TensorSelection.select(v, List.of(), false, null)));
            assertEquals(List.of("model.layers.1.attn.weight", "model.layers.1.mlp.weight"),
                    names(TensorSelection.select(v, List.of("model.layers.1"), false, null)));
            assertEquals(List.of("model.layers.1.mlp.weight", "model.layers.10.mlp.weight"),
                    names(TensorSelection.select(v, List.of("MLP"), false, null)));
            assertEquals(List.of("model.layers.1.attn.weight"), names(TensorSelection.select(v, List.of(), false, 1)));
        }
        Path noWeights = new SafetensorsBuilder().f32("a", new long[] {2}, 1, 2).f32("b", new long[] {2}, 1, 2)
                .write(dir.resolve("n.safetensors"));
        try (Checkpoint c = Checkpoints.open(noWeights)) {
            assertEquals(List.of("a", "b"), names(TensorSelection.select(CheckpointView.of(c), List.of(), false, null)));
        }
    }

    private static List<String> names(List<LogicalTensor> t) {
        return t.stream().map(LogicalTensor::name).toList();
    }

    @Test
    void tileGridsFollowTheSeedLayout() {
        TileGrid m = TileGrid.of(new long[] {2, 50, 70});
        assertEquals(100, m.rows());
        assertEquals(70, m.cols());
        assertEquals(4 * 3, m.tiles());
        TileGrid v = TileGrid.of(new long[] {100});
        assertEquals(4, v.rows());
        assertEquals(32, v.cols());
        assertEquals(99, v.index(3, 3));
        assertEquals(-1, v.index(3, 4), "past the end of a 1-D tensor is padding");
        assertArrayEquals(new long[] {1, 1}, new long[] {TileGrid.of(new long[] {5}).tilesHigh(),
            TileGrid.of(new long[] {5}).tilesWide()});
    }

    @Test
    void criteriaKeepAMargin() {
        Criterion pcc = new Criterion("pcc", 0.999);
        assertTrue(pcc.good(0.999));
        assertTrue(pcc.higherIsBetter());
        Criterion mae = new Criterion("mae", 1e-3);
        assertTrue(mae.good(1e-3));
        assertTrue(mae.better(1e-4, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> new Criterion("psnr", 1));
    }
}
