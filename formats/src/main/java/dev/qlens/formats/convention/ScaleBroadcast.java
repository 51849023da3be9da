package dev.qlens.formats.convention;

import dev.qlens.core.tensor.Shapes;
import java.util.Arrays;

/**
 * How a scale tensor is broadcast over a data tensor: each data dimension d of length D_d with S_d
 * scales is split into blocks of b_d elements and every block shares one scale (see
 * {@link #blockLength}: D_d / S_d when that divides, else partial last blocks of a power-of-two or
 * the producer's known length, such as DeepSeek's 128). One rule covers per-tensor scales
 * (S = 1), per-channel scales on any axis, row-wise scales, 1-D and 2-D block scales, ComfyUI's 3-D
 * [out, in/bs, 1] block scales and DeepSeek's {@code scale_inv} grids.
 *
 * <p>The scale shape is aligned to the data shape first: trailing dimensions of size 1 beyond the
 * data's rank are dropped, and a scale of lower rank is aligned to the leading data dimensions (a
 * [rows] scale of a [rows, cols] weight scales rows, not columns). An explicit axis makes the scale
 * one-dimensional along that axis.
 */
public final class ScaleBroadcast {
    private final long[] dataShape;
    private final long[] scaleShape;
    private final long[] block;
    private final long[] scaleStride;
    private final boolean perTensor;

    private ScaleBroadcast(long[] dataShape, long[] scaleShape) {
        this(dataShape, scaleShape, 0);
    }

