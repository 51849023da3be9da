package dev.qlens.cli.jobs.sweep;

import dev.qlens.cli.util.Ansi;
import dev.qlens.cli.util.Numbers;
import dev.qlens.cli.util.TextTable;
import java.util.Arrays;
import java.util.Locale;

/**
 * The text report of a sweep: a table per tensor (pcc coloured good at 0.999 or more, fair at 0.99
 * or more, poor below; errors good up to 1e-4, fair up to 1e-3), the recommendation line, the
 * optional summary and the checkpoint-level total. Without colour it is {@code table.txt}.
 */
public final class SweepText {
    private SweepText() {
    }

    /** The whole report as text. */
    public static String render(SweepReport r, boolean summary, boolean colour) {
        StringBuilder out = new StringBuilder();
        for (TensorSweepResult t : r.tensors()) {
            out.append(Ansi.color(t.name(), Ansi.BOLD, colour)).append("  ").append(Arrays.toString(t.shape()))
                    .append("  ").append(t.dtype()).append("  ").append(Numbers.bytes(t.storedBytes())).append('\n');
            boolean mixed = t.rows().stream().anyMatch(x -> x.tiles() != null);
            TextTable table = mixed
                    ? new TextTable("  COMP", "FORMAT", ">PCC", ">MAE", ">ATOL", ">SNR dB", ">BITS", ">BYTES", ">BF16",
                    ">BFP8", ">BFP4", ">BFP2", ">KEPT")
                    : new TextTable("  COMP", "FORMAT", ">PCC", ">MAE", ">ATOL", ">SNR dB", ">BITS", ">BYTES");
            for (SweepRow x : t.rows()) {
                SweepMetrics m = x.metrics();
                Object[] cells = {"  " + x.compression(), x.format().toUpperCase(Locale.ROOT)
                        + (Boolean.FALSE.equals(x.meetsCriterion()) ? " (misses)" : ""),
                    colourPcc(m.pcc(), colour), colourErr(m.mae(), colour), colourErr(m.atol(), colour), db(m.snrDb()),
                    Numbers.fixed(x.bitsPerElement(), 3), String.format(Locale.ROOT, "%,d", x.bytes())};
                if (mixed) {
                    Object[] all = Arrays.copyOf(cells, cells.length + 5);
                    for (int i = 0; i < 5; i++) {
                        all[cells.length + i] = x.tiles() == null ? "" : x.tiles()[i];
                    }
                    cells = all;
                }
                table.row(cells);
            }
            out.append(table.render());
            if (t.recommended() != null) {
                out.append("  recommended: ").append(t.recommended().format()).append(" (")
                        .append(Numbers.fixed(t.recommended().bitsPerElement(), 3)).append(" bits/element, ")
                        .append(Numbers.bytes(t.recommended().bytes())).append(") for ").append(r.criterion())
                        .append('\n');
            } else {
                out.append("  recommended: keep as stored (no format meets ").append(r.criterion()).append(")\n");
            }
            if (t.note() != null) {
                out.append("  note: ").append(t.note()).append('\n');
            }
            out.append('\n');
        }
        if (summary) {
            out.append(Ansi.color("SUMMARY (mean over tensors)", Ansi.BOLD, colour)).append('\n');
            TextTable s = new TextTable("COMP", "FORMAT", ">TENSORS", ">PCC", ">MAE", ">ATOL", ">SNR dB", ">BYTES");
            for (SweepReport.Summary x : r.summary()) {
                s.row(x.compression(), x.format().toUpperCase(Locale.ROOT), x.tensors(), colourPcc(x.pcc(), colour),
                        colourErr(x.mae(), colour), colourErr(x.atol(), colour), db(x.snrDb()),
                        String.format(Locale.ROOT, "%,.0f", x.bytes()));
            }
            out.append(s.render()).append('\n');
        }
        long stored = r.storedBytes();
        long rec = r.recommendedBytes();
        out.append("checkpoint: ").append(r.tensors().size()).append(" tensors, ").append(Numbers.bytes(stored))
                .append(" as stored; ").append(Numbers.bytes(rec)).append(" under the recommendation (")
                .append(stored == 0 ? "-" : Numbers.fixed(100.0 * rec / stored, 1) + "%").append("); ")
                .append(r.recommendedTensors()).append(" of ").append(r.tensors().size())
                .append(" tensors have a format meeting ").append(r.criterion()).append('\n');
        return out.toString();
    }

    private static String colourPcc(double v, boolean colour) {
        String s = String.format(Locale.ROOT, "% .5f", v);
        return Ansi.color(s, v >= 0.999 ? Ansi.GREEN : v >= 0.99 ? Ansi.YELLOW : Ansi.RED, colour);
    }

    private static String colourErr(double v, boolean colour) {
        String s = String.format(Locale.ROOT, "%.3e", v);
        return Ansi.color(s, v <= 1e-4 ? Ansi.GREEN : v <= 1e-3 ? Ansi.YELLOW : Ansi.RED, colour);
    }

    private static String db(double v) {
        return Double.isNaN(v) ? "-" : Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : Numbers.fixed(v, 2);
    }
}
