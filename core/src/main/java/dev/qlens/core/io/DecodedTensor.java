package dev.qlens.core.io;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.tensor.DType;
import java.io.IOException;

/** A stored tensor decoded to float32 through the active {@link Kernels}. */
public final class DecodedTensor implements FloatView {
    private final TensorEntry entry;
    private final DType dtype;
    private final long[] shape;
    private final Kernels kernels;
    private byte[] bytes = new byte[0];
    private float[] scratch = new float[0];

    /** Decodes {@code entry} with the active kernels. */
    public DecodedTensor(TensorEntry entry) {
        this(entry, KernelProvider.get());
    }

    /** Decodes {@code entry} with the given kernels. */
    public DecodedTensor(TensorEntry entry, Kernels kernels) {
        if (entry.dtype() == DType.C64) {
            throw new CheckpointException(entry.origin() + ": tensor '" + entry.name()
                    + "' is complex64, which has no real float32 value");
        }
        this.entry = entry;
        this.dtype = entry.dtype();
        this.shape = entry.shape();
        this.kernels = kernels;
    }

    /** The underlying tensor. */
    public TensorEntry entry() {
        return entry;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public void read(long start, float[] dst, int off, int count) throws IOException {
        if (count == 0) {
            return;
        }
        int group = dtype.elementsPerByteGroup();
        int groupBytes = dtype.bytesPerByteGroup();
        long first = start - start % group;
        int skip = (int) (start - first);
        long endElem = start + count;
        long last = Math.min(numel(), (endElem + group - 1) / group * group);
        int n = (int) (last - first);
        int byteLen = n / group * groupBytes;
        long byteOff = first / group * groupBytes;
        if (bytes.length < byteLen) {
            bytes = new byte[byteLen];
        }
        entry.readBytes(byteOff, bytes, 0, byteLen);
        if (skip == 0 && n == count) {
            kernels.decode(dtype, bytes, 0, dst, off, n);
        } else {
            if (scratch.length < n) {
                scratch = new float[n];
            }
            kernels.decode(dtype, bytes, 0, scratch, 0, n);
            System.arraycopy(scratch, skip, dst, off, count);
        }
    }
}
