package dev.qlens.simd;

import static dev.qlens.simd.VectorTesting.SCALAR;
import static dev.qlens.simd.VectorTesting.VECTOR;
import static dev.qlens.simd.VectorTesting.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.qlens.core.numeric.Compat;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.DType;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The vector element codecs against the scalar reference: random arrays rich in edge cases through
 * every dtype and mode, exhaustive decoding, and a sweep of a million float32 bit patterns through
 * every format and deterministic mode.
 */
class VectorElementKernelsTest {
    @BeforeProperty
    @BeforeEach
    void nativeWidth() {
        VectorTesting.assumeNativeWidth();
    }

    @Provide
    Arbitrary<DType> floatDtypes() {
        return Arbitraries.of(Arrays.stream(DType.values()).filter(DType::isFloatingPoint).toArray(DType[]::new));
    }

    @Provide
    Arbitrary<DType> decodableDtypes() {
        return Arbitraries.of(Arrays.stream(DType.values()).filter(d -> d != DType.C64).toArray(DType[]::new));
    }

    @Provide
    Arbitrary<FloatFormat> byteFormats() {
        return Arbitraries.of(Floats.FORMATS.stream().filter(f -> f.bits() <= 8).toArray(FloatFormat[]::new));
    }

    @Provide
    Arbitrary<float[]> inputs() {
        return Floats.arrays();
    }

    @Provide
    Arbitrary<EncodeMode> modes() {
        return VectorTesting.modes();
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(700);
    }

    /** Elements a call may cover: whole byte groups for the packed types. */
    private static int wholeGroups(DType d, int n) {
        return n / d.elementsPerByteGroup() * d.elementsPerByteGroup();
    }

    @Property(tries = 600)
    void encodeMatchesScalar(@ForAll("floatDtypes") DType dtype, @ForAll("inputs") float[] x,
                             @ForAll("modes") EncodeMode mode, @ForAll @IntRange(max = 9) int off,
                             @ForAll long firstIndex) {
        int start = Math.min(off, x.length);
        int n = wholeGroups(dtype, x.length - start);
        byte[] expected = VectorTesting.junk((int) dtype.byteSize(n) + 7, firstIndex);
        byte[] actual = expected.clone();
        SCALAR.encode(dtype, x, start, expected, 3, n, mode, firstIndex);
        VECTOR.encode(dtype, x, start, actual, 3, n, mode, firstIndex);
        assertArrayEquals(expected, actual, dtype + " " + mode);
    }

    /** A dtype to encode to and values made of normal numbers of (usually) its own format. */
    record GridRun(DType dtype, float[] x) {
        @Override
        public String toString() {
            return dtype + " " + Arrays.toString(x);
        }
    }

