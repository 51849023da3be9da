package dev.qlens.cli.jobs.sweep;

import java.util.List;

/**
 * A format per tile and what it achieves.
 *
 * @param formatIndex per tile, an index into the tile formats of the {@link TileSums}, or
 *                    {@link TileSums#REFERENCE} for a tile left unquantized
 * @param metrics the metrics of the rebuilt tensor
 * @param bytes packed bytes (unquantized tiles count at the original dtype's size)
 * @param meetsCriterion whether the assignment meets the criterion (with its margin)
 * @param samples the candidates tried (mixed-tile-random), or empty
 */
public record TileAssignment(int[] formatIndex, SweepMetrics metrics, long bytes, boolean meetsCriterion,
                             List<Sample> samples) {
    /** One random candidate. */
    public record Sample(int id, int[] counts, long bytes, SweepMetrics metrics) {
    }

    /** Tiles per tile format (in the order of the sums' formats), unquantized tiles last. */
    public int[] counts(int formats) {
        int[] c = new int[formats + 1];
        for (int f : formatIndex) {
            c[f < 0 ? formats : f]++;
        }
        return c;
    }

    /** Bytes of an assignment. */
    static long bytes(int[] formatIndex, List<TileFormat> formats, long referenceTileBytes) {
        long b = 0;
        for (int f : formatIndex) {
            b += f < 0 ? referenceTileBytes : formats.get(f).tileBytes();
        }
        return b;
    }
}
