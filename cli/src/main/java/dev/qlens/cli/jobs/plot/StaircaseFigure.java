package dev.qlens.cli.jobs.plot;

import dev.qlens.cli.plot.Figure;
import dev.qlens.cli.plot.XYChart;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.QuantFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seed 001's synthetic "amax → reconstructed value" staircases: 400 values of x in [0, 1] (float32)
 * and what each format makes of x. Element casts and reference curves quantize x itself. A block
 * format quantizes x as the largest magnitude of a block, as the seed's "rand16" curves do: a row of
 * values drawn from U[0, x) with x at a random position, averaged over {@code randSamples} rows. For
 * BFP the seed draws the "ideal exp" curve (bfpN_ideal) beside it.
 */
public final class StaircaseFigure {
    /** The seed's default formats, in its order. */
    public static final List<String> SEED_FORMATS = List.of("mxfp4", "nvfp4", "bf16", "bfp8", "bfp4", "bfp2", "fp0");
    static final int POINTS = 400;

    private StaircaseFigure() {
    }

    /** The figure for these formats (the seed's seven when empty). */
    public static Figure of(List<QuantFormat> formats, int randSamples) {
        if (randSamples < 1) {
            throw new IllegalArgumentException("--rand-samples must be at least 1");
        }
        List<QuantFormat> fs = formats;
        if (fs == null || fs.isEmpty()) {
            fs = new ArrayList<>();
            for (String f : SEED_FORMATS) {
                fs.add(FormatCatalog.parse(f));
            }
        }
        float[] xs = linspace(0f, 1f, POINTS);
        double[] x = toDouble(xs);
        XYChart c = new XYChart("amax → reconstructed value", "synthetic sweep of x over [0, 1], "
                + POINTS + " points; block formats: x as the largest value of a random block (" + randSamples
                + " samples)", "amax (largest magnitude in the block)", "reconstructed value", false, false);
        c.xRange(0, 1).yRange(0, 1.05);
        for (QuantFormat f : fs) {
            if (f.family().equals("bfp")) {
                String base = f.name().split(":")[0].toUpperCase(Locale.ROOT);
                QuantFormat ideal = FormatCatalog.parse(f.name().split(":")[0] + "_ideal");
                c.line(base + " (ideal exp)", x, toDouble(ideal.fakeQuantize(xs, new long[] {POINTS}, EncodeMode.DEFAULT)));
                c.line(base + " (rand16 exp)", x, blockCurve(f, xs, 16, randSamples));
            } else if (elementWise(f)) {
                c.line(label(f), x, toDouble(f.fakeQuantize(xs, new long[] {POINTS}, EncodeMode.DEFAULT)));
            } else {
                c.line(label(f) + " (block max)", x, blockCurve(f, xs, 32, randSamples));
            }
        }
        // Drawn last, thin and dashed, so that curves lying exactly on y = x stay visible beneath it.
        c.add(new XYChart.Series("IDEAL", x, x.clone(), XYChart.Kind.LINE, "#555555", "3 3", null, null));
        return new Figure("staircase", "What each format reconstructs from a value x that is the largest magnitude "
                + "of its block (element formats: from x alone).", c);
    }

    /** Element casts and reference curves map every value on its own. */
    static boolean elementWise(QuantFormat f) {
        return f.family().equals("element") || f.family().equals("reference");
    }

    private static String label(QuantFormat f) {
        return f.name().toUpperCase(Locale.ROOT);
    }

    /**
     * Mean reconstruction of x when it is the largest magnitude of a 1 x {@code width} row whose other
     * values are drawn from U[0, x); a fresh generator seeded 0 per format, like the seed. Formats whose
     * scales never span rows (BFP, MX, NVFP4, whose per-tensor scale follows the common maximum x) get
     * all rows of one x in a single call; the others one row at a time.
     */
    static double[] blockCurve(QuantFormat f, float[] xs, int width, int samples) {
        boolean rowLocal = f.family().equals("bfp") || f.family().equals("mx") || f.family().equals("nvfp4");
        int batch = rowLocal ? samples : 1;
        SplittableRandom rng = new SplittableRandom(0);
        double[] out = new double[xs.length];
        float[] rows = new float[batch * width];
        int[] idx = new int[batch];
        long[] shape = {batch, width};
        for (int i = 0; i < xs.length; i++) {
            float am = xs[i];
            double sum = 0;
            for (int done = 0; done < samples; done += batch) {
                for (int r = 0; r < batch; r++) {
                    for (int j = 0; j < width; j++) {
                        float v = (float) (rng.nextDouble() * am);
                        rows[r * width + j] = v >= am && am > 0 ? Math.nextDown(am) : v;
                    }
                    idx[r] = rng.nextInt(width);
                    rows[r * width + idx[r]] = am;
                }
                float[] q = f.fakeQuantize(rows, shape, EncodeMode.DEFAULT);
                for (int r = 0; r < batch; r++) {
                    sum += q[r * width + idx[r]];
                }
            }
            out[i] = sum / samples;
        }
        return out;
    }

    /** numpy's float32 linspace: start + i * step in float64, the last point exactly {@code stop}, cast to float32. */
    static float[] linspace(float start, float stop, int n) {
        float[] out = new float[n];
        double step = n > 1 ? ((double) stop - start) / (n - 1) : 0;
        for (int i = 0; i < n; i++) {
            out[i] = (float) (start + i * step);
        }
        if (n > 1) {
            out[n - 1] = stop;
        }
        return out;
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
