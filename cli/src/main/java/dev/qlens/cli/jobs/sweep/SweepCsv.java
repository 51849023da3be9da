package dev.qlens.cli.jobs.sweep;

import java.util.Arrays;
import java.util.Locale;

/** One CSV row per (tensor, compression, format). */
public final class SweepCsv {
    private SweepCsv() {
    }

    /** The header. */
    public static final String HEADER = "tensor,shape,compression,format,pcc,mae,atol,snr_db,bits_per_element,bytes,"
            + "recommended";

    /** The report as CSV. */
    public static String of(SweepReport r) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (TensorSweepResult t : r.tensors()) {
            for (SweepRow x : t.rows()) {
                sb.append(quote(t.name())).append(',').append(quote(Arrays.toString(t.shape()))).append(',')
                        .append(x.compression()).append(',').append(x.format()).append(',')
                        .append(num(x.metrics().pcc())).append(',').append(num(x.metrics().mae())).append(',')
                        .append(num(x.metrics().atol())).append(',').append(num(x.metrics().snrDb())).append(',')
                        .append(num(x.bitsPerElement())).append(',').append(x.bytes()).append(',')
                        .append(t.recommended() == x).append('\n');
            }
        }
        return sb.toString();
    }

    private static String num(double d) {
        if (Double.isNaN(d)) {
            return "";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, "%.9g", d);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
