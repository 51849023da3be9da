package dev.qlens.simd;

import static dev.qlens.simd.VectorTesting.SCALAR;
import static dev.qlens.simd.VectorTesting.VECTOR;
import static dev.qlens.simd.VectorTesting.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qlens.core.block.BfpCodec;
import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Scaled runs, OCP MX, NVFP4 and Tenstorrent block floats through the vector kernels against the
 * scalar reference: codes, scales, dequantized values and clip counts must all be identical.
 */
class VectorBlockKernelsTest {
    @BeforeProperty
    void nativeWidth() {
        VectorTesting.assumeNativeWidth();
    }

    @Provide
    Arbitrary<EncodeMode> modes() {
        return VectorTesting.modes();
    }

    @Provide
    Arbitrary<float[]> weights() {
        return Floats.blockArrays(16);
    }

    @Provide
    Arbitrary<FloatFormat> byteFormats() {
        return Arbitraries.of(Floats.FORMATS.stream().filter(f -> f.bits() <= 8).toArray(FloatFormat[]::new));
    }

    @Provide
    Arbitrary<Float> scales() {
        return Arbitraries.oneOf(Arbitraries.of(1f, 0.5f, 3f, 0x1p-140f, 1e-3f, 7.7e-5f, 1e30f),
                Arbitraries.integers().between(0x35000000, 0x41200000).map(Float::intBitsToFloat));
    }

    @Provide
    Arbitrary<IntFormat> intFormats() {
        return Arbitraries.of(IntFormat.Kind.values()).flatMap(k -> Arbitraries.integers().between(2, 16)
                .map(b -> IntFormat.of(b, k)));
    }

    @Property(tries = 500)
    void scaledFloatMatchesScalar(@ForAll("weights") float[] x, @ForAll("byteFormats") FloatFormat f,
                                  @ForAll("scales") float scale, @ForAll("modes") EncodeMode mode,
                                  @ForAll boolean withCodes, @ForAll boolean withOut) {
        int n = x.length;
        byte[] ce = withCodes ? new byte[n + 3] : null;
        byte[] ca = withCodes ? new byte[n + 3] : null;
        float[] oe = withOut ? new float[n + 3] : null;
        float[] oa = withOut ? new float[n + 3] : null;
        long clipE = SCALAR.scaledFloat(x, 0, n, scale, f, mode, 5L, ce, 3, oe, 2);
        long clipA = VECTOR.scaledFloat(x, 0, n, scale, f, mode, 5L, ca, 3, oa, 2);
        assertEquals(clipE, clipA, "clipped");
        if (withCodes) {
            assertArrayEquals(ce, ca, "codes");
        }
        if (withOut) {
            assertSameBits(oe, oa, "dequantized");
        }
    }

    @Property(tries = 500)
    void scaledIntMatchesScalar(@ForAll("weights") float[] x, @ForAll("intFormats") IntFormat f,
                                @ForAll("scales") float scale, @ForAll("modes") EncodeMode mode,
                                @ForAll @IntRange(min = -3, max = 3) int zpNudge, @ForAll long seed) {
        int n = x.length;
        int zp = f.kind() == IntFormat.Kind.UNSIGNED ? (f.max() + 1) / 2 + zpNudge : zpNudge;
        int[] ce = new int[n];
        int[] ca = new int[n];
        float[] oe = new float[n];
        float[] oa = new float[n];
        long clipE = SCALAR.scaledInt(x, 0, n, scale, zp, f, mode, seed, ce, 0, oe, 0);
        long clipA = VECTOR.scaledInt(x, 0, n, scale, zp, f, mode, seed, ca, 0, oa, 0);
        assertEquals(clipE, clipA, "clipped");
        assertArrayEquals(ce, ca, "codes");
        assertSameBits(oe, oa, "dequantized");
    }

