package dev.qlens.cli.jobs.compare;

import dev.qlens.cli.jobs.shard.Shard;
import dev.qlens.formats.convention.Convention;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What to compare and how.
 *
 * @param original the reference checkpoint
 * @param quantized the checkpoint to measure (dequantized through its conventions)
 * @param layers substring filters on tensor names (the seed tool's --layers-to-compare); empty = all
 * @param threads worker threads (results do not depend on it)
 * @param conventions quantization conventions applied to both sides
 * @param progress whether to show a progress bar on stderr (only on a terminal)
 * @param shard the share of the tensors to compare ({@code --shard K/N}), or null for all
 */
public record CompareOptions(Path original, Path quantized, List<String> layers, int threads,
                             Set<Convention> conventions, boolean progress, Shard shard) {
    /** Validates and copies. */
    public CompareOptions {
        if (original == null || quantized == null) {
            throw new IllegalArgumentException("both an original and a quantized checkpoint are required");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, not " + threads);
        }
        layers = layers == null ? List.of() : List.copyOf(layers);
        conventions = conventions == null ? EnumSet.allOf(Convention.class) : Set.copyOf(conventions);
    }

    /** Options for the whole pair (no shard). */
    public CompareOptions(Path original, Path quantized, List<String> layers, int threads, Set<Convention> conventions,
                          boolean progress) {
        this(original, quantized, layers, threads, conventions, progress, null);
    }

    /** The same options for one shard. */
    public CompareOptions withShard(Shard s) {
        return new CompareOptions(original, quantized, layers, threads, conventions, progress, s);
    }

    /** Default options for a pair of checkpoints: every convention, all cores, no progress bar. */
    public static CompareOptions of(Path original, Path quantized) {
        return new CompareOptions(original, quantized, List.of(), Runtime.getRuntime().availableProcessors(),
                EnumSet.allOf(Convention.class), false);
    }

    /**
     * Whether a tensor name passes the layer filter: a plain, case-sensitive substring test against any
     * filter, exactly as the seed tool (an empty filter list passes everything).
     */
    public boolean selects(String name) {
        if (layers.isEmpty()) {
            return true;
        }
        for (String f : layers) {
            if (name.contains(f)) {
                return true;
            }
        }
        return false;
    }
}
