package dev.qlens.simd;

import dev.qlens.core.numeric.FloatFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Float32 inputs that reach every branch of the codecs: arbitrary bit patterns (NaN payloads of both
 * signs, subnormals, infinities), the exact representable values of every element format, the ties
 * between neighbours and the floats right next to those ties, the overflow thresholds, and plain
 * moderate values.
 */
final class Floats {
    private Floats() {
    }

    /** Every element format the kernels encode, 4 to 16 bits. */
    static final List<FloatFormat> FORMATS = List.of(FloatFormat.FP8_E4M3FN, FloatFormat.FP8_E5M2,
            FloatFormat.FP8_E4M3FNUZ, FloatFormat.FP8_E5M2FNUZ, FloatFormat.FP6_E2M3, FloatFormat.FP6_E3M2,
            FloatFormat.FP4_E2M1, FloatFormat.FP4_E3M0, FloatFormat.E8M0, FloatFormat.BF16, FloatFormat.FP16);

    private static final float[] SPECIALS = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.intBitsToFloat(0xFFC00000), Float.intBitsToFloat(0x7F800001), Float.intBitsToFloat(0xFFBFFFFF),
        Float.intBitsToFloat(0x7FA00000), Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL,
        Float.intBitsToFloat(0x007FFFFF), Float.intBitsToFloat(0x00400000), Float.MAX_VALUE, -Float.MAX_VALUE,
        1f, -1f, 0.5f, 1.5f, 2.5f, -2.5f, 0.75f, 1.75f, 3.5f, 5f, 6f, 7f, 448f, 464f, 480f, 57344f, 61440f, 65504f,
        65520f, 0x1p-127f, 0x1.8p-127f, 0x1p-126f, 0x1.8p-126f, 0x1p-133f, 0x1p-149f};

    /** One float32 input with a strong bias towards the interesting ones. */
    static Arbitrary<Float> any() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().map(Float::intBitsToFloat)),
                Tuple.of(4, gridPoints()),
                Tuple.of(2, Arbitraries.floats().between(-600f, 600f)),
                Tuple.of(1, Arbitraries.of(boxed(SPECIALS))));
    }

    /**
     * Representable values of a random format, the midpoint to the next magnitude (a tie), a float32
     * ulp either side of it, and those points times a small power of two.
     */
    static Arbitrary<Float> gridPoints() {
        Arbitrary<FloatFormat> format = Arbitraries.of(FORMATS);
        return format.flatMap(f -> Combinators.combine(
                Arbitraries.integers().between(0, f.maxFiniteCode() + 1),
                Arbitraries.integers().between(0, 4),
                Arbitraries.of(true, false),
                Arbitraries.frequency(Tuple.of(6, 0), Tuple.of(1, 1), Tuple.of(1, -1), Tuple.of(1, 3)))
                .as((code, kind, negative, exp) -> {
                    double lo = f.decodeDouble(Math.min(code, f.maxFiniteCode()));
                    double hi = code < f.maxFiniteCode() ? f.decodeDouble(code + 1) : aboveMax(f);
                    double mid = (lo + hi) / 2;
                    double v;
                    switch (kind) {
                        case 0:
                            v = lo;
                            break;
                        case 1:
                            v = mid;
                            break;
                        case 2:
                            v = Math.nextUp((float) mid);
                            break;
                        case 3:
                            v = Math.nextDown((float) mid);
                            break;
                        default:
                            v = hi;
                            break;
                    }
                    float r = (float) Math.scalb(v, exp);
                    return negative ? -r : r;
                }));
    }

    /**
     * The grid value that would follow the largest finite one if the format had one more code in its
     * top binade: the midpoint between the two is the threshold where rounding overflows.
     */
    static double aboveMax(FloatFormat f) {
        double max = f.maxFinite();
        return max + Math.scalb(1.0, Math.getExponent(max) - f.mantissaBits());
    }

    /** Arrays of {@link #any()} inputs, from empty to a few vectors' worth. */
    static Arbitrary<float[]> arrays() {
        return any().array(float[].class).ofMaxSize(300);
    }

    /**
     * Arrays whose values share a magnitude (like a weight tensor): 2^k times values in [-1, 1] or
     * times grid points, k anywhere in float32's range, with the odd special value.
     */
    static Arbitrary<float[]> blockArrays(int multipleOf) {
        Arbitrary<Integer> blocks = Arbitraries.integers().between(0, 12);
        return Combinators.combine(blocks, Arbitraries.integers().between(-150, 127), Arbitraries.longs())
                .as((b, k, seed) -> {
                    java.util.Random rnd = new java.util.Random(seed);
                    float[] out = new float[b * multipleOf];
                    float scale = (float) Math.scalb(1.0, k);
                    for (int i = 0; i < out.length; i++) {
                        int pick = rnd.nextInt(20);
                        float v;
                        if (pick == 0) {
                            v = SPECIALS[rnd.nextInt(SPECIALS.length)];
                        } else if (pick < 6) {
                            FloatFormat f = FORMATS.get(rnd.nextInt(FORMATS.size()));
                            int code = rnd.nextInt(f.maxFiniteCode());
                            double mid = (f.decodeDouble(code) + f.decodeDouble(code + 1)) / 2;
                            v = (float) (mid * scale * (rnd.nextBoolean() ? 1 : -1));
                        } else {
                            v = (rnd.nextFloat() * 2 - 1) * scale;
                        }
                        out[i] = v;
                    }
                    return out;
                });
    }

    /**
     * Arrays of one format's values (grid points, ties and a float32 ulp either side of ties, up to
     * the overflow threshold and just beyond; mostly normal, a quarter subnormal or zero, the odd
     * value below half the smallest subnormal) with a rare special: long runs of vectors take the
     * encoders' short paths, and the odd lane sends a stretch to the general one.
     */
    static Arbitrary<float[]> gridRuns(FloatFormat f) {
        return Combinators.combine(Arbitraries.integers().between(0, 900), Arbitraries.longs())
                .as((n, seed) -> {
                    java.util.Random rnd = new java.util.Random(seed);
                    float[] out = new float[n];
                    int firstNormal = 1 << f.mantissaBits();
                    for (int i = 0; i < n; i++) {
                        if (rnd.nextInt(60) == 0) {
                            out[i] = SPECIALS[rnd.nextInt(SPECIALS.length)];
                            continue;
                        }
                        if (rnd.nextInt(40) == 0) {
                            float tiny = (float) (f.decodeDouble(1) / 2 * rnd.nextDouble());
                            out[i] = rnd.nextBoolean() ? -tiny : tiny;
                            continue;
                        }
                        int code = rnd.nextInt(4) == 0 ? rnd.nextInt(firstNormal)
                                : firstNormal + rnd.nextInt(Math.max(1, f.maxFiniteCode() + 1 - firstNormal));
                        double lo = f.decodeDouble(code);
                        double hi = code < f.maxFiniteCode() ? f.decodeDouble(code + 1) : aboveMax(f);
                        float mid = (float) ((lo + hi) / 2);
                        float[] picks = {(float) lo, mid, Math.nextUp(mid), Math.nextDown(mid), (float) hi};
                        float v = picks[rnd.nextInt(picks.length)];
                        out[i] = rnd.nextBoolean() ? -v : v;
                    }
                    return out;
                });
    }

    private static Float[] boxed(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** Raw bits of each element (NaN payloads kept). */
    static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }
}
