package dev.qlens.cli.jobs.sweep;

import dev.qlens.cli.jobs.shard.Shard;
import dev.qlens.formats.catalog.QuantFormat;
import dev.qlens.formats.convention.Convention;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What to sweep and how.
 *
 * @param checkpoint the checkpoint
 * @param filters tensor name filters (as inspect: dotted prefix or substring, or regexes)
 * @param regex whether the filters are regular expressions
 * @param formats the formats to try on every tensor, in report order
 * @param limit at most this many tensors (after sorting by name), or null
 * @param config the compression algorithm (none is always run as the baseline)
 * @param minPcc the recommendation's Pearson bound
 * @param minSnr an SNR bound (dB) for the recommendation instead of the pcc bound, or null
 * @param threads worker threads (results do not depend on it)
 * @param cacheDir the metrics cache folder, or null for no cache
 * @param recompute ignore (and refresh) cached results
 * @param conventions quantization conventions to apply when reading
 * @param progress whether to show a progress bar (on a terminal)
 * @param shard the share of the tensors to sweep ({@code --shard K/N}), or null for all
 */
public record SweepOptions(Path checkpoint, List<String> filters, boolean regex, List<QuantFormat> formats, Integer limit,
                           CompressionConfig config, double minPcc, Double minSnr, int threads, Path cacheDir,
                           boolean recompute, Set<Convention> conventions, boolean progress, Shard shard) {
    /** Options for every selected tensor (no shard). */
    public SweepOptions(Path checkpoint, List<String> filters, boolean regex, List<QuantFormat> formats, Integer limit,
                        CompressionConfig config, double minPcc, Double minSnr, int threads, Path cacheDir,
                        boolean recompute, Set<Convention> conventions, boolean progress) {
        this(checkpoint, filters, regex, formats, limit, config, minPcc, minSnr, threads, cacheDir, recompute, conventions,
                progress, null);
    }

    /** Validates. */
    public SweepOptions {
        if (formats == null || formats.isEmpty()) {
            throw new IllegalArgumentException("at least one format is needed");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        filters = filters == null ? List.of() : List.copyOf(filters);
        formats = List.copyOf(formats);
        config = config == null ? CompressionConfig.none() : config;
    }

    /** Whether a row's metrics meet the recommendation criterion. */
    public boolean qualifies(SweepMetrics m) {
        if (minSnr != null) {
            return m.snrDb() >= minSnr;
        }
        return m.pcc() >= minPcc;
    }

    /** The criterion in words. */
    public String criterion() {
        return minSnr != null ? "SNR >= " + minSnr + " dB" : "pcc >= " + minPcc;
    }
}
