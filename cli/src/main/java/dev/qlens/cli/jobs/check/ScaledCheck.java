package dev.qlens.cli.jobs.check;

import dev.qlens.formats.catalog.ScaledFormat;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact compliance for scaled formats, in three streamed passes: group statistics; every value
 * against the group's inferred scale (the format's own rule); and, for groups where some value
 * failed, against the float32 scales within {@link #ULPS} ulps of it that map the group's extreme
 * values to the extreme codes (so the producer may have used them): re-deriving amax / max (or a
 * range quotient) from quantized values lands one ulp off in about one group in ten. A group complies
 * when one such scale reproduces every one of its values.
 */
final class ScaledCheck {
    /** Candidate scales on each side of the inferred one. */
    static final int ULPS = 4;

    private final ScaledFormat f;
    private final long[] shape;
    private final float[] amax;
    private final float[] lo;
    private final float[] hi;
    private float[] scale;
    private int[] zero;
    /** Per group, which nudged candidates reproduce the group's extreme values with the extreme codes. */
    private int[] admissible;
    private final BitSet suspect = new BitSet();
    private final Map<Integer, Integer> alive = new HashMap<>();
    /** Per suspect group: mismatches under each admissible nudged candidate. */
    private final Map<Integer, long[]> counts = new HashMap<>();
    private final Map<Integer, Integer> best = new HashMap<>();
    private final Map<Integer, Long> failures0 = new HashMap<>();
    private float[] out = new float[0];

    ScaledCheck(ScaledFormat f, long[] shape) {
        this.f = f;
        this.shape = shape.clone();
        int groups = Math.toIntExact(f.groupCount(shape));
        amax = new float[groups];
        lo = new float[groups];
        hi = new float[groups];
    }

    /** Runs of one group inside a chunk. */
    private interface RunVisitor {
        void run(int group, int off, int len);
    }

    private void runs(long start, int n, RunVisitor v) {
        long e = start;
        while (e < start + n) {
            long end = Math.min(start + n, f.runEnd(shape, e));
            v.run((int) f.groupOf(shape, e), (int) (e - start), (int) (end - e));
            e = end;
        }
    }

    void observe(long start, float[] x, int n) {
        runs(start, n, (g, off, len) -> {
            for (int i = off; i < off + len; i++) {
                float v = x[i];
                if (Float.isFinite(v)) {
                    amax[g] = Math.max(amax[g], Math.abs(v));
                    lo[g] = Math.min(lo[g], v);
                    hi[g] = Math.max(hi[g], v);
                }
            }
        });
    }

    void finish() {
        scale = new float[amax.length];
        zero = new int[amax.length];
        admissible = new int[amax.length];
        int[] zp = new int[1];
        for (int g = 0; g < amax.length; g++) {
            scale[g] = f.inferScale(amax[g], lo[g], hi[g], zp);
            zero[g] = zp[0];
            if (f.amaxRule() && amax[g] > 0) {
                for (int j = 0; j < 2 * ULPS; j++) {
                    if (reproducesExtremes(g, nudge(scale[g], j))) {
                        admissible[g] |= 1 << j;
                    }
                }
            }
        }
    }

    /**
     * A scale the producer may have used maps the group's extremes to the extreme codes: amax to the
     * largest element (symmetric), or hi and lo to the largest and smallest codes around the zero point
     * (affine). This pins the scale to one or two float32 values.
     */
    private boolean reproducesExtremes(int g, float s) {
        if (f.affine()) {
            float top = (f.elementMax() - zero[g]) * s;
            float bottom = (f.elementMin() - zero[g]) * s;
            return top == hi[g] && (lo[g] == 0f || bottom == lo[g]);
        }
        return f.elementMax() * s == amax[g];
    }

    private float[] scratch(int len) {
        if (out.length < len) {
            out = new float[len];
        }
        return out;
    }

    void checkCandidate0(long start, float[] x, int n) {
        runs(start, n, (g, off, len) -> {
            float[] y = scratch(len);
            f.quantizeWith(x, off, len, scale[g], zero[g], y, 0);
            for (int i = 0; i < len; i++) {
                if (!Compliance.same(x[off + i], y[i])) {
                    if (!suspect.get(g)) {
                        suspect.set(g);
                        alive.put(g, admissible[g]);
                    }
                    failures0.merge(g, 1L, Long::sum);
                }
            }
        });
    }

    int suspects() {
        return suspect.cardinality();
    }

    /** The j-th alternative scale: j = 0 .. 2 ULPS - 1 stand for -ULPS .. -1, 1 .. ULPS ulps. */
    private static float nudge(float s, int j) {
        int steps = j < ULPS ? j - ULPS : j - ULPS + 1;
        float r = s;
        for (int k = 0; k < Math.abs(steps); k++) {
            r = steps > 0 ? Math.nextUp(r) : Math.nextDown(r);
        }
        return r;
    }

    void checkOthers(long start, float[] x, int n) {
        runs(start, n, (g, off, len) -> {
            if (!suspect.get(g)) {
                return;
            }
            int mask = alive.get(g);
            long[] c = counts.computeIfAbsent(g, k -> new long[2 * ULPS]);
            for (int j = 0; j < 2 * ULPS; j++) {
                if ((mask & (1 << j)) == 0) {
                    continue;
                }
                float[] y = scratch(len);
                f.quantizeWith(x, off, len, nudge(scale[g], j), zero[g], y, 0);
                for (int i = 0; i < len; i++) {
                    if (!Compliance.same(x[off + i], y[i])) {
                        c[j]++;
                    }
                }
            }
        });
    }

    /**
     * The values no candidate scale explains: per failing group, the mismatches under its best candidate
     * (the inferred scale, or the admissible one with the fewest), so that one wrong value in a group is
     * counted once. Returns the total; {@link #examples} lists them.
     */
    long failures() {
        long total = 0;
        for (int g = suspect.nextSetBit(0); g >= 0; g = suspect.nextSetBit(g + 1)) {
            long fewest = failures0.get(g);
            int choice = -1;
            long[] c = counts.get(g);
            int mask = alive.get(g);
            for (int j = 0; c != null && j < 2 * ULPS; j++) {
                if ((mask & (1 << j)) != 0 && c[j] < fewest) {
                    fewest = c[j];
                    choice = j;
                }
            }
            if (fewest > 0) {
                best.put(g, choice);
                total += fewest;
            }
        }
        return total;
    }

    /** Fourth pass: collects up to max failing values (index, value bits) under each group's best candidate. */
    void examples(long start, float[] x, int n, List<long[]> bad, int max) {
        runs(start, n, (g, off, len) -> {
            Integer choice = best.get(g);
            if (choice == null || bad.size() >= max) {
                return;
            }
            float s = choice < 0 ? scale[g] : nudge(scale[g], choice);
            float[] y = scratch(len);
            f.quantizeWith(x, off, len, s, zero[g], y, 0);
            for (int i = 0; i < len && bad.size() < max; i++) {
                if (!Compliance.same(x[off + i], y[i])) {
                    bad.add(new long[] {start + off + i, Float.floatToRawIntBits(x[off + i])});
                }
            }
        });
    }
}
