package dev.qlens.cli.jobs.sweep;

import dev.qlens.core.io.FloatView;
import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.formats.catalog.FakeQuantizer;
import dev.qlens.formats.catalog.FormatCatalog;
import java.io.IOException;
import java.util.List;

/**
 * For every 32 x 32 tile and every tile format, the float64 sums that the metrics need (count, sums of
 * x, y, x^2, y^2, xy, |e|, e^2, and max |e|), taken over the tile's real elements (padding excluded) in
 * row order. Any assignment of formats to tiles is then evaluated from these sums alone, without
 * re-reading or holding the tensor. Index {@link #REFERENCE} stands for a tile left unquantized.
 */
public final class TileSums {
    /** The format index of an unquantized (reference) tile. */
    public static final int REFERENCE = -1;

    private final TileGrid grid;
    private final List<TileFormat> formats;
    private final int tiles;
    /** [format + 1][tile] (slot 0 is the reference). */
    private final double[][] sx;
    private final double[][] sy;
    private final double[][] sxx;
    private final double[][] syy;
    private final double[][] sxy;
    private final double[][] sae;
    private final double[][] see;
    private final double[][] max;
    private final long[] count;

    private TileSums(TileGrid grid, List<TileFormat> formats) {
        this.grid = grid;
        this.formats = List.copyOf(formats);
        this.tiles = grid.tiles();
        int f = formats.size() + 1;
        sx = new double[f][tiles];
        sy = new double[f][tiles];
        sxx = new double[f][tiles];
        syy = new double[f][tiles];
        sxy = new double[f][tiles];
        sae = new double[f][tiles];
        see = new double[f][tiles];
        max = new double[f][tiles];
        count = new long[tiles];
    }

    /** Streams the tensor in bands of 32 rows and fills the sums of every tile and format. */
    public static TileSums compute(FloatView view, long[] shape, List<TileFormat> formats) throws IOException {
        TileGrid g = TileGrid.of(shape);
        TileSums s = new TileSums(g, formats);
        int cols = (int) g.cols();
        float[] band = new float[TileGrid.TILE * cols];
        float[] q = new float[band.length];
        long tw = g.tilesWide();
        for (long band0 = 0; band0 < g.rows(); band0 += TileGrid.TILE) {
            int bandRows = (int) Math.min(TileGrid.TILE, g.rows() - band0);
            long first = band0 * g.cols();
            int n = (int) Math.min((long) bandRows * cols, g.numel() - first);
            view.read(first, band, 0, n);
            int tileRow = (int) (band0 / TileGrid.TILE);
            s.accumulate(0, band, band, n, cols, tileRow, tw);
            for (int fi = 0; fi < formats.size(); fi++) {
                FakeQuantizer fq = FormatCatalog.parse(formats.get(fi).cliName())
                        .fakeQuantizer(new long[] {(n + cols - 1) / cols, cols}, EncodeMode.DEFAULT);
                fq.apply(0, band, 0, n, q, 0);
                s.accumulate(fi + 1, band, q, n, cols, tileRow, tw);
            }
        }
        return s;
    }

    private void accumulate(int slot, float[] x, float[] y, int n, int cols, int tileRow, long tilesWide) {
        boolean reference = slot == 0;
        for (int i = 0; i < n; i++) {
            int r = i / cols;
            int c = i % cols;
            int t = (int) (tileRow * tilesWide + c / TileGrid.TILE);
            double dx = x[i];
            double dy = y[i];
            if (!(Math.abs(dx) < Double.POSITIVE_INFINITY) || !(Math.abs(dy) < Double.POSITIVE_INFINITY)) {
                continue;
            }
            double e = dy - dx;
            double ae = Math.abs(e);
            sx[slot][t] += dx;
            sy[slot][t] += dy;
            sxx[slot][t] = Math.fma(dx, dx, sxx[slot][t]);
            syy[slot][t] = Math.fma(dy, dy, syy[slot][t]);
            sxy[slot][t] = Math.fma(dx, dy, sxy[slot][t]);
            sae[slot][t] += ae;
            see[slot][t] = Math.fma(e, e, see[slot][t]);
            max[slot][t] = Math.max(max[slot][t], ae);
            if (reference) {
                count[t]++;
            }
        }
    }

    /** The grid. */
    public TileGrid grid() {
        return grid;
    }

    /** The tile formats, in index order. */
    public List<TileFormat> formats() {
        return formats;
    }

    /** Number of tiles. */
    public int tiles() {
        return tiles;
    }

    /** Real (unpadded) elements of a tile. */
    public long count(int tile) {
        return count[tile];
    }

    /** Adds tile t under format index f (or {@link #REFERENCE}) to {@code e}. */
    public void addTo(ErrorSums e, int tile, int format) {
        int s = format + 1;
        e.count += count[tile];
        e.sumX += sx[s][tile];
        e.sumY += sy[s][tile];
        e.sumXX += sxx[s][tile];
        e.sumYY += syy[s][tile];
        e.sumXY += sxy[s][tile];
        e.sumAbsError += sae[s][tile];
        e.sumSquaredError += see[s][tile];
        e.maxAbsError = Math.max(e.maxAbsError, max[s][tile]);
    }

    /** Subtracts tile t under format index f (for incremental updates). */
    public void subtractFrom(ErrorSums e, int tile, int format) {
        int s = format + 1;
        e.count -= count[tile];
        e.sumX -= sx[s][tile];
        e.sumY -= sy[s][tile];
        e.sumXX -= sxx[s][tile];
        e.sumYY -= syy[s][tile];
        e.sumXY -= sxy[s][tile];
        e.sumAbsError -= sae[s][tile];
        e.sumSquaredError -= see[s][tile];
    }

    /** The metrics of one tile under a format. */
    public SweepMetrics tileMetrics(int tile, int format) {
        ErrorSums e = new ErrorSums();
        addTo(e, tile, format);
        return SweepMetrics.of(e);
    }

    /** The metrics of a whole assignment (format index per tile, {@link #REFERENCE} allowed), summed in tile order. */
    public SweepMetrics evaluate(int[] assignment) {
        return SweepMetrics.of(totals(assignment));
    }

    /** The summed sums of an assignment, in tile order. */
    public ErrorSums totals(int[] assignment) {
        ErrorSums e = new ErrorSums();
        for (int t = 0; t < tiles; t++) {
            addTo(e, t, assignment[t]);
        }
        return e;
    }
}
