package dev.qlens.formats.catalog;

import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.Shapes;

/**
 * Reference curves, not storage formats: {@code bfpN_ideal} (a per-element exponent with one more
 * magnitude bit than the TTNN format: the best a block float with that mantissa could do) and
 * {@code fp0} (every value 0, the worst case). Their encoded form holds the resulting float32 values;
 * the bits per element they report are nominal: sign + 8 exponent bits + mantissa for the ideal
 * curves, 0 for fp0.
 */
final class ReferenceFormat extends QuantFormat {
    private final String name;
    private final int mantissaBits;

    /** @param mantissaBits 7, 3, 1 for bfp8/4/2 ideal, or -1 for fp0 */
    ReferenceFormat(String name, int mantissaBits) {
        this.name = name;
        this.mantissaBits = mantissaBits;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int codeBits() {
        return 32;
    }

    @Override
    public String family() {
        return "reference";
    }

    @Override
    public String description() {
        return mantissaBits < 0 ? "reference: every value 0"
                : "reference: per-element exponent, " + mantissaBits + " mantissa bits after the leading one (ideal BFP"
                + (mantissaBits + 1) + " curve)";
    }

    @Override
    public long packedBytes(long[] shape) {
        return 4 * Shapes.numel(shape);
    }

    @Override
    public double bitsPerElement(long[] shape) {
        return mantissaBits < 0 ? 0 : 1 + 8 + mantissaBits;
    }

    /** The ideal value of x: e = smallest exponent with |x| / 2^e ≤ 2 - 2^-m, then |x| / 2^e rounded to steps of 2^-m (ties to even). */
    float value(float x) {
        if (mantissaBits < 0 || x == 0f || !Float.isFinite(x)) {
            return mantissaBits < 0 ? 0f : x;
        }
        double a = Math.abs((double) x);
        double maxNorm = 2 - Math.scalb(1.0, -mantissaBits);
        int e = Math.getExponent(a);
        if (a / Math.scalb(1.0, e) > maxNorm) {
            e++;
        }
        double v = Math.min(a / Math.scalb(1.0, e), maxNorm);
        double q = Math.rint(Math.scalb(v, mantissaBits));
        double r = Math.scalb(Math.scalb(q, -mantissaBits), e);
        return (float) Math.copySign(r, x);
    }

    @Override
    public Encoded encode(float[] x, long[] shape, EncodeMode mode) {
        byte[] codes = new byte[x.length * 4];
        for (int i = 0; i < x.length; i++) {
            LittleEndian.putInt(codes, 4 * i, Float.floatToRawIntBits(value(x[i])));
        }
        return new Encoded(name, shape.clone(), codes, new byte[0], null, new long[0], Float.NaN, new byte[0], -1);
    }

    @Override
    public float[] decode(Encoded e) {
        float[] out = new float[e.codes().length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat(LittleEndian.getInt(e.codes(), 4 * i));
        }
        return out;
    }

    @Override
    public FakeQuantizer fakeQuantizer(long[] shape, EncodeMode mode) {
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
                    out[outOff + i] = value(x[off + i]);
                }
            }
        };
    }
}
