package dev.qlens.cli.jobs.sweep;

import dev.qlens.core.QlensException;
import dev.qlens.core.io.AtomicOutput;
import dev.qlens.core.io.FloatView;
import dev.qlens.core.io.Npy;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.formats.catalog.FakeQuantizer;
import dev.qlens.formats.catalog.FormatCatalog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * {@code qlens sweep --reconstruct}: rebuilds a tensor from a mixed-tile assignment map, each tile
 * quantized in its format (tiles coded -1 or with an unknown code keep their original values), and
 * writes it as a float32 {@code .npy}, streaming 32 rows at a time.
 */
public final class Reconstruct {
    private Reconstruct() {
    }

    /** Rebuilds the tensor seen through {@code view} (of {@code shape}) and writes it to {@code out}. */
    public static void run(FloatView view, long[] shape, AssignmentFiles.Map map, Path out) throws IOException {
        TileGrid g = TileGrid.of(shape);
        if (map.tilesHigh() != g.tilesHigh() || map.tilesWide() != g.tilesWide()) {
            throw new QlensException("the assignment map is " + map.tilesHigh() + " x " + map.tilesWide()
                    + " tiles, but the tensor has " + g.tilesHigh() + " x " + g.tilesWide());
        }
        int cols = (int) g.cols();
        float[] band = new float[TileGrid.TILE * cols];
        float[] y = new float[band.length];
        float[][] q = new float[TileFormat.values().length][band.length];
        try (AtomicOutput o = AtomicOutput.create(out)) {
            o.channel().write(ByteBuffer.wrap(Npy.header("<f4", shape)));
            for (long band0 = 0; band0 < g.rows(); band0 += TileGrid.TILE) {
                int n = (int) Math.min((long) TileGrid.TILE * cols, g.numel() - band0 * g.cols());
                view.read(band0 * g.cols(), band, 0, n);
                int tileRow = (int) (band0 / TileGrid.TILE);
                boolean[] needed = new boolean[TileFormat.values().length];
                for (long tc = 0; tc < g.tilesWide(); tc++) {
                    TileFormat f = map.format(map.codes()[(int) (tileRow * g.tilesWide() + tc)]);
                    if (f != null) {
                        needed[f.ordinal()] = true;
                    }
                }
                for (TileFormat f : TileFormat.values()) {
                    if (needed[f.ordinal()]) {
                        FakeQuantizer fq = FormatCatalog.parse(f.cliName())
                                .fakeQuantizer(new long[] {(n + cols - 1) / cols, cols}, EncodeMode.DEFAULT);
                        fq.apply(0, band, 0, n, q[f.ordinal()], 0);
                    }
                }
                for (int i = 0; i < n; i++) {
                    int tc = (i % cols) / TileGrid.TILE;
                    TileFormat f = map.format(map.codes()[(int) (tileRow * g.tilesWide() + tc)]);
                    y[i] = f == null ? band[i] : q[f.ordinal()][i];
                }
                ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(y, 0, n);
                while (b.hasRemaining()) {
                    o.channel().write(b);
                }
            }
            o.commit();
        }
    }
}