    private ScaleBroadcast(long[] dataShape, long[] scaleShape, long preferredBlock) {
        this.dataShape = dataShape.clone();
        this.scaleShape = scaleShape;
        int rank = dataShape.length;
        this.block = new long[rank];
        this.scaleStride = new long[rank];
        long stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            block[d] = scaleShape[d] == 0 ? 1 : blockLength(dataShape[d], scaleShape[d], preferredBlock);
            scaleStride[d] = stride;
            stride *= scaleShape[d];
        }
        this.perTensor = Shapes.numel(scaleShape) == 1;
    }

    /**
     * Aligns a scale to a data tensor.
     *
     * @param axis the per-channel axis, or null to infer from the shapes
     * @throws IllegalArgumentException when the scale cannot tile the data
     */
    public static ScaleBroadcast of(long[] dataShape, long[] scaleShape, Integer axis) {
        return of(dataShape, scaleShape, axis, 0);
    }

    /**
     * Aligns a scale to a data tensor whose producer uses blocks of {@code preferredBlock} elements
     * (DeepSeek: 128) wherever that length gives the scale's block count.
     *
     * @throws IllegalArgumentException when the scale cannot tile the data
     */
    public static ScaleBroadcast of(long[] dataShape, long[] scaleShape, Integer axis, long preferredBlock) {
        int rank = dataShape.length;
        long scaleNumel = Shapes.numel(scaleShape);
        long[] aligned = new long[rank];
        Arrays.fill(aligned, 1);
        if (scaleNumel == 1 || rank == 0) {
            if (scaleNumel != 1) {
                throw new IllegalArgumentException("a scalar tensor needs a single scale, not " + Shapes.toString(scaleShape));
            }
            return new ScaleBroadcast(dataShape, aligned);
        }
        if (axis != null) {
            int a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= rank || dataShape[a] != scaleNumel) {
                throw new IllegalArgumentException("scale of " + scaleNumel + " values does not match axis " + axis
                        + " of shape " + Shapes.toString(dataShape));
            }
            aligned[a] = scaleNumel;
            return new ScaleBroadcast(dataShape, aligned);
        }
        int srank = scaleShape.length;
        while (srank > rank && scaleShape[srank - 1] == 1) {
            srank--;
        }
        if (srank > rank) {
            throw new IllegalArgumentException("scale shape " + Shapes.toString(scaleShape) + " has more dimensions than "
                    + Shapes.toString(dataShape));
        }
        System.arraycopy(scaleShape, 0, aligned, 0, srank);
        for (int d = 0; d < rank; d++) {
            long s = aligned[d];
            if (s < 1 || s > dataShape[d] || ceilDiv(dataShape[d], ceilDiv(dataShape[d], s)) != s) {
                throw new IllegalArgumentException("scale shape " + Shapes.toString(scaleShape)
                        + " does not tile tensor shape " + Shapes.toString(dataShape));
            }
        }
        return new ScaleBroadcast(dataShape, aligned, preferredBlock);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * The block length along a dimension of D elements with S scales: the producer's block length when
     * it gives exactly S blocks (the last one possibly partial); else D / S when S divides D; else the
     * last block is partial and, since several lengths then give S blocks (200 rows in 2 blocks could
     * be 100 to 199 long) and quantizers use power-of-two blocks, the smallest power of two giving S
     * blocks, or ceil(D / S) when none does.
     *
     * @param preferred the producer's block length, or 0 when unknown
     */
    static long blockLength(long dataLength, long scales, long preferred) {
        if (preferred > 0 && ceilDiv(dataLength, preferred) == scales) {
            return preferred;
        }
        if (dataLength % scales == 0) {
            return dataLength / scales;
        }
        long least = ceilDiv(dataLength, scales);
        long pow = Long.highestOneBit(least);
        if (pow < least) {
            pow <<= 1;
        }
        return ceilDiv(dataLength, pow) == scales ? pow : least;
    }

    /** Whether one scale covers the whole tensor. */
    public boolean perTensor() {
        return perTensor;
    }

    /** Elements per block along each dimension. */
    public long[] block() {
        return block.clone();
    }

    /** A short description: per-tensor, per-channel (axis k), or block AxB. */
    public String describe() {
        if (perTensor) {
            return "per-tensor";
        }
        int axis = channelAxis();
        if (axis >= 0) {
            return "per-channel (axis " + axis + ")";
        }
        StringBuilder sb = new StringBuilder("block ");
        for (int d = 0; d < block.length; d++) {
            if (d > 0) {
                sb.append('x');
            }
            sb.append(block[d]);
        }
        return sb.toString();
    }

    /** The axis of a per-channel scale (one scale per index along exactly one axis), or -1. */
    public int channelAxis() {
        if (perTensor) {
            return -1;
        }
        int nonTrivial = -1;
        int count = 0;
        for (int d = 0; d < block.length; d++) {
            if (scaleShape[d] > 1) {
                count++;
                nonTrivial = d;
            }
        }
        return count == 1 && block[nonTrivial] == 1 ? nonTrivial : -1;
    }

    /** The largest block dimension of block scales; 0 for per-tensor and per-channel scales. */
    public long blockSize() {
        if (channelAxis() >= 0) {
            return 0;
        }
        long max = 1;
        for (long b : block) {
            max = Math.max(max, b);
        }
        return perTensor ? 0 : max;
    }

    /**
     * Writes the scale index of data elements [start, start + n) into {@code out}.
     */
    public void indices(long start, int[] out, int n) {
        if (perTensor) {
            Arrays.fill(out, 0, n, 0);
            return;
        }
        int rank = dataShape.length;
        long[] pos = new long[rank];
        long rem = start;
        for (int d = rank - 1; d >= 0; d--) {
            pos[d] = dataShape[d] == 0 ? 0 : rem % dataShape[d];
            rem = dataShape[d] == 0 ? 0 : rem / dataShape[d];
        }
        long[] inBlock = new long[rank];
        long index = recompute(pos, inBlock);
        int last = rank - 1;
        for (int i = 0; i < n; i++) {
            out[i] = (int) index;
            pos[last]++;
            if (pos[last] < dataShape[last]) {
                // common case: move along the last axis, crossing a block boundary now and then
                if (++inBlock[last] == block[last]) {
                    inBlock[last] = 0;
                    index += scaleStride[last];
                }
                continue;
            }
            // end of a row: carry into the higher dimensions, then recompute from scratch
            int d = last;
            while (d > 0 && pos[d] >= dataShape[d]) {
                pos[d] = 0;
                pos[--d]++;
            }
            index = recompute(pos, inBlock);
        }
    }

    private long recompute(long[] pos, long[] inBlock) {
        long index = 0;
        for (int d = 0; d < pos.length; d++) {
            index += (pos[d] / block[d]) * scaleStride[d];
            inBlock[d] = pos[d] % block[d];
        }
        return index;
    }
}
