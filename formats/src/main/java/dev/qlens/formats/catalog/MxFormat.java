package dev.qlens.formats.catalog;

import dev.qlens.core.block.MxCodec;
import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.DType;

/**
 * OCP MX block formats: 32 elements along the last axis share an E8M0 scale (see {@link MxCodec}).
 * Layout: one scale byte per block (row-major, ceil(cols / 32) per row; a row's last block may be
 * shorter, which is the same as zero padding), and the element codes packed in order (FP4: element
 * 2k in the low nibble; FP6: four codes in three bytes, LSB first).
 */
final class MxFormat extends QuantFormat {
    static final int BLOCK = 32;

    private final String name;
    private final MxElement element;
    private final MxScaleMode scaleMode;
    private final Rounding rounding;

    MxFormat(String name, MxElement element, MxScaleMode scaleMode, Rounding rounding) {
        this.name = name;
        this.element = element;
        this.scaleMode = scaleMode;
        this.rounding = rounding;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int codeBits() {
        return element.bits();
    }

    @Override
    public String family() {
        return "mx";
    }

    @Override
    public String description() {
        return "OCP MX " + element.name().toLowerCase() + ": 32-element blocks, E8M0 scale (" + scaleMode.name().toLowerCase()
                + " rule), elements rounded " + (rounding == null ? "to nearest even" : rounding.cliName());
    }

    @Override
    public long packedBytes(long[] shape) {
        Geometry g = Geometry.of(shape);
        return g.rows() * g.blocksPerRow(BLOCK) + CodePacking.bytes(g.numel(), element.bits());
    }

    private EncodeMode effective(EncodeMode mode) {
        return rounding == null ? mode.withRounding(Rounding.NEAREST_EVEN) : mode.withRounding(rounding);
    }

    @Override
    public Encoded encode(float[] x, long[] shape, EncodeMode mode) {
        EncodeMode m = effective(mode);
        Kernels k = KernelProvider.get();
        Geometry g = Geometry.of(shape);
        long bpr = g.blocksPerRow(BLOCK);
        byte[] scales = new byte[(int) (g.rows() * bpr)];
        byte[] one = new byte[x.length];
        int[] scaleIndex = {0};
        BlockRuns.forEach(0, g.numel(), Math.max(1, g.cols()), BLOCK, (first, blocks, len) -> {
            k.mxQuantize(x, (int) first, blocks, len, element, scaleMode, m, first, scales, scaleIndex[0], one,
                    (int) first, null, 0);
            scaleIndex[0] += blocks;
        });
        byte[] codes = new byte[(int) CodePacking.bytes(g.numel(), element.bits())];
        for (int i = 0; i < one.length; i++) {
            CodePacking.put(codes, i, element.bits(), one[i] & 0xFF);
        }
        return new Encoded(name, shape.clone(), codes, scales, DType.F8_E8M0, new long[] {g.rows(), bpr}, Float.NaN,
                new byte[0], -1);
    }

    @Override
    public float[] decode(Encoded e) {
        Kernels k = KernelProvider.get();
        Geometry g = Geometry.of(e.shape());
        float[] out = new float[(int) g.numel()];
        byte[] one = new byte[out.length];
        for (int i = 0; i < one.length; i++) {
            one[i] = (byte) CodePacking.get(e.codes(), i, element.bits());
        }
        int[] scaleIndex = {0};
        BlockRuns.forEach(0, g.numel(), Math.max(1, g.cols()), BLOCK, (first, blocks, len) -> {
            k.mxDequantize(e.scales(), scaleIndex[0], one, (int) first, blocks, len, element, out, (int) first);
            scaleIndex[0] += blocks;
        });
        return out;
    }

    @Override
    public FakeQuantizer fakeQuantizer(long[] shape, EncodeMode mode) {
        EncodeMode m = effective(mode);
        Geometry g = Geometry.of(shape);
        Kernels k = KernelProvider.get();
        return new FakeQuantizer() {
            @Override
            public long unit() {
                return g.unitFor(BLOCK);
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
                BlockRuns.forEach(start, n, Math.max(1, g.cols()), BLOCK, (first, blocks, len) -> {
                    int i = (int) (first - start);
                    k.mxQuantize(x, off + i, blocks, len, element, scaleMode, m, first, null, 0, null, 0, out, outOff + i);
                });
            }
        };
    }
}
