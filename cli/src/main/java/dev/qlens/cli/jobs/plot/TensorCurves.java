package dev.qlens.cli.jobs.plot;

import dev.qlens.cli.jobs.sweep.SweepJob;
import dev.qlens.cli.jobs.sweep.SweepOptions;
import dev.qlens.cli.jobs.sweep.SweepRow;
import dev.qlens.cli.jobs.sweep.TensorSelection;
import dev.qlens.cli.jobs.sweep.TensorSweepResult;
import dev.qlens.cli.plot.Figure;
import dev.qlens.cli.plot.XYChart;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.metrics.TensorStats;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.formats.catalog.FormatCatalog;
import dev.qlens.formats.catalog.QuantFormat;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.Convention;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Seed 001's per-tensor plots: for each selected tensor, what every format makes of the values between
 * the tensor's minimum and maximum (the seed's curve: {@code points} evenly spaced float32 values
 * quantized as one 1-D row, so neighbouring points share block scales), with each format's MAE over
 * the real tensor in the legend, measured with the tensor's true block layout exactly as
 * {@code qlens sweep} measures it.
 */
public final class TensorCurves {
    /**
     * What to plot.
     *
     * @param checkpoint the checkpoint
     * @param filters tensor filters (as sweep)
     * @param regex whether filters are regular expressions
     * @param limit at most this many tensors, or null
     * @param formats the formats (the seed's seven when empty)
     * @param points points per curve
     * @param conventions quantization conventions applied when reading
     * @param threads worker threads for the MAE pass
     * @param progress whether to show progress
     */
    public record Options(Path checkpoint, List<String> filters, boolean regex, Integer limit, List<QuantFormat> formats,
                          int points, Set<Convention> conventions, int threads, boolean progress) {
    }

    private TensorCurves() {
    }

    /** One figure per selected tensor, in name order. */
    public static List<Figure> of(Options o) throws Exception {
        if (o.points() < 2) {
            throw new IllegalArgumentException("--points must be at least 2");
        }
        List<QuantFormat> formats = o.formats();
        if (formats == null || formats.isEmpty()) {
            formats = new ArrayList<>();
            for (String f : StaircaseFigure.SEED_FORMATS) {
                formats.add(FormatCatalog.parse(f));
            }
        }
        SweepOptions so = new SweepOptions(o.checkpoint(), o.filters(), o.regex(), formats, o.limit(), null, 0.999, null,
                o.threads(), null, false, o.conventions(), o.progress());
        Map<String, TensorSweepResult> mae = new HashMap<>();
        for (TensorSweepResult r : SweepJob.run(so).report().tensors()) {
            mae.put(r.name(), r);
        }
        List<Figure> out = new ArrayList<>();
        try (Checkpoint c = Checkpoints.open(o.checkpoint())) {
            CheckpointView view = CheckpointView.of(c, o.conventions());
            List<LogicalTensor> selected = TensorSelection.select(view, o.filters(), o.regex(), o.limit());
            dev.qlens.cli.jobs.ReadPlan.announce(c, selected);
            for (LogicalTensor t : selected) {
                out.add(figure(t, formats, o.points(), mae.get(t.name())));
            }
        }
        return out;
    }

    private static Figure figure(LogicalTensor t, List<QuantFormat> formats, int points, TensorSweepResult r)
            throws IOException {
        double[] range = range(t);
        double lo = range[0];
        double hi = range[1];
        if (lo == hi) {
            double eps = Math.max(Math.abs(lo) * 1e-6, 1e-6);
            lo -= eps;
            hi += eps;
        }
        float[] xs = StaircaseFigure.linspace((float) lo, (float) hi, points);
        double[] x = StaircaseFigure.toDouble(xs);
        String shape = java.util.Arrays.toString(t.shape()).replace(", ", " × ").replaceAll("[\\[\\]]", "");
        XYChart c = new XYChart(t.name(), String.format(Locale.ROOT, "%s · values %.4g … %.4g · MAE over all %d elements",
                shape, range[0], range[1], t.numel()), "original value", "reconstructed value", false, false);
        for (int i = 0; i < formats.size(); i++) {
            QuantFormat f = formats.get(i);
            double m = Double.NaN;
            if (r != null) {
                for (SweepRow row : r.rows()) {
                    if (row.compression().equals("none") && row.format().equals(f.name())) {
                        m = row.metrics().mae();
                    }
                }
            }
            float[] y = f.fakeQuantize(xs, new long[] {points}, EncodeMode.DEFAULT);
            c.line(String.format(Locale.ROOT, "%s (MAE %.3e)", f.name().toUpperCase(Locale.ROOT), m), x,
                    StaircaseFigure.toDouble(y));
        }
        c.add(new XYChart.Series("Ideal", x, x.clone(), XYChart.Kind.LINE, "#555555", "3 3", null, null));
        return new Figure(t.name(), "What each format makes of the values of " + t.name()
                + " between its minimum and maximum; the legend gives each format's mean absolute error on the tensor.", c);
    }

    /** The smallest and largest finite value of the tensor, streamed ({0, 0} when it has none). */
    private static double[] range(LogicalTensor t) throws IOException {
        TensorStats st = TensorStats.of(t.open());
        return Double.isNaN(st.min()) ? new double[] {0, 0} : new double[] {st.min(), st.max()};
    }
}
