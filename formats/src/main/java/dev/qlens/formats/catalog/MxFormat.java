package dev.qlens.formats.catalog;

import dev.qlens.core.block.MxCodec;
import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
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
        Geometry g = Geometry.of(shape);
        long bpr = g.blocksPerRow(BLOCK);
        byte[] scales = new byte[(int) (g.rows() * bpr)];
        byte[] codes = new byte[(int) CodePacking.bytes(g.numel(), element.bits())];
        byte[] tmp = new byte[BLOCK];
        for (long r = 0; r < g.rows(); r++) {
            for (long b = 0; b < bpr; b++) {
                long start = r * g.cols() + b * BLOCK;
                int n = (int) Math.min(BLOCK, g.cols() - b * BLOCK);
                scales[(int) (r * bpr + b)] = (byte) MxCodec.quantize(x, (int) start, n, element, scaleMode, m, start, tmp, 0);
                for (int i = 0; i < n; i++) {
                    CodePacking.put(codes, start + i, element.bits(), tmp[i] & 0xFF);
                }
            }
        }
        return new Encoded(name, shape.clone(), codes, scales, DType.F8_E8M0, new long[] {g.rows(), bpr}, Float.NaN,
                new byte[0], -1);
    }

    @Override
    public float[] decode(Encoded e) {
        Geometry g = Geometry.of(e.shape());
        long bpr = g.blocksPerRow(BLOCK);
        float[] out = new float[(int) g.numel()];
        byte[] tmp = new byte[BLOCK];
        for (long r = 0; r < g.rows(); r++) {
            for (long b = 0; b < bpr; b++) {
                long start = r * g.cols() + b * BLOCK;
                int n = (int) Math.min(BLOCK, g.cols() - b * BLOCK);
                for (int i = 0; i < n; i++) {
                    tmp[i] = (byte) CodePacking.get(e.codes(), start + i, element.bits());
                }
                MxCodec.dequantize(tmp, 0, n, e.scales()[(int) (r * bpr + b)] & 0xFF, element, out, (int) start);
            }
        }
        return out;
    }

    @Override
    public FakeQuantizer fakeQuantizer(long[] shape, EncodeMode mode) {
        EncodeMode m = effective(mode);
        Geometry g = Geometry.of(shape);
        return new FakeQuantizer() {
            private final byte[] tmp = new byte[BLOCK];

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
                long e = start;
                long end = start + n;
                while (e < end) {
                    long col = e % g.cols();
                    int len = (int) Math.min(BLOCK - col % BLOCK, Math.min(g.cols() - col, end - e));
                    int i = (int) (e - start);
                    int s = MxCodec.quantize(x, off + i, len, element, scaleMode, m, e, tmp, 0);
                    MxCodec.dequantize(tmp, 0, len, s, element, out, outOff + i);
                    e += len;
                }
            }
        };
    }
}
