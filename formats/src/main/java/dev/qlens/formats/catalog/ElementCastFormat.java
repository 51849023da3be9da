package dev.qlens.formats.catalog;

import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.Shapes;

/**
 * A plain element cast without scaling (what {@code qlens cast} does): fp8_e4m3, bf16, fp4_e2m1, ...
 * Non-saturating by default, like a PyTorch or ml_dtypes cast; {@code :sat} saturates.
 */
final class ElementCastFormat extends QuantFormat {
    private final FloatFormat format;
    private final String name;
    private final Rounding rounding;
    private final boolean saturate;

    ElementCastFormat(FloatFormat format, String name, Rounding rounding, boolean saturate) {
        this.format = format;
        this.name = name;
        this.rounding = rounding;
        this.saturate = saturate;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int codeBits() {
        return format.bits();
    }

    @Override
    public String family() {
        return "element";
    }

    @Override
    public String description() {
        double max = format.maxFinite();
        String m = max == Math.rint(max) && max < 1e7 ? Long.toString((long) max) : String.format(java.util.Locale.ROOT, "%.5g", max);
        return format.name() + " element cast, no scale (" + format.bits() + " bits; max " + m + ")";
    }

    @Override
    public long packedBytes(long[] shape) {
        return CodePacking.bytes(Shapes.numel(shape), format.bits());
    }

    private EncodeMode effective(EncodeMode mode) {
        EncodeMode m = rounding == null ? mode : mode.withRounding(rounding);
        return saturate ? m.withSaturate(true) : m;
    }

    @Override
    public Encoded encode(float[] x, long[] shape, EncodeMode mode) {
        EncodeMode m = effective(mode);
        byte[] codes = new byte[(int) packedBytes(shape)];
        for (int i = 0; i < x.length; i++) {
            CodePacking.put(codes, i, format.bits(), m.encode(format, x[i], i));
        }
        return new Encoded(name, shape.clone(), codes, new byte[0], null, new long[0], Float.NaN, new byte[0], -1);
    }

    @Override
    public float[] decode(Encoded e) {
        int n = (int) Shapes.numel(e.shape());
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = format.decode(CodePacking.get(e.codes(), i, format.bits()));
        }
        return out;
    }

    @Override
    public FakeQuantizer fakeQuantizer(long[] shape, EncodeMode mode) {
        EncodeMode m = effective(mode);
        return new FakeQuantizer() {
            @Override
            public long unit() {
                return 1;
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
                for (int i = 0; i < n; i++) {
                    out[outOff + i] = format.decode(m.encode(format, x[off + i], start + i));
                }
            }
        };
    }
}
