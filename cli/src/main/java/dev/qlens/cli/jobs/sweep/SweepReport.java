package dev.qlens.cli.jobs.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of a sweep.
 *
 * @param checkpoint the path given
 * @param storage storage description
 * @param formats the formats swept, in order
 * @param config the compression configuration used
 * @param tileFormats the tile formats of a mixed-tile run, or empty
 * @param criterion the recommendation criterion in words
 * @param tensors one result per tensor, sorted by name
 * @param kernels the kernel implementation used
 */
public record SweepReport(String checkpoint, String storage, List<String> formats, CompressionConfig config,
                          List<String> tileFormats, String criterion, List<TensorSweepResult> tensors, String kernels) {
    /** Means over tensors per (compression, format). */
    public record Summary(String compression, String format, int tensors, double pcc, double mae, double atol,
                          double snrDb, double bytes) {
    }

    /** Bytes of the swept tensors as stored. */
    public long storedBytes() {
        return tensors.stream().mapToLong(TensorSweepResult::storedBytes).sum();
    }

    /** Bytes of the swept tensors under the recommendation (stored bytes where nothing qualifies). */
    public long recommendedBytes() {
        return tensors.stream().mapToLong(TensorSweepResult::recommendedBytes).sum();
    }

    /** Tensors for which some format qualifies. */
    public long recommendedTensors() {
        return tensors.stream().filter(t -> t.recommended() != null).count();
    }

    /** The mean of each metric per (compression, format) over tensors, in first-seen order. */
    public List<Summary> summary() {
        Map<String, List<SweepRow>> groups = new LinkedHashMap<>();
        for (TensorSweepResult t : tensors) {
            for (SweepRow r : t.rows()) {
                groups.computeIfAbsent(r.compression() + "\u0000" + r.format(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Summary> out = new ArrayList<>();
        groups.forEach((k, rows) -> {
            double pcc = 0;
            double mae = 0;
            double atol = 0;
            double snr = 0;
            double bytes = 0;
            for (SweepRow r : rows) {
                pcc += r.metrics().pcc();
                mae += r.metrics().mae();
                atol += r.metrics().atol();
                snr += r.metrics().snrDb();
                bytes += r.bytes();
            }
            int n = rows.size();
            out.add(new Summary(rows.get(0).compression(), rows.get(0).format(), n, pcc / n, mae / n, atol / n, snr / n,
                    bytes / n));
        });
        return out;
    }
}
