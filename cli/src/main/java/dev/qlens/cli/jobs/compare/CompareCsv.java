package dev.qlens.cli.jobs.compare;

import dev.qlens.core.metrics.ErrorMetrics;
import java.util.Locale;

/** One CSV row per compared tensor whose values differ (RFC 4180 quoting; empty cells for undefined values). */
public final class CompareCsv {
    private CompareCsv() {
    }

    /** The header line. */
    public static final String HEADER = "layer_name,original_dtype,quantized_dtype,tensor_shape,tensor_elements,"
            + "mean_absolute_error,max_absolute_error,mean_squared_error,root_mean_squared_error,relative_error,"
            + "max_relative_error,mean_relative_error,relative_l2_error,snr_db,pearson_correlation,cosine_similarity,"
            + "rel_p50,rel_p90,rel_p99,rel_p99_9,scale_factor,format,block_size";

    /** The report as CSV text. */
    public static String of(CompareReport r) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (TensorResult t : r.layers()) {
            ErrorMetrics m = t.metrics();
            StringBuilder shape = new StringBuilder();
            for (long d : t.shape()) {
                shape.append(shape.length() == 0 ? "" : "x").append(d);
            }
            Object[] cells = {t.name(), t.originalDtype(), t.quantizedDtype(), shape, t.elements(),
                m.meanAbsoluteError(), m.maxAbsoluteError(), m.meanSquaredError(), m.rootMeanSquaredError(),
                m.relativeError(), m.maxRelativeError(), m.meanRelativeError(), m.relativeL2(), m.snrDb(), m.pearson(),
                m.cosine(), m.percentiles().get("p50"), m.percentiles().get("p90"), m.percentiles().get("p99"),
                m.percentiles().get("p99_9"), t.scale() == null ? null : t.scale().mean(), t.format(),
                t.blockSize() > 0 ? t.blockSize() : null};
            for (int i = 0; i < cells.length; i++) {
                sb.append(i == 0 ? "" : ",").append(cell(cells[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            if (d.isNaN()) {
                return "";
            }
            if (d.isInfinite()) {
                return d > 0 ? "inf" : "-inf";
            }
            return String.format(Locale.ROOT, "%.9g", d);
        }
        String s = v.toString();
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
