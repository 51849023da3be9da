package dev.qlens.cli.jobs.quantize;

import dev.qlens.cli.util.Numbers;
import dev.qlens.cli.util.TextTable;
import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.core.tensor.Shapes;
import dev.qlens.formats.comfy.LearnedRounding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The console form of a quantize report: one row per candidate layer, the kept layers with reasons, totals. */
public final class QuantizeConsole {
    private QuantizeConsole() {
    }

    private static String outputError(double e) {
        return Double.isNaN(e) ? "-" : Numbers.sci(e, 3);
    }

    /** Prints the report. */
    public static void print(QuantizeReport r, PrintWriter out) {
        boolean learned = r.layers().stream().anyMatch(l -> l.learned() != null);
        boolean held = r.layers().stream().anyMatch(l -> l.stats() != null && !Double.isNaN(l.stats().outputError()));
        boolean improved = r.method().contains("scale search") || r.method().startsWith("GPTQ") || learned || held;
        java.util.List<String> head = new java.util.ArrayList<>(java.util.List.of("layer", "format", "shape"));
        if (improved) {
            head.addAll(java.util.List.of(">rtn rel", ">rtn SNR", ">final rel", ">final SNR"));
        } else {
            head.addAll(java.util.List.of(">rel error", ">SNR dB", ">bytes"));
        }
        if (learned) {
            head.addAll(java.util.List.of(">top-k before", ">top-k learned", ">changed"));
        }
        if (held) {
            head.addAll(java.util.List.of(">rtn out err", ">final out err"));
        }
        head.add(">time");
        TextTable t = new TextTable(head.toArray(new String[0]));
        for (QuantizeReport.Layer l : r.layers()) {
            if (l.stats() == null) {
                continue;
            }
            ErrorMetrics a = l.rtn();
            ErrorMetrics b = l.result();
            java.util.List<String> row = new java.util.ArrayList<>(java.util.List.of(l.name(), l.format(),
                    Shapes.toString(l.shape())));
            if (improved) {
                row.addAll(java.util.List.of(Numbers.sci(a.relativeL2(), 3), Numbers.fixed(a.snrDb(), 2),
                        Numbers.sci(b.relativeL2(), 3), Numbers.fixed(b.snrDb(), 2)));
            } else {
                row.addAll(java.util.List.of(Numbers.sci(b.relativeL2(), 3), Numbers.fixed(b.snrDb(), 2),
                        Numbers.bytes(l.bytesOut())));
            }
            if (learned) {
                LearnedRounding.Outcome lr = l.learned();
                row.addAll(java.util.List.of(lr == null ? "" : Numbers.sci(lr.startObjective(), 3),
                        lr == null ? "" : Numbers.sci(lr.finalObjective(), 3) + (l.stats().revertedToRtn() ? "*" : ""),
                        lr == null ? "" : Long.toString(lr.changedCodes())));
            }
            if (held) {
                row.addAll(java.util.List.of(outputError(l.stats().outputErrorRtn()), outputError(l.stats().outputError())));
            }
            row.add(Numbers.fixed(l.stats().seconds(), 2) + " s");
            t.row(row.toArray(new String[0]));
        }
        if (r.dryRun()) {
            TextTable plan = new TextTable("layer", "action", "format", "shape", ">bytes in", ">bytes out", "reason");
            for (QuantizeReport.Layer l : r.layers()) {
                ErrorMetrics m = l.measured();
                String why = l.reason() == null ? "" : l.reason();
                if (m != null && l.action().equals("quantized")) {
                    why = (why.isEmpty() ? "" : why + "; ") + "measured SNR " + Numbers.fixed(m.snrDb(), 2) + " dB";
                }
                plan.row(l.name(), l.action(), l.format() == null ? "-" : l.format(), Shapes.toString(l.shape()),
                        Numbers.bytes(l.bytesIn()), Numbers.bytes(l.bytesOut()), why);
            }
            out.println("plan (dry run, nothing written):");
            out.print(plan.render());
        } else if (t.size() > 0) {
            out.print(t.render());
            if (held) {
                out.println("out err: relative output error ||(W - Q) X||^2 / ||W X||^2 on the held-out inputs of the"
                        + " calibration file (GPTQ never sees them).");
            }
            if (learned) {
                out.println("rtn: round-to-nearest at the format's own scales; final: what was written. top-k: the seed's"
                        + " objective ||U_k^T (Q - W) V_k|| before and after learned rounding.");
                if (r.layers().stream().anyMatch(l -> l.stats() != null && l.stats().revertedToRtn())) {
                    out.println("* learned rounding raised the Frobenius error above the codes it started from, which"
                            + " were written instead (--allow-worse writes the learned codes)");
                }
            }
        }
        if (!r.dryRun()) {
            TextTable kept = new TextTable("kept or dropped layer", "action", "shape", "reason");
            for (QuantizeReport.Layer l : r.layers()) {
                if (l.stats() == null) {
                    kept.row(l.name(), l.action(), Shapes.toString(l.shape()), l.reason());
                }
            }
            if (kept.size() > 0) {
                out.println();
                out.print(kept.render());
            }
        }
        out.println();
        Map<String, Long> reasons = new LinkedHashMap<>();
        for (QuantizeReport.Layer l : r.layers()) {
            if (l.action().equals("kept") && l.reason() != null) {
                String key = l.reason().startsWith("measured") ? "measured error"
                        : l.reason().replaceAll("[:(;].*", "").trim();
                reasons.merge(key, 1L, Long::sum);
            }
        }
        StringBuilder why = new StringBuilder();
        reasons.forEach((k, v) -> why.append(why.length() == 0 ? " (" : ", ").append(v).append(' ').append(k));
        if (why.length() > 0) {
            why.append(')');
        }
        out.println((r.dryRun() ? "would quantize " : "quantized ") + r.count("quantized") + " layers to " + r.format()
                + " (" + r.method() + "), kept " + r.count("kept") + why + ", dropped " + r.count("dropped") + ", copied "
                + r.copied() + " other tensors");
        out.println(Numbers.bytes(r.bytesIn()) + " -> " + Numbers.bytes(r.bytesOut()) + " ("
                + Numbers.fixed(100 * r.ratio(), 1) + "%) in " + Numbers.fixed(r.seconds(), 1) + " s"
                + (r.outputs().isEmpty() ? "" : "; wrote " + String.join(", ", r.outputs().stream().map(Path::toString).toList())));
        if (!r.mainline()) {
            out.println("note: some layers use formats only the seed tool's ComfyUI-QuantOps custom node loads;"
                    + " mainline ComfyUI raises KeyError on them");
        }
    }
}
