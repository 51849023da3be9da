package dev.qlens.cli.jobs.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * mixed-tile-random: {@code iters} random assignments (each tile a uniformly drawn tile format, from
 * a {@link SplittableRandom} seeded with the configured seed); the smallest one that meets the
 * criterion wins (the earliest on ties); when none does, the one with the best metric is reported as
 * not meeting it. Every candidate is kept for the per-tensor CSV.
 */
final class RandomAssigner {
    private RandomAssigner() {
    }

    static TileAssignment assign(TileSums s, Criterion c, int iters, long seed, long referenceTileBytes) {
        SplittableRandom rng = new SplittableRandom(seed);
        int nf = s.formats().size();
        List<TileAssignment.Sample> samples = new ArrayList<>();
        int[] best = null;
        SweepMetrics bestMetrics = null;
        long bestBytes = 0;
        boolean feasible = false;
        for (int id = 0; id < iters; id++) {
            int[] a = new int[s.tiles()];
            for (int t = 0; t < a.length; t++) {
                a[t] = rng.nextInt(nf);
            }
            SweepMetrics m = s.evaluate(a);
            long bytes = TileAssignment.bytes(a, s.formats(), referenceTileBytes);
            TileAssignment probe = new TileAssignment(a, m, bytes, false, List.of());
            samples.add(new TileAssignment.Sample(id, probe.counts(nf), bytes, m));
            boolean good = c.goodWithMargin(m);
            if (good && (!feasible || bytes < bestBytes)) {
                best = a;
                bestMetrics = m;
                bestBytes = bytes;
                feasible = true;
            } else if (!feasible && (best == null || c.better(m.get(c.metric()), bestMetrics.get(c.metric())))) {
                best = a;
                bestMetrics = m;
                bestBytes = bytes;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("mixed-tile-random needs iters of at least 1");
        }
        return new TileAssignment(best, bestMetrics, bestBytes, feasible, samples);
    }
}
