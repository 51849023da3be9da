package dev.qlens.cli.jobs.sweep;

/**
 * One line of a sweep: a tensor under one compression algorithm and format.
 *
 * @param compression none, transpose, or the mixed-tile algorithm
 * @param format the catalog format name, or MIXED
 * @param metrics the metrics against the original
 * @param bitsPerElement packed bits per element, scales included
 * @param bytes packed bytes
 * @param tiles tiles per format for mixed rows (bf16, bfp8, bfp4, bfp2, unquantized), else null
 * @param meetsCriterion whether a mixed row meets its criterion, else null
 * @param cached whether the metrics came from the cache
 */
public record SweepRow(String compression, String format, SweepMetrics metrics, double bitsPerElement, long bytes,
                       int[] tiles, Boolean meetsCriterion, boolean cached) {
}
