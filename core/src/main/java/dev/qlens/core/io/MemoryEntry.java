package dev.qlens.core.io;

import dev.qlens.core.tensor.DType;
import java.util.Map;

/** A tensor whose bytes are held in memory (small tensors decoded from a non-raw encoding). */
public final class MemoryEntry implements TensorEntry {
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final byte[] data;
    private final String origin;
    private final Map<String, String> attributes;

    /** Creates an entry; {@code data} must hold exactly the tensor's bytes. */
    public MemoryEntry(String name, DType dtype, long[] shape, byte[] data, String origin, Map<String, String> attributes) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
        this.origin = origin;
        this.attributes = Map.copyOf(attributes);
        if (dtype.byteSize(numel()) != data.length) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.length + " bytes for " + numel()
                    + " elements of " + dtype);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long byteSize() {
        return data.length;
    }

    @Override
    public void readBytes(long offset, byte[] dst, int dstOff, int len) {
        if (offset < 0 || offset + len > data.length) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + len) + ") of tensor '" + name + "'");
        }
        System.arraycopy(data, (int) offset, dst, dstOff, len);
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
