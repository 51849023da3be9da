package dev.qlens.cli.jobs.shard;

/**
 * What every partial result says about itself, so that {@code qlens merge} can check that its parts
 * belong together: which job wrote it, which shard it is, and the digest of the tensors all shards
 * were planned from.
 *
 * @param kind compare, sweep or quantize
 * @param shard this part's shard number (1-based)
 * @param count the number of shards
 * @param plan {@link Shard#plan} of the full selection
 * @param items tensors in the full selection
 * @param version the qlens version that wrote it
 */
public record PartHeader(String kind, int shard, int count, String plan, int items, String version) {
}
