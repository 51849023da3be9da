package dev.qlens.core.io;

import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A 2-D tensor presented transposed: stored as [a, b], read as [b, a]. Reads go through a band
 * cache of whole output rows (at most about 8 MiB), filled with one positional read per stored row,
 * so sequential readers touch each stored byte once.
 */
public final class TransposedEntry implements TensorEntry {
    private static final long BAND_BYTES = 8L << 20;

    private final TensorEntry stored;
    private final String name;
    private final String origin;
    private final Map<String, String> attributes;
    private final long storedRows;
    private final long storedCols;
    private final int elementSize;
    private final int rowsPerBand;
    private byte[] band;
    private long bandFirstRow = -1;
    private int bandRows;

    /**
     * @param stored a 2-D tensor with whole-byte elements
     * @param name the name to present
     * @param origin the description to present
     * @param extra attributes to add
     */
    public TransposedEntry(TensorEntry stored, String name, String origin, Map<String, String> extra) {
        long[] s = stored.shape();
        if (s.length != 2 || stored.dtype().bits() % 8 != 0) {
            throw new IllegalArgumentException("can only transpose 2-D tensors of whole-byte elements: " + stored.name());
        }
        this.stored = stored;
        this.name = name;
        this.origin = origin;
        Map<String, String> a = new LinkedHashMap<>(stored.attributes());
        a.put("transposed_from", stored.name() + " " + Shapes.toString(s));
        a.putAll(extra);
        this.attributes = Map.copyOf(a);
        this.storedRows = s[0];
        this.storedCols = s[1];
        this.elementSize = stored.dtype().bits() / 8;
        long perRow = Math.max(1, storedRows * elementSize);
        this.rowsPerBand = (int) Math.max(1, Math.min(storedCols, BAND_BYTES / perRow));
    }

    /** The tensor as stored. */
    public TensorEntry stored() {
        return stored;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DType dtype() {
        return stored.dtype();
    }

    @Override
    public long[] shape() {
        return new long[] {storedCols, storedRows};
    }

    @Override
    public long byteSize() {
        return stored.byteSize();
    }

    @Override
    public synchronized void readBytes(long offset, byte[] dst, int dstOff, int len) throws IOException {
        if (offset < 0 || offset + len > byteSize() || offset % elementSize != 0 || len % elementSize != 0) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + len) + ") of tensor '" + name + "'");
        }
        long rowBytes = storedRows * elementSize; // bytes per output row
        long pos = offset;
        int out = dstOff;
        int remaining = len;
        while (remaining > 0) {
            long row = pos / rowBytes;
            if (row < bandFirstRow || row >= bandFirstRow + bandRows) {
                loadBand(row);
            }
            long inBand = pos - bandFirstRow * rowBytes;
            int n = (int) Math.min(remaining, (long) bandRows * rowBytes - inBand);
            System.arraycopy(band, (int) inBand, dst, out, n);
            pos += n;
            out += n;
            remaining -= n;
        }
    }

    private void loadBand(long firstRow) throws IOException {
        int rows = (int) Math.min(rowsPerBand, storedCols - firstRow);
        int rowBytes = (int) (storedRows * elementSize);
        if (band == null || band.length < rows * rowBytes) {
            band = new byte[rowsPerBand * rowBytes];
        }
        byte[] segment = new byte[rows * elementSize];
        for (long r = 0; r < storedRows; r++) {
            stored.readBytes((r * storedCols + firstRow) * elementSize, segment, 0, segment.length);
            // segment holds stored (r, firstRow .. firstRow+rows): output (firstRow + k, r)
            for (int k = 0; k < rows; k++) {
                System.arraycopy(segment, k * elementSize, band, (int) (k * (long) rowBytes + r * elementSize), elementSize);
            }
        }
        bandFirstRow = firstRow;
        bandRows = rows;
    }

    @Override
    public String origin() {
        return origin;
    }

    @Override
    public Map<String, String> attributes() {
        return attributes;
    }
}
