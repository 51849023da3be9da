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

    /** Prints the report. */
    public static void print(QuantizeReport r, PrintWriter out) {
        boolean learned = r.layers().stream().anyMatch(l -> l.learned() != null);
        boolean improved = r.method().contains("scale search") || learned;
        TextTable t = learned
                ? new TextTable("layer", "format", "shape", ">rtn rel", ">rtn SNR", ">final rel", ">final SNR",
                        ">top-k before", ">top-k learned", ">changed", ">time")
                : improved
                ? new TextTable("layer", "format", "shape", ">rtn rel", ">rtn SNR", ">final rel", ">final SNR", ">time")
                : new TextTable("layer", "format", "shape", ">rel error", ">SNR dB", ">bytes", ">time");
        for (QuantizeReport.Layer l : r.layers()) {
            if (l.stats() == null) {
                continue;
            }
            ErrorMetrics a = l.rtn();
            ErrorMetrics b = l.result();
            String shape = Shapes.toString(l.shape());
            String time = Numbers.fixed(l.stats().seconds(), 2) + " s";
            if (learned) {
                LearnedRounding.Outcome lr = l.learned();
                t.row(l.name(), l.format(), shape, Numbers.sci(a.relativeL2(), 3), Numbers.fixed(a.snrDb(), 2),
                        Numbers.sci(b.relativeL2(), 3), Numbers.fixed(b.snrDb(), 2),
                        lr == null ? "" : Numbers.sci(lr.startObjective(), 3),
                        lr == null ? "" : Numbers.sci(lr.finalObjective(), 3) + (l.stats().revertedToRtn() ? "*" : ""),
                        lr == null ? "" : Long.toString(lr.changedCodes()), time);
            } else if (improved) {
                t.row(l.name(), l.format(), shape, Numbers.sci(a.relativeL2(), 3), Numbers.fixed(a.snrDb(), 2),
                        Numbers.sci(b.relativeL2(), 3), Numbers.fixed(b.snrDb(), 2), time);
            } else {
                t.row(l.name(), l.format(), shape, Numbers.sci(b.relativeL2(), 3), Numbers.fixed(b.snrDb(), 2),
                        Numbers.bytes(l.bytesOut()), time);
            }
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
