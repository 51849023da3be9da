package dev.qlens.cli.jobs.sweep;

import dev.qlens.core.kernel.ErrorSums;
import java.util.Arrays;
import java.util.List;

/**
 * mixed-tile-threshold (new in qlens): every tile takes the cheapest tile format whose own score
 * meets the criterion (the most precise one when none does); then, while the whole tensor misses the
 * criterion, the tile with the worst score among those not yet at the most precise format moves up
 * to the next more precise format. The result meets the criterion unless every tile ends at the most
 * precise format.
 */
final class ThresholdAssigner {
    private ThresholdAssigner() {
    }

    static TileAssignment assign(TileSums s, Criterion c, long referenceTileBytes) {
        List<TileFormat> formats = s.formats();
        Integer[] order = new Integer[formats.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Cheapest first; the most precise format is the last.
        Arrays.sort(order, (p, q) -> Integer.compare(formats.get(p).tileBytes(), formats.get(q).tileBytes()));
        int[] rank = new int[s.tiles()];
        int[] a = new int[s.tiles()];
        for (int t = 0; t < a.length; t++) {
            rank[t] = order.length - 1;
            for (int r = 0; r < order.length; r++) {
                if (c.good(s.tileMetrics(t, order[r]).get(c.metric()))) {
                    rank[t] = r;
                    break;
                }
            }
            a[t] = order[rank[t]];
        }
        // Tiles that can still move up, worst score first (ties: lower tile id).
        java.util.PriorityQueue<double[]> queue = new java.util.PriorityQueue<>((p, q) -> {
            int byScore = c.better(p[0], q[0]) ? 1 : c.better(q[0], p[0]) ? -1 : 0;
            return byScore != 0 ? byScore : Double.compare(p[1], q[1]);
        });
        for (int t = 0; t < a.length; t++) {
            if (rank[t] < order.length - 1) {
                queue.add(new double[] {s.tileMetrics(t, a[t]).get(c.metric()), t});
            }
        }
        boolean byMax = c.metric().equals("atol");
        ErrorSums running = s.totals(a);
        while (!c.goodWithMargin(SweepMetrics.of(running)) && !queue.isEmpty()) {
            int worst = (int) queue.poll()[1];
            s.subtractFrom(running, worst, a[worst]);
            rank[worst]++;
            a[worst] = order[rank[worst]];
            s.addTo(running, worst, a[worst]);
            if (rank[worst] < order.length - 1) {
                queue.add(new double[] {s.tileMetrics(worst, a[worst]).get(c.metric()), worst});
            }
            if (byMax || c.goodWithMargin(SweepMetrics.of(running))) {
                // A fresh sum in tile order: running sums drift by rounding and cannot take a maximum back.
                running = s.totals(a);
            }
        }
        SweepMetrics m = s.evaluate(a);
        return new TileAssignment(a, m, TileAssignment.bytes(a, formats, referenceTileBytes), c.goodWithMargin(m),
                List.of());
    }
}
