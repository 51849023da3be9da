package dev.qlens.cli.jobs.check;

import dev.qlens.formats.convention.Convention;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code qlens check} checks.
 *
 * @param checkpoint the checkpoint to check
 * @param original the original checkpoint, for per-layer errors (or null)
 * @param minSnr layers below this SNR (dB) against the original are errors
 * @param format compliance mode: every selected float tensor must be representable in this catalog
 *     format (or null: check a quantized checkpoint)
 * @param config compliance config (tensor pattern to format), or null
 * @param only check only tensors whose name this pattern finds (compliance mode), or null
 * @param maxExamples examples listed per tensor
 * @param threads worker threads
 * @param progress show progress on stderr
 * @param conventions conventions used to read the checkpoint
 */
public record CheckOptions(Path checkpoint, Path original, double minSnr, String format, Path config, Pattern only,
                           int maxExamples, int threads, boolean progress, Set<Convention> conventions) {
}
