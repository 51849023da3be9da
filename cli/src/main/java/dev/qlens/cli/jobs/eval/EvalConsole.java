package dev.qlens.cli.jobs.eval;

import dev.qlens.cli.util.Numbers;
import dev.qlens.cli.util.TextTable;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The human-readable {@code qlens eval} report. */
public final class EvalConsole {
    /** Which per-layer error the layer table shows. */
    public enum LayerTable {
        /** Errors accumulated through the network (each model on its own inputs). */
        ACCUMULATED,
        /** Each layer's own error (the scheme's layer on the float32 input). */
        OWN,
        /** No layer table. */
        NONE
    }

    private EvalConsole() {
    }

    /** Prints the summary, the scheme descriptions and the layer table. */
    public static void print(EvalReport r, LayerTable layers, PrintWriter out) {
        EvalReport.ModelInfo m = r.model();
        EvalReport.TextInfo t = r.texts();
        out.printf(Locale.ROOT, "qlens eval: %s (%d layers, %d wide, %d heads, %s pooling, %s linear weights)%n", m.name(),
                m.layers(), m.hidden(), m.heads(), m.pooling(), count(m.linearParameters()));
        out.printf(Locale.ROOT, "  %d texts, %s tokens, cut at %d tokens (%d cut): %s%n", t.evaluation(), count(t.tokens()),
                m.maxTokens(), t.truncated(), t.source());
        if (t.calibrationSource() != null) {
            out.printf(Locale.ROOT, "  calibration: %d texts, %s tokens: %s%n", t.calibration(), count(t.calibrationTokens()),
                    t.calibrationSource());
        }
        out.println();
        TextTable summary = new TextTable("scheme", ">cos mean", ">cos min", ">cos p1", ">cos p5", ">overlap@" + k(r),
                ">worst layer SNR dB", ">tokens/s");
        for (EvalReport.SchemeResult s : r.schemes()) {
            EvalReport.Embedding e = s.embedding();
            summary.row(s.name(), cos(e.cosineMean()), cos(e.cosineMin()), cos(e.cosineP1()), cos(e.cosineP5()),
                    Numbers.fixed(e.neighbourOverlap(), 3), worst(s), Numbers.fixed(s.tokensPerSecond(), 0));
        }
        out.print(summary.render());
        out.println();
        for (EvalReport.SchemeResult s : r.schemes()) {
            out.println("  " + s.name() + ": " + s.description());
            for (String note : s.notes()) {
                out.println("    note: " + note);
            }
        }
        if (layers != LayerTable.NONE && r.schemes().size() > 1) {
            out.println();
            printLayers(r, layers == LayerTable.OWN, out);
        }
        out.printf(Locale.ROOT, "%ntime %.1f s%n", r.seconds());
        out.flush();
    }

    private static void printLayers(EvalReport r, boolean own, PrintWriter out) {
        List<EvalReport.SchemeResult> schemes = r.schemes().subList(1, r.schemes().size());
        out.println((own ? "Each layer's own" : "Accumulated") + " output SNR (dB) against float32"
                + (own ? " (the scheme's layer on the float32 input)" : " (each model on its own inputs)")
                + "; clip % is the share of activations static W8A8 clipped:");
        List<String> headers = new ArrayList<>(List.of("layer", ">input min", ">input max"));
        for (EvalReport.SchemeResult s : schemes) {
            headers.add(">" + s.name());
        }
        EvalReport.SchemeResult clipSource = schemes.stream().filter(s -> s.name().equals("w8a8-static")).findFirst()
                .orElse(null);
        if (clipSource != null) {
            headers.add(">clip %");
        }
        TextTable table = new TextTable(headers.toArray(new String[0]));
        List<Map<String, EvalReport.LayerResult>> byName = new ArrayList<>();
        for (EvalReport.SchemeResult s : schemes) {
            Map<String, EvalReport.LayerResult> map = new HashMap<>();
            for (EvalReport.LayerResult l : s.layers()) {
                map.put(l.layer(), l);
            }
            byName.add(map);
        }
        for (EvalReport.LayerInput in : r.inputs()) {
            List<Object> row = new ArrayList<>(List.of(in.layer().replace("encoder.layer.", ""),
                    Numbers.fixed(in.min(), 2), Numbers.fixed(in.max(), 2)));
            for (Map<String, EvalReport.LayerResult> map : byName) {
                EvalReport.LayerResult l = map.get(in.layer());
                row.add(l == null ? "" : db((own ? l.own() : l.accumulated()).snrDb()));
            }
            if (clipSource != null) {
                EvalReport.LayerResult l = byName.get(schemes.indexOf(clipSource)).get(in.layer());
                row.add(l == null ? "" : String.format(Locale.ROOT, "%.3f", 100 * l.clippedFraction()));
            }
            table.row(row.toArray());
        }
        out.print(table.render());
    }

    private static int k(EvalReport r) {
        return r.schemes().isEmpty() ? 10 : r.schemes().get(0).embedding().k();
    }

    private static String worst(EvalReport.SchemeResult s) {
        double worst = Double.POSITIVE_INFINITY;
        String at = null;
        for (EvalReport.LayerResult l : s.layers()) {
            if (l.accumulated().snrDb() < worst) {
                worst = l.accumulated().snrDb();
                at = l.layer();
            }
        }
        return at == null ? "-" : db(worst) + " (" + at.replace("encoder.layer.", "") + ")";
    }

    private static String cos(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.6f", v);
    }

    private static String db(double v) {
        return Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
