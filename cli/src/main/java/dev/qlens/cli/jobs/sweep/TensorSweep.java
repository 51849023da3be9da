package dev.qlens.cli.jobs.sweep;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.TransposedView;
import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.formats.catalog.QuantFormat;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/** The sweep of one tensor: every format (none), optionally transposed, and a mixed-tile assignment. */
public final class TensorSweep {
    /**
     * A tensor's result plus the assignment behind its mixed row.
     *
     * @param result the rows and recommendation
     * @param assignment the mixed-tile assignment, or null
     * @param tileFormats the tile formats of the assignment, or null
     */
    public record Outcome(TensorSweepResult result, TileAssignment assignment, List<TileFormat> tileFormats) {
    }

    private TensorSweep() {
    }

    static Outcome run(Checkpoint c, LogicalTensor t, SweepOptions o, Kernels k, MetricsCache cache,
                       LongConsumer progress) throws IOException {
        long[] shape = t.shape();
        String hash = cache == null ? null : ContentHash.of(c, t);
        List<SweepRow> rows = new ArrayList<>(formatRows(t, shape, "none", o, k, cache, hash, progress, false));
        String note = null;
        CompressionConfig cfg = o.config();
        if (cfg.algorithm().equals("transpose")) {
            if (shape.length == 2) {
                rows.addAll(formatRows(t, shape, "transpose", o, k, cache, hash, progress, true));
            } else {
                note = "transpose skipped: the tensor is not 2-D";
            }
        }
        TileAssignment assignment = null;
        List<TileFormat> tileFormats = null;
        if (cfg.mixedTile()) {
            tileFormats = tileFormats(cfg);
            Criterion crit = new Criterion(cfg.param("metric", "pcc").toLowerCase(java.util.Locale.ROOT),
                    cfg.param("threshold", 0.999));
            TileSums sums = TileSums.compute(t.open(), shape, tileFormats);
            long refTileBytes = 1024L * (t.isQuantized() || t.storedDtype().bits() < 8 ? 4 : t.storedDtype().bits() / 8);
            switch (cfg.algorithm()) {
                case "mixed-tile-greedy":
                    assignment = GreedyAssigner.assign(sums, crit, cfg.param("cluster", "kmeans"),
                            (int) cfg.param("k", 10), cfg.seed(), refTileBytes);
                    break;
                case "mixed-tile-random":
                    assignment = RandomAssigner.assign(sums, crit, (int) cfg.param("iters", 50), cfg.seed(), refTileBytes);
                    break;
                default:
                    assignment = ThresholdAssigner.assign(sums, crit, refTileBytes);
                    break;
            }
            int[] counts = assignment.counts(tileFormats.size());
            int[] tiles = new int[TileFormat.values().length + 1];
            for (int f = 0; f < tileFormats.size(); f++) {
                tiles[tileFormats.get(f).ordinal()] = counts[f];
            }
            tiles[TileFormat.values().length] = counts[tileFormats.size()];
            rows.add(new SweepRow(cfg.algorithm(), "MIXED", assignment.metrics(), 8.0 * assignment.bytes() / t.numel(),
                    assignment.bytes(), tiles, assignment.meetsCriterion(), false));
            progress.accept(t.numel() * tileFormats.size());
        }
        SweepRow best = recommend(rows, o);
        long stored = storedBytes(c, t);
        String dtype = t.storedDtype().torchName().replace("torch.", "") + (t.isQuantized() ? " (" + t.scheme() + ")" : "");
        return new Outcome(new TensorSweepResult(t.name(), shape, dtype, stored, rows, best,
                best == null ? stored : best.bytes(), note), assignment, tileFormats);
    }

    private static List<SweepRow> formatRows(LogicalTensor t, long[] shape, String compression, SweepOptions o,
                                             Kernels k, MetricsCache cache, String hash, LongConsumer progress,
                                             boolean transposed) throws IOException {
        long[] qshape = transposed ? new long[] {shape[1], shape[0]} : shape;
        List<QuantFormat> formats = o.formats();
        ErrorSums[] sums = new ErrorSums[formats.size()];
        boolean[] cached = new boolean[formats.size()];
        List<QuantFormat> todo = new ArrayList<>();
        for (int i = 0; i < formats.size(); i++) {
            if (cache != null && !o.recompute()) {
                sums[i] = cache.get(hash, compression, formats.get(i).name());
                cached[i] = sums[i] != null;
            }
            if (sums[i] == null) {
                todo.add(formats.get(i));
            }
        }
        if (!todo.isEmpty()) {
            FormatPass.ViewSource source = transposed
                    ? () -> new TransposedView(t.open(), TransposedView.DEFAULT_BUDGET)
                    : t::open;
            List<ErrorSums> fresh = FormatPass.run(source, qshape, todo, EncodeMode.DEFAULT, k, progress);
            int j = 0;
            for (int i = 0; i < formats.size(); i++) {
                if (sums[i] == null) {
                    sums[i] = fresh.get(j++);
                    if (cache != null) {
                        cache.put(hash, compression, formats.get(i).name(), sums[i]);
                    }
                }
            }
        }
        progress.accept(t.numel() * (formats.size() - todo.size()));
        List<SweepRow> rows = new ArrayList<>();
        for (int i = 0; i < formats.size(); i++) {
            QuantFormat f = formats.get(i);
            rows.add(new SweepRow(compression, f.name(), SweepMetrics.of(sums[i]), f.bitsPerElement(qshape),
                    f.packedBytes(qshape), null, null, cached[i]));
        }
        return rows;
    }

    /** The tile formats of a mixed-tile run: params.formats, else the configured formats that are tile formats, else all four. */
    static List<TileFormat> tileFormats(CompressionConfig cfg) {
        Set<TileFormat> out = new LinkedHashSet<>();
        List<String> names = cfg.paramList("formats");
        if (names == null) {
            names = cfg.paramList("tile_formats");
        }
        if (names == null) {
            names = cfg.formats();
        }
        for (String n : names) {
            TileFormat f = TileFormat.of(n);
            if (f != null) {
                out.add(f);
            }
        }
        if (out.isEmpty()) {
            out.addAll(TileFormat.CODES);
        }
        return List.copyOf(out);
    }

    /** The baseline row with the fewest bits per element that meets the criterion (storage formats only). */
    static SweepRow recommend(List<SweepRow> rows, SweepOptions o) {
        SweepRow best = null;
        for (SweepRow r : rows) {
            if (!r.compression().equals("none") || isReference(r.format()) || !o.qualifies(r.metrics())) {
                continue;
            }
            if (best == null || r.bitsPerElement() < best.bitsPerElement()) {
                best = r;
            }
        }
        return best;
    }

    private static boolean isReference(String format) {
        return format.equals("fp0") || format.endsWith("_ideal");
    }

    static long storedBytes(Checkpoint c, LogicalTensor t) {
        long sum = 0;
        for (String s : t.sources()) {
            var e = c.tensor(s);
            if (e != null) {
                sum += e.byteSize();
            }
        }
        return sum;
    }
}