    @Property(tries = 600)
    void mxMatchesScalar(@ForAll("weights") float[] x, @ForAll MxElement element, @ForAll MxScaleMode scaleMode,
                         @ForAll("modes") EncodeMode mode, @ForAll @IntRange(min = 0, max = 3) int sizeChoice) {
        int blockSize = new int[] {32, 16, 64, 8}[sizeChoice];
        int blocks = x.length / blockSize;
        int n = blocks * blockSize;
        byte[] se = new byte[blocks];
        byte[] sa = new byte[blocks];
        byte[] ce = new byte[n];
        byte[] ca = new byte[n];
        float[] oe = new float[n];
        float[] oa = new float[n];
        SCALAR.mxQuantize(x, 0, blocks, blockSize, element, scaleMode, mode, 9L, se, 0, ce, 0, oe, 0);
        VECTOR.mxQuantize(x, 0, blocks, blockSize, element, scaleMode, mode, 9L, sa, 0, ca, 0, oa, 0);
        assertArrayEquals(se, sa, "scales");
        assertArrayEquals(ce, ca, "codes");
        assertSameBits(oe, oa, "dequantized");
        float[] de = new float[n];
        float[] da = new float[n];
        SCALAR.mxDequantize(se, 0, ce, 0, blocks, blockSize, element, de, 0);
        VECTOR.mxDequantize(sa, 0, ca, 0, blocks, blockSize, element, da, 0);
        assertSameBits(de, da, "dequantize");
        // Arbitrary stored bytes, as read from a file, decode identically too.
        Random r = new Random(n);
        r.nextBytes(ce);
        r.nextBytes(se);
        SCALAR.mxDequantize(se, 0, ce, 0, blocks, blockSize, element, de, 0);
        VECTOR.mxDequantize(se, 0, ce, 0, blocks, blockSize, element, da, 0);
        assertSameBits(de, da, "dequantize arbitrary bytes");
    }

    @Property(tries = 600)
    void nvfp4MatchesScalar(@ForAll("weights") float[] x, @ForAll("modes") EncodeMode mode,
                            @ForAll boolean negativeZero, @ForAll @IntRange(min = 0, max = 3) int globalChoice,
                            @ForAll @IntRange(min = 0, max = 2) int sizeChoice) {
        int blockSize = new int[] {16, 32, 8}[sizeChoice];
        int blocks = x.length / blockSize;
        int n = blocks * blockSize;
        float amax = SCALAR.maxAbs(x, 0, n);
        float global = new float[] {amax / 2688f, 0f, 1e-3f, amax / 100f}[globalChoice];
        byte[] se = new byte[blocks];
        byte[] sa = new byte[blocks];
        byte[] ce = new byte[n];
        byte[] ca = new byte[n];
        float[] oe = new float[n];
        float[] oa = new float[n];
        SCALAR.nvfp4Quantize(x, 0, blocks, blockSize, global, mode, 3L, se, 0, ce, 0, oe, 0, negativeZero);
        VECTOR.nvfp4Quantize(x, 0, blocks, blockSize, global, mode, 3L, sa, 0, ca, 0, oa, 0, negativeZero);
        assertArrayEquals(se, sa, "scales");
        assertArrayEquals(ce, ca, "codes");
        assertSameBits(oe, oa, "dequantized");
        Random r = new Random(n);
        r.nextBytes(ce);
        r.nextBytes(se);
        float[] de = new float[n];
        float[] da = new float[n];
        SCALAR.nvfp4Dequantize(se, 0, ce, 0, blocks, blockSize, global, negativeZero, de, 0);
        VECTOR.nvfp4Dequantize(se, 0, ce, 0, blocks, blockSize, global, negativeZero, da, 0);
        assertSameBits(de, da, "dequantize arbitrary bytes");
    }

