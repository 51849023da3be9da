package dev.qlens.cli.jobs.compare;

import dev.qlens.cli.util.Numbers;
import dev.qlens.cli.util.TextTable;
import dev.qlens.core.metrics.ErrorMetrics;
import java.io.PrintWriter;
import java.util.List;

/** The human-readable report: inputs, aggregate block, the worst tensors, and what was not compared. */
public final class CompareConsole {
    private CompareConsole() {
    }

    /** Prints the report. */
    public static void print(CompareReport r, CompareReport.Sort sort, int top, PrintWriter out) {
        out.println("original:  " + r.original().path() + " (" + r.original().storage() + conventions(r.original()) + ")");
        out.println("quantized: " + r.quantized().path() + " (" + r.quantized().storage() + conventions(r.quantized())
                + ")");
        CompareAggregate a = r.aggregate();
        out.println();
        out.println("AGGREGATE (" + a.tensors() + " tensors that differ, " + Numbers.fixed(a.elements() / 1e6, 2)
                + " M elements; " + a.identical() + " identical tensors counted apart)");
        TextTable t = new TextTable("metric", ">value", "metric ", ">value ");
        t.row("mean absolute error", sci(a.meanAbsoluteError()), "overall SNR (dB)", db(a.overallSnrDb()));
        t.row("median absolute error", sci(a.medianAbsoluteError()), "mean Pearson", fixed(a.meanPearson(), 6));
        t.row("max absolute error", sci(a.maxAbsoluteError()), "mean cosine", fixed(a.meanCosine(), 6));
        t.row("mean squared error", sci(a.meanSquaredError()), "total error norm", sci(a.errorNorm()));
        t.row("mean relative error", sci(a.meanRelativeError()), "element-weighted MAE",
                sci(a.weightedMeanAbsoluteError()));
        t.row("median relative error", sci(a.medianRelativeError()), "element-weighted rel. error",
                sci(a.weightedRelativeError()));
        t.row("max element relative error", sci(a.maxRelativeError()), "non-finite pairs", a.nonFinitePairs());
        out.print(t.render());
        StringBuilder pct = new StringBuilder("element-wise relative error percentiles:");
        a.percentiles().forEach((k, v) -> pct.append(' ').append(k.replace('_', '.')).append('=').append(sci(v)));
        out.println(pct);
        List<TensorResult> worst = r.worst(sort, top);
        if (!worst.isEmpty()) {
            out.println();
            out.println("TOP " + worst.size() + " WORST TENSORS (by " + sort.name().toLowerCase(java.util.Locale.ROOT) + ")");
            TextTable w = new TextTable("tensor", "shape", "dtype", ">MAE", ">rel err", ">max abs", ">SNR dB", ">Pearson",
                    ">cosine", "format");
            for (TensorResult x : worst) {
                ErrorMetrics m = x.metrics();
                w.row(x.name(), shape(x.shape()), x.originalDtype().replace("torch.", "") + " -> "
                        + x.quantizedDtype().replace("torch.", ""), sci(m.meanAbsoluteError()), sci(m.relativeError()),
                        sci(m.maxAbsoluteError()), db(m.snrDb()), fixed(m.pearson(), 6), fixed(m.cosine(), 6),
                        scheme(x));
            }
            out.print(w.render());
        }
        TensorPairing p = r.pairing();
        problems(out, "not in the quantized checkpoint", p.missingInQuantized());
        problems(out, "only in the quantized checkpoint", p.missingInOriginal());
        problems(out, "shape mismatch", p.shapeMismatches().stream().map(s -> s.name() + ": " + s.reason()).toList());
        problems(out, "cannot be read", p.unsupported().stream().map(s -> s.name() + ": " + s.reason()).toList());
        problems(out, "empty (skipped)", p.empty());
        for (String warning : r.warnings()) {
            out.println("warning: " + warning);
        }
        out.flush();
    }

    private static void problems(PrintWriter out, String what, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        out.println();
        out.println(names.size() + " tensor" + (names.size() == 1 ? "" : "s") + " " + what + ":");
        int shown = Math.min(names.size(), 20);
        for (int i = 0; i < shown; i++) {
            out.println("  " + names.get(i));
        }
        if (shown < names.size()) {
            out.println("  ... and " + (names.size() - shown) + " more (see the JSON report)");
        }
    }

    /** Format and scale granularity in a few characters, e.g. {@code int8/channel} or {@code fp8/block 1x128}. */
    static String scheme(TensorResult x) {
        if (x.format() == null) {
            return "-";
        }
        String g = x.granularity();
        if (g == null) {
            return x.format();
        }
        if (g.startsWith("per-tensor")) {
            return x.format() + "/tensor";
        }
        if (g.startsWith("per-channel")) {
            return x.format() + "/channel";
        }
        return x.format() + "/" + g;
    }

    private static String conventions(CompareReport.Source s) {
        return s.conventions().isEmpty() ? "" : ", " + String.join(", ", s.conventions());
    }

    static String shape(long[] s) {
        StringBuilder b = new StringBuilder();
        for (long d : s) {
            b.append(b.length() == 0 ? "" : "x").append(d);
        }
        return b.length() == 0 ? "scalar" : b.toString();
    }

    private static String sci(double v) {
        return Double.isNaN(v) ? "-" : Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : Numbers.sci(v, 6);
    }

    private static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "-" : Numbers.fixed(v, digits);
    }

    private static String db(double v) {
        return Double.isNaN(v) ? "-" : Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : Numbers.fixed(v, 2);
    }
}
