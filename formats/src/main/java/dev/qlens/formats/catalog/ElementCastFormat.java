package dev.qlens.formats.catalog;

import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
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

    /** The safetensors dtype holding this format's 16-bit codes (the kernels' 16-bit path), or null. */
    private dev.qlens.core.tensor.DType wideDType() {
        return format == FloatFormat.BF16 ? dev.qlens.core.tensor.DType.BF16
                : format == FloatFormat.FP16 ? dev.qlens.core.tensor.DType.F16 : null;
    }

    @Override
    public Encoded encode(float[] x, long[] shape, EncodeMode mode) {
        EncodeMode m = effective(mode);
        Kernels k = KernelProvider.get();
        byte[] codes;
        if (wideDType() != null) {
            codes = new byte[x.length * 2];
            k.encode(wideDType(), x, 0, codes, 0, x.length, m, 0);
        } else {
            byte[] one = new byte[x.length];
            k.encodeCodes(format, x, 0, one, 0, x.length, m, 0);
            if (format.bits() == 8) {
                codes = one; // one code per byte already
            } else {
                codes = new byte[(int) packedBytes(shape)];
                for (int i = 0; i < x.length; i++) {
                    CodePacking.put(codes, i, format.bits(), one[i] & 0xFF);
                }
            }
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

            private final Kernels k = KernelProvider.get();
            private byte[] tmp = new byte[0];

            @Override
            public void apply(long start, float[] x, int off, int n, float[] out, int outOff) {
                dev.qlens.core.tensor.DType wide = wideDType();
                int need = wide != null ? 2 * n : n;
                if (tmp.length < need) {
                    tmp = new byte[need];
                }
                if (wide != null) {
                    k.encode(wide, x, off, tmp, 0, n, m, start);
                    k.decode(wide, tmp, 0, out, outOff, n);
                } else {
                    k.encodeCodes(format, x, off, tmp, 0, n, m, start);
                    k.decodeCodes(format, tmp, 0, out, outOff, n);
                }
            }
        };
    }
}
