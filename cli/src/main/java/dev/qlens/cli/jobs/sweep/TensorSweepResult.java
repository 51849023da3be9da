package dev.qlens.cli.jobs.sweep;

import java.util.List;

/**
 * The sweep of one tensor.
 *
 * @param name tensor name
 * @param shape logical shape
 * @param dtype stored dtype (torch name) and scheme
 * @param storedBytes bytes of the tensor as stored (scales included)
 * @param rows one row per compression and format
 * @param recommended the recommended format (fewest bits meeting the criterion), or null
 * @param recommendedBytes its bytes, or the stored bytes when nothing qualifies
 * @param note a remark (for example why transpose was skipped), or null
 */
public record TensorSweepResult(String name, long[] shape, String dtype, long storedBytes, List<SweepRow> rows,
                                SweepRow recommended, long recommendedBytes, String note) {
}