    @Provide
    Arbitrary<GridRun> gridRuns() {
        Arbitrary<FloatFormat> any = Arbitraries.of(Floats.FORMATS);
        return floatDtypes().flatMap(d -> (d.floatFormat() == null ? any : Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(d.floatFormat())), net.jqwik.api.Tuple.of(1, any)))
                .flatMap(Floats::gridRuns).map(x -> new GridRun(d, x)));
    }

    /**
     * Arrays made of one format's grid values take the encoders' short paths for whole vectors and
     * switch to the general path around the odd special or overflowing lane; both must match the
     * reference, for the format the values come from and for others.
     */
    @Property(tries = 400)
    void encodeOfGridRunsMatchesScalar(@ForAll("gridRuns") GridRun run, @ForAll("modes") EncodeMode mode) {
        DType dtype = run.dtype();
        float[] x = run.x();
        int n = wholeGroups(dtype, x.length);
        byte[] expected = new byte[(int) dtype.byteSize(n)];
        byte[] actual = new byte[expected.length];
        SCALAR.encode(dtype, x, 0, expected, 0, n, mode, 5L);
        VECTOR.encode(dtype, x, 0, actual, 0, n, mode, 5L);
        assertArrayEquals(expected, actual, dtype + " " + mode);
    }

    /**
     * The short path of the uniform formats ends at the largest magnitude that does not round above
     * the largest finite value. Vectors made only of the overflow tie and its float32 neighbours (both
     * signs, next to ordinary values) must encode as the reference does in every nearest-even mode:
     * a threshold one ulp off would keep an overflowing lane on the short path, or send a finite one
     * away with a wrong code.
     */
    @Test
    void encodesAroundTheOverflowTieLikeScalar() {
        for (FloatFormat f : Floats.FORMATS) {
            DType dtype = Arrays.stream(DType.values()).filter(d -> d.floatFormat() == f).findFirst().orElse(null);
            float tie = (float) ((f.maxFinite() + Floats.aboveMax(f)) / 2);
            float[] near = {Math.nextDown(tie), tie, Math.nextUp(tie), (float) f.maxFinite(), 1f, 0f};
            int n = 8 * 64;
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                // Runs of one neighbour of the tie, interleaved with ordinary lanes every few vectors.
                float v = near[(i / 64) % 3];
                if (i % 64 >= 48 && (i / 64) % 2 == 1) {
                    v = near[3 + i % 3];
                }
                x[i] = i % 2 == 0 ? v : -v;
            }
            for (boolean sat : new boolean[] {false, true}) {
                for (Compat c : Compat.values()) {
                    EncodeMode mode = new EncodeMode(Rounding.NEAREST_EVEN, sat, c, 0L);
                    if (f.bits() <= 8) {
                        byte[] e = new byte[n];
                        byte[] a = new byte[n];
                        SCALAR.encodeCodes(f, x, 0, e, 0, n, mode, 0L);
                        VECTOR.encodeCodes(f, x, 0, a, 0, n, mode, 0L);
                        assertArrayEquals(e, a, f + " " + mode);
                    } else {
                        byte[] e = new byte[2 * n];
                        byte[] a = new byte[2 * n];
                        SCALAR.encode(dtype, x, 0, e, 0, n, mode, 0L);
                        VECTOR.encode(dtype, x, 0, a, 0, n, mode, 0L);
                        assertArrayEquals(e, a, f + " " + mode);
                    }
                }
            }
        }
    }

    @Property(tries = 600)
    void decodeMatchesScalar(@ForAll("decodableDtypes") DType dtype, @ForAll("bytes") byte[] src,
                             @ForAll @IntRange(max = 9) int off) {
        int start = Math.min(off, src.length);
        long fit = (src.length - start) / dtype.bytesPerByteGroup() * (long) dtype.elementsPerByteGroup();
        int n = (int) fit;
        float[] expected = VectorTesting.junkFloats(n + 5, n);
        float[] actual = expected.clone();
        SCALAR.decode(dtype, src, start, expected, 2, n);
        VECTOR.decode(dtype, src, start, actual, 2, n);
        assertSameBits(expected, actual, dtype.toString());
    }

    @Property(tries = 600)
    void codesMatchScalar(@ForAll("byteFormats") FloatFormat f, @ForAll("inputs") float[] x,
                          @ForAll("modes") EncodeMode mode, @ForAll @IntRange(max = 9) int off) {
        int start = Math.min(off, x.length);
        int n = x.length - start;
        byte[] expected = VectorTesting.junk(n + 4, n);
        byte[] actual = expected.clone();
        SCALAR.encodeCodes(f, x, start, expected, 1, n, mode, 77L);
        VECTOR.encodeCodes(f, x, start, actual, 1, n, mode, 77L);
        assertArrayEquals(expected, actual, f + " " + mode);
        float[] decodedExpected = new float[n + 1];
        float[] decodedActual = new float[n + 1];
        SCALAR.decodeCodes(f, expected, 1, decodedExpected, 1, n);
        VECTOR.decodeCodes(f, actual, 1, decodedActual, 1, n);
        assertSameBits(decodedExpected, decodedActual, f + " decode");
    }

    @Test
    void decodesEveryByteOfEveryNarrowFormat() {
        byte[] all = new byte[256 + 64];
        for (int c = 0; c < all.length; c++) {
            all[c] = (byte) c;
        }
        for (FloatFormat f : Floats.FORMATS) {
            if (f.bits() > 8) {
                continue;
            }
            float[] expected = new float[all.length];
            float[] actual = new float[all.length];
            SCALAR.decodeCodes(f, all, 0, expected, 0, all.length);
            VECTOR.decodeCodes(f, all, 0, actual, 0, all.length);
            assertSameBits(expected, actual, f.name());
        }
    }

    @Test
    void decodesEverySixteenBitCode() {
        byte[] all = new byte[2 * 65536];
        for (int c = 0; c < 65536; c++) {
            all[2 * c] = (byte) c;
            all[2 * c + 1] = (byte) (c >>> 8);
        }
        for (DType d : new DType[] {DType.BF16, DType.F16}) {
            float[] expected = new float[65536];
            float[] actual = new float[65536];
            SCALAR.decode(d, all, 0, expected, 0, 65536);
            VECTOR.decode(d, all, 0, actual, 0, 65536);
            assertSameBits(expected, actual, d.toString());
        }
    }

    private static final int[] LOW_BITS = {0x000, 0x001, 0x7FF, 0x800, 0x801, 0xFFF};

    /**
     * 2^20 bit patterns spread over all of float32: the top 20 bits count up, the low 12 bits cycle
     * through exact ties, one above and below a tie, and pseudo-random bits, so every format sees
     * ties, near-ties and NaN payloads in every binade.
     */
    static float[] sweep() {
        float[] x = new float[1 << 20];
        for (int i = 0; i < x.length; i++) {
            int pick = i % (LOW_BITS.length + 1);
            int lo = pick < LOW_BITS.length ? LOW_BITS[pick] : (i * 0x9E3779B1) >>> 20;
            x[i] = Float.intBitsToFloat(i << 12 | lo);
        }
        return x;
    }

    @Test
    void sweepOfFloat32MatchesForEveryFormatAndDeterministicMode() {
        float[] x = sweep();
        for (FloatFormat f : Floats.FORMATS) {
            DType dtype = Arrays.stream(DType.values()).filter(d -> d.floatFormat() == f).findFirst().orElse(null);
            for (Rounding r : new Rounding[] {Rounding.NEAREST_EVEN, Rounding.NEAREST_AWAY, Rounding.TOWARD_ZERO}) {
                for (boolean sat : new boolean[] {false, true}) {
                    for (Compat c : Compat.values()) {
                        EncodeMode mode = new EncodeMode(r, sat, c, 0L);
                        if (f.bits() <= 8) {
                            byte[] e = new byte[x.length];
                            byte[] a = new byte[x.length];
                            SCALAR.encodeCodes(f, x, 0, e, 0, x.length, mode, 0L);
                            VECTOR.encodeCodes(f, x, 0, a, 0, x.length, mode, 0L);
                            assertArrayEquals(e, a, f + " " + mode);
                        } else {
                            byte[] e = new byte[2 * x.length];
                            byte[] a = new byte[2 * x.length];
                            SCALAR.encode(dtype, x, 0, e, 0, x.length, mode, 0L);
                            VECTOR.encode(dtype, x, 0, a, 0, x.length, mode, 0L);
                            assertArrayEquals(e, a, f + " " + mode);
                        }
                    }
                }
            }
        }
    }
}
