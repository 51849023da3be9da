package dev.qlens.formats.catalog;

import dev.qlens.core.block.BfpCodec;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.Shapes;

/**
 * Tenstorrent bfloat8_b / bfloat4_b / bfloat2_b ({@link BfpCodec}). Values: every 16 consecutive
 * elements of a row (aligned to multiples of 16 columns) share an exponent; 1-D tensors are one row.
 * Packed layout (TTNN's TILE_LAYOUT): the leading dimensions are a batch of [H, W] matrices (a 1-D
 * tensor is [1, W]), each zero-padded to multiples of 32 and cut into 32 x 32 tiles in row-major tile
 * order, each tile packed self-contained (1088 / 576 / 320 bytes). Zero padding does not change any
 * value. The current packer flushes float32 subnormals to 0; {@code :legacy} keeps them.
 */
final class BfpFormat extends QuantFormat {
    private final String name;
    private final int bits;
    private final boolean legacy;

    BfpFormat(String name, int bits, boolean legacy) {
        this.name = name;
        this.bits = bits;
        this.legacy = legacy;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int codeBits() {
        return bits;
    }

    @Override
    public String family() {
        return "bfp";
    }

    @Override
    public String description() {
        return "Tenstorrent bfloat" + bits + "_b: shared exponent per 16-element row of a 32x32 tile, " + (bits - 1)
                + " magnitude bits" + (legacy ? " (legacy packer: no subnormal flush)" : "");
    }

    /** [batch, H, W] of the tile layout. */
    private static long[] batchHW(long[] shape) {
        if (shape.length == 0) {
            return new long[] {1, 1, 1};
        }
        if (shape.length == 1) {
            return new long[] {1, 1, shape[0]};
        }
        long batch = 1;
        for (int d = 0; d < shape.length - 2; d++) {
            batch *= shape[d];
        }
        return new long[] {batch, shape[shape.length - 2], shape[shape.length - 1]};
    }

    private static long tiles(long[] shape) {
        long[] b = batchHW(shape);
        return b[0] * ((b[1] + 31) / 32) * ((b[2] + 31) / 32);
    }

    @Override
    public long packedBytes(long[] shape) {
        return tiles(shape) * BfpCodec.tileBytes(bits);
    }

    private void requireEven(EncodeMode mode) {
        if (mode.rounding() != dev.qlens.core.numeric.Rounding.NEAREST_EVEN) {
            throw new IllegalArgumentException(name + " rounds as tt-metal does (truncating alignment, then nearest even);"
                    + " other rounding modes are not defined for it");
        }
    }

    @Override
    public Encoded encode(float[] x, long[] shape, EncodeMode mode) {
        requireEven(mode);
        long[] b = batchHW(shape);
        long th = (b[1] + 31) / 32;
        long tw = (b[2] + 31) / 32;
        int tileBytes = BfpCodec.tileBytes(bits);
        byte[] out = new byte[(int) packedBytes(shape)];
        float[] tile = new float[1024];
        int t = 0;
        for (long m = 0; m < b[0]; m++) {
            for (long ty = 0; ty < th; ty++) {
                for (long tx = 0; tx < tw; tx++) {
                    java.util.Arrays.fill(tile, 0f);
                    for (int y = 0; y < 32; y++) {
                        long row = ty * 32 + y;
                        if (row >= b[1]) {
                            break;
                        }
                        long col0 = tx * 32;
                        int len = (int) Math.min(32, b[2] - col0);
                        System.arraycopy(x, (int) ((m * b[1] + row) * b[2] + col0), tile, y * 32, len);
                    }
                    KernelProvider.get().bfpPackTile(tile, 0, bits, !legacy, out, t * tileBytes);
                    t++;
                }
            }
        }
        return new Encoded(name, shape.clone(), out, new byte[0], null, new long[0], Float.NaN, new byte[0], -1);
    }

    /** The codes in row-major element order (the shared exponents stay in the packed tiles). */
    @Override
    public int[] unpackCodes(Encoded e) {
        long[] b = batchHW(e.shape());
        long th = (b[1] + 31) / 32;
        long tw = (b[2] + 31) / 32;
        int tileBytes = BfpCodec.tileBytes(bits);
        int[] out = new int[(int) Shapes.numel(e.shape())];
        byte[] tile = new byte[1024];
        int t = 0;
        for (long m = 0; m < b[0]; m++) {
            for (long ty = 0; ty < th; ty++) {
                for (long tx = 0; tx < tw; tx++) {
                    BfpCodec.tileCodes(e.codes(), t * tileBytes, bits, tile, 0, null);
                    for (int y = 0; y < 32 && ty * 32 + y < b[1]; y++) {
                        for (int x = 0; x < 32 && tx * 32 + x < b[2]; x++) {
                            out[(int) ((m * b[1] + ty * 32 + y) * b[2] + tx * 32 + x)] = tile[y * 32 + x] & 0xFF;
                        }
                    }
                    t++;
                }
            }
        }
        return out;
    }

    @Override
    public byte[] packCodes(int[] codes) {
        throw new IllegalArgumentException(name + " codes cannot be packed without their shared exponents;"
                + " decode from the packed tiles instead");
    }

    @Override
    public float[] decode(Encoded e) {
        long[] b = batchHW(e.shape());
        long th = (b[1] + 31) / 32;
        long tw = (b[2] + 31) / 32;
        int tileBytes = BfpCodec.tileBytes(bits);
        float[] out = new float[(int) Shapes.numel(e.shape())];
        float[] tile = new float[1024];
        int t = 0;
        for (long m = 0; m < b[0]; m++) {
            for (long ty = 0; ty < th; ty++) {
                for (long tx = 0; tx < tw; tx++) {
                    KernelProvider.get().bfpUnpackTile(e.codes(), t * tileBytes, bits, tile, 0);
                    for (int y = 0; y < 32; y++) {
                        long row = ty * 32 + y;
                        if (row >= b[1]) {
                            break;
                        }
                        long col0 = tx * 32;
                        int len = (int) Math.min(32, b[2] - col0);
                        System.arraycopy(tile, y * 32, out, (int) ((m * b[1] + row) * b[2] + col0), len);
                    }
                    t++;
                }
            }
        }
        return out;
    }

    @Override
    public FakeQuantizer fakeQuantizer(long[] shape, EncodeMode mode) {
        requireEven(mode);
        Geometry g = Geometry.of(shape);
        Kernels k = KernelProvider.get();
        return new FakeQuantizer() {
            private final float[] pad = new float[BfpCodec.GROUP];
            private final float[] padOut = new float[BfpCodec.GROUP];

            @Override
            public long unit() {
                return g.unitFor(BfpCodec.GROUP);
            }

            @Override
            public boolean needsCalibration() {
                return false;
            }

            @Override
            public void calibrate(long start, float[] x, int off, int n) {
            }

            @Override
            public void apply(long start, float[] x, int off, int n, float[] out, int outOff) {
                BlockRuns.forEach(start, n, Math.max(1, g.cols()), BfpCodec.GROUP, (first, groups, len) -> {
                    int i = (int) (first - start);
                    if (len == BfpCodec.GROUP) {
                        k.bfpGroups(x, off + i, groups, bits, !legacy, null, 0, null, 0, out, outOff + i);
                    } else {
                        // A short group at a row end behaves as if padded with zeros.
                        java.util.Arrays.fill(pad, 0f);
                        System.arraycopy(x, off + i, pad, 0, len);
                        k.bfpGroups(pad, 0, 1, bits, !legacy, null, 0, null, 0, padOut, 0);
                        System.arraycopy(padOut, 0, out, outOff + i, len);
                    }
                });
            }
        };
    }
}