    /**
     * Runs longer than the vector kernels' pieces (they encode a few thousand elements, then decode
     * them), with tails, offsets, and codes or scales not requested (scratch buffers inside).
     */
    @Property(tries = 60)
    void longRunsAcrossPiecesMatchScalar(@ForAll long seed, @ForAll @IntRange(min = 4000, max = 13000) int n,
                                         @ForAll("byteFormats") FloatFormat f, @ForAll MxElement element,
                                         @ForAll boolean withCodes, @ForAll boolean withScales) {
        Random r = new Random(seed);
        float[] x = new float[n + 7];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(500) == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextGaussian() * 0.02);
        }
        EncodeMode mode = EncodeMode.SATURATING;
        byte[] ce = withCodes ? new byte[n + 3] : null;
        byte[] ca = withCodes ? new byte[n + 3] : null;
        float[] oe = new float[n + 3];
        float[] oa = new float[n + 3];
        long clipE = SCALAR.scaledFloat(x, 7, n, 1e-3f, f, mode, 0L, ce, 3, oe, 1);
        long clipA = VECTOR.scaledFloat(x, 7, n, 1e-3f, f, mode, 0L, ca, 3, oa, 1);
        assertEquals(clipE, clipA, "clipped");
        if (withCodes) {
            assertArrayEquals(ce, ca, "scaled codes");
        }
        assertSameBits(oe, oa, "scaled dequantized");

        int blocks = n / 32;
        byte[] se = withScales ? new byte[blocks + 1] : null;
        byte[] sa = withScales ? new byte[blocks + 1] : null;
        SCALAR.mxQuantize(x, 7, blocks, 32, element, MxScaleMode.FLOOR, mode, 0L, se, 1, ce, 3, oe, 1);
        VECTOR.mxQuantize(x, 7, blocks, 32, element, MxScaleMode.FLOOR, mode, 0L, sa, 1, ca, 3, oa, 1);
        if (withScales) {
            assertArrayEquals(se, sa, "mx scales");
        }
        if (withCodes) {
            assertArrayEquals(ce, ca, "mx codes");
        }
        assertSameBits(oe, oa, "mx dequantized");

        blocks = n / 16;
        se = withScales ? new byte[blocks + 1] : null;
        sa = withScales ? new byte[blocks + 1] : null;
        float global = SCALAR.maxAbsFinite(x, 7, n) / 2688f;
        SCALAR.nvfp4Quantize(x, 7, blocks, 16, global, mode, 0L, se, 1, ce, 3, oe, 1, false);
        VECTOR.nvfp4Quantize(x, 7, blocks, 16, global, mode, 0L, sa, 1, ca, 3, oa, 1, false);
        if (withScales) {
            assertArrayEquals(se, sa, "nvfp4 scales");
        }
        if (withCodes) {
            assertArrayEquals(ce, ca, "nvfp4 codes");
        }
        assertSameBits(oe, oa, "nvfp4 dequantized");
    }

    @Property(tries = 500)
    void bfpGroupsMatchScalar(@ForAll("weights") float[] x, @ForAll @IntRange(min = 0, max = 2) int bitsChoice,
                              @ForAll boolean flush, @ForAll boolean withCodes) {
        int bits = new int[] {8, 4, 2}[bitsChoice];
        int groups = x.length / BfpCodec.GROUP;
        int n = groups * BfpCodec.GROUP;
        byte[] ee = new byte[groups];
        byte[] ea = new byte[groups];
        byte[] ce = withCodes ? new byte[n] : null;
        byte[] ca = withCodes ? new byte[n] : null;
        float[] oe = new float[n];
        float[] oa = new float[n];
        SCALAR.bfpGroups(x, 0, groups, bits, flush, ee, 0, ce, 0, oe, 0);
        VECTOR.bfpGroups(x, 0, groups, bits, flush, ea, 0, ca, 0, oa, 0);
        assertArrayEquals(ee, ea, "exponents");
        if (withCodes) {
            assertArrayEquals(ce, ca, "codes");
        }
        assertSameBits(oe, oa, "dequantized");
    }

    @Property(tries = 200)
    void bfpTilesMatchScalar(@ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int bitsChoice,
                             @ForAll boolean flush) {
        int bits = new int[] {8, 4, 2}[bitsChoice];
        Random r = new Random(seed);
        float[] tile = new float[1024 + 5];
        for (int row = 0; row < 32; row++) {
            float scale = (float) Math.scalb(1.0, r.nextInt(280) - 150);
            for (int c = 0; c < 32; c++) {
                int pick = r.nextInt(40);
                tile[5 + row * 32 + c] = pick == 0 ? Float.intBitsToFloat(r.nextInt())
                        : (float) (r.nextGaussian() * scale);
            }
        }
        int bytes = BfpCodec.tileBytes(bits);
        byte[] pe = new byte[bytes + 2];
        byte[] pa = new byte[bytes + 2];
        SCALAR.bfpPackTile(tile, 5, bits, flush, pe, 2);
        VECTOR.bfpPackTile(tile, 5, bits, flush, pa, 2);
        assertArrayEquals(pe, pa, "packed tile");
        float[] ue = new float[1024];
        float[] ua = new float[1024];
        SCALAR.bfpUnpackTile(pe, 2, bits, ue, 0);
        VECTOR.bfpUnpackTile(pa, 2, bits, ua, 0);
        assertSameBits(ue, ua, "unpacked tile");
        // Arbitrary stored bytes, exponent 255 included.
        r.nextBytes(pe);
        pe[2 + r.nextInt(64)] = (byte) 0xFF;
        SCALAR.bfpUnpackTile(pe, 2, bits, ue, 0);
        VECTOR.bfpUnpackTile(pe, 2, bits, ua, 0);
        assertSameBits(ue, ua, "unpacked arbitrary tile");
    }
}
