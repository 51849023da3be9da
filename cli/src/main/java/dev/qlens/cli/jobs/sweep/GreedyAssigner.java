package dev.qlens.cli.jobs.sweep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * mixed-tile-greedy (the seed's k-means variant): for each tile format in order, repeatedly score the
 * unassigned tiles under that format, cluster the scores (1-D k-means, or take the single best tile),
 * and assign the best cluster as long as its mean score and the whole tensor's metric stay good; when
 * either fails, the next format takes over the remaining tiles. (The seed tool stops the whole search
 * instead when a format's first cluster fails or the global check fails, so with a small format first
 * it assigns nothing.) Tiles never assigned stay unquantized. With bf16 first every tile normally goes
 * to bf16 and no smaller format is tried: put the small formats first to explore them.
 */
final class GreedyAssigner {
    private GreedyAssigner() {
    }

    static TileAssignment assign(TileSums s, Criterion c, String cluster, int k, long seed, long referenceTileBytes) {
        int tiles = s.tiles();
        int[] a = new int[tiles];
        Arrays.fill(a, TileSums.REFERENCE);
        List<TileFormat> formats = s.formats();
        if (c.goodWithMargin(s.evaluate(a))) {
            search:
            for (int f = 0; f < formats.size(); f++) {
                while (true) {
                    List<Integer> cand = new ArrayList<>();
                    for (int t = 0; t < tiles; t++) {
                        if (a[t] == TileSums.REFERENCE) {
                            cand.add(t);
                        }
                    }
                    if (cand.isEmpty()) {
                        break search;
                    }
                    double[] score = new double[cand.size()];
                    for (int i = 0; i < score.length; i++) {
                        score[i] = s.tileMetrics(cand.get(i), f).get(c.metric());
                    }
                    List<Integer> sel = select(score, c, cluster, k, seed);
                    double mean = 0;
                    for (int i : sel) {
                        mean += score[i];
                    }
                    mean /= sel.size();
                    if (!c.good(mean)) {
                        break; // this format is done; the next (usually more precise) one gets the rest
                    }
                    for (int i : sel) {
                        a[cand.get(i)] = f;
                    }
                    if (!c.goodWithMargin(s.evaluate(a))) {
                        for (int i : sel) {
                            a[cand.get(i)] = TileSums.REFERENCE;
                        }
                        break;
                    }
                }
            }
        }
        SweepMetrics m = s.evaluate(a);
        return new TileAssignment(a, m, TileAssignment.bytes(a, formats, referenceTileBytes), c.goodWithMargin(m),
                List.of());
    }

    /** Indices (into score) of the tiles to assign next. */
    private static List<Integer> select(double[] score, Criterion c, String cluster, int k, long seed) {
        List<Integer> sel = new ArrayList<>();
        if (cluster.equals("single") || score.length == 1) {
            int best = 0;
            for (int i = 1; i < score.length; i++) {
                if (c.better(score[i], score[best])) {
                    best = i;
                }
            }
            sel.add(best);
            return sel;
        }
        int[] labels = KMeans1d.labels(score, k, seed);
        int kk = Arrays.stream(labels).max().orElse(0) + 1;
        double[] sum = new double[kk];
        int[] n = new int[kk];
        for (int i = 0; i < labels.length; i++) {
            sum[labels[i]] += score[i];
            n[labels[i]]++;
        }
        int bestCluster = -1;
        for (int j = 0; j < kk; j++) {
            if (n[j] > 0 && (bestCluster < 0 || c.better(sum[j] / n[j], sum[bestCluster] / n[bestCluster]))) {
                bestCluster = j;
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == bestCluster) {
                sel.add(i);
            }
        }
        return sel;
    }
}
