package dev.qlens.formats.catalog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.block.BfpCodec;
import dev.qlens.core.block.MxCodec;
import dev.qlens.core.block.MxElement;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CatalogPropertiesTest {
    /** Every catalog example except the reference curves (which are not storage formats). */
    static final List<String> STORAGE = FormatCatalog.examples().stream().filter(f -> !f.family().equals("reference"))
            .map(QuantFormat::name).toList();

    @Provide
    Arbitrary<String> storageFormats() {
        return Arbitraries.of(STORAGE);
    }

    /** A shape of rank 0 to 3 whose last dimension is often not a multiple of the block sizes. */
    static long[] shape(Random rnd) {
        switch (rnd.nextInt(5)) {
            case 0:
                return new long[] {1 + rnd.nextInt(100)};
            case 1:
                return new long[] {2, 1 + rnd.nextInt(3), 1 + rnd.nextInt(70)};
            case 2:
                return new long[0];
            default:
                return new long[] {1 + rnd.nextInt(40), 1 + rnd.nextInt(80)};
        }
    }

    /** Log-uniform magnitudes over 2^-20 .. 2^20 with random signs, some zeros, some row outliers. */
    static float[] values(Random rnd, int n) {
        float[] x = new float[n];
        float scale = (float) Math.pow(2, rnd.nextInt(16) - 8);
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(20);
            if (kind == 0) {
                x[i] = 0f;
            } else if (kind == 1) {
                x[i] = (float) (Math.pow(2, rnd.nextInt(40) - 20) * (rnd.nextBoolean() ? 1 : -1));
            } else {
                x[i] = (float) (rnd.nextGaussian() * scale);
            }
        }
        return x;
    }

    @Property(tries = 400)
    void packedSizeMatchesTheBytesWrittenAndTheBitsPerElement(@ForAll("storageFormats") String name, @ForAll long seed) {
        Random rnd = new Random(seed);
        long[] shape = shape(rnd);
        QuantFormat f = FormatCatalog.parse(name);
        float[] x = values(rnd, (int) Shapes.numel(shape));
        Encoded e = f.encode(x, shape, EncodeMode.DEFAULT);
        assertEquals(f.packedBytes(shape), e.totalBytes(), name + " " + Shapes.toString(shape));
        assertEquals(8.0 * e.totalBytes() / x.length, f.bitsPerElement(shape), 1e-9);
    }

    @Property(tries = 400)
    void streamingFakeQuantizationEqualsDecodeOfEncode(@ForAll("storageFormats") String name, @ForAll long seed) {
        Random rnd = new Random(seed);
        long[] shape = shape(rnd);
        QuantFormat f = FormatCatalog.parse(name);
        float[] x = values(rnd, (int) Shapes.numel(shape));
        float[] expected = f.decode(f.encode(x, shape, EncodeMode.DEFAULT));
        FakeQuantizer q = f.fakeQuantizer(shape, EncodeMode.DEFAULT);
        long unit = q.unit();
        int chunk = (int) (unit * (1 + rnd.nextInt(3)));
        if (q.needsCalibration()) {
            for (int s = 0; s < x.length; s += chunk) {
                q.calibrate(s, x, s, Math.min(chunk, x.length - s));
            }
        }
        float[] got = new float[x.length];
        for (int s = 0; s < x.length; s += chunk) {
            q.apply(s, x, s, Math.min(chunk, x.length - s), got, s);
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                    name + " " + Shapes.toString(shape) + " element " + i + " (chunks of " + chunk + ")");
        }
    }

    @Property(tries = 400)
    void requantizingDequantizedValuesReturnsTheSameCodesAndScales(@ForAll("storageFormats") String name, @ForAll long seed) {
        Random rnd = new Random(seed);
        long[] shape = shape(rnd);
        QuantFormat f = FormatCatalog.parse(name);
        float[] x = values(rnd, (int) Shapes.numel(shape));
        Encoded e = f.encode(x, shape, EncodeMode.DEFAULT);
        float[] y = f.decode(e);
        Encoded again = f.encode(y, shape, EncodeMode.DEFAULT);
        if (name.contains("ceil")) {
            // Ceiling scale rules are not fixed points: a block whose largest element rounds to half
            // the element maximum or less re-derives a scale half as large. Only the values' binade
            // (the OCP floor rule) survives quantization; see docs/formats.md.
            return;
        }
        if (name.startsWith("uint") || name.startsWith("sint")) {
            // Affine scales are (max - min) / (qmax - qmin); the dequantized range endpoints are grid
            // points whose float32 difference can move the scale by one ulp, and a value on a rounding
            // tie may then flip to the neighbouring code: values agree to within one step.
            float step = 0;
            for (int g = 0; g < e.scales().length / 4; g++) {
                step = Math.max(step, Float.intBitsToFloat(dev.qlens.core.kernel.LittleEndian.getInt(e.scales(), 4 * g)));
            }
            float[] y2 = f.decode(again);
            for (int i = 0; i < y.length; i++) {
                assertTrue(Math.abs(y2[i] - y[i]) <= step * 1.0001f, name + " element " + i + ": " + y2[i] + " vs " + y[i]);
            }
            return;
        }
        if (f.family().equals("nvfp4")) {
            // Two-level scaling is not a fixed point in general: a re-derived per-tensor scale moves
            // every block scale, and a block whose largest element rounded to 4 instead of 6 gets a
            // smaller block scale. With the same per-tensor scale, blocks whose largest code is +-6
            // come back with the same block scale and codes.
            Encoded same = ((Nvfp4Format) f).encode(y, shape, EncodeMode.DEFAULT, e.globalScale());
            Geometry g = Geometry.of(shape);
            long bpr = g.blocksPerRow(16);
            boolean comfy = name.contains("comfy");
            byte[] s1 = comfy ? dev.qlens.formats.convention.BlockedScaleLayout.unswizzle(e.scales(), (int) g.rows(), (int) bpr) : e.scales();
            byte[] s2 = comfy ? dev.qlens.formats.convention.BlockedScaleLayout.unswizzle(same.scales(), (int) g.rows(), (int) bpr) : same.scales();
            for (long r = 0; r < g.rows(); r++) {
                for (long b = 0; b < bpr; b++) {
                    long start = r * g.cols() + b * 16;
                    int n = (int) Math.min(16, g.cols() - b * 16);
                    int top = 0;
                    for (int i = 0; i < n; i++) {
                        top = Math.max(top, nibble(e.codes(), start + i, comfy) & 7);
                    }
                    if (top != 7) {
                        continue;
                    }
                    int k = (int) (r * bpr + b);
                    assertEquals(s1[k], s2[k], name + " block scale " + k);
                    for (int i = 0; i < n; i++) {
                        assertEquals(nibble(e.codes(), start + i, comfy) & 7, nibble(same.codes(), start + i, comfy) & 7,
                                name + " code magnitude " + (start + i));
                    }
                }
            }
            return;
        }
        assertArrayEquals(e.codes(), again.codes(), name + " codes " + Shapes.toString(shape));
        assertArrayEquals(e.scales(), again.scales(), name + " scales");
        assertArrayEquals(e.zeroPoints(), again.zeroPoints(), name + " zero points");
    }

    @Property(tries = 500)
    void mxSharedExponentIsThatOfTheBlockMaximum(@ForAll long seed, @ForAll @IntRange(min = 0, max = 5) int which) {
        Random rnd = new Random(seed);
        MxElement el = MxElement.values()[which];
        float[] x = values(rnd, 32);
        float amax = 0;
        for (float v : x) {
            amax = Math.max(amax, Math.abs(v));
        }
        byte[] codes = new byte[32];
        int scale = MxCodec.quantize(x, 0, 32, el, dev.qlens.core.block.MxScaleMode.FLOOR, EncodeMode.DEFAULT, 0, codes, 0);
        int expected = Math.getExponent(amax) - el.emax() + 127;
        assertEquals(Math.max(0, Math.min(254, expected)), scale);
    }

    @Property(tries = 500)
    void bfpSharedExponentIsThatOfTheGroupMaximum(@ForAll long seed, @ForAll("bfpBits") int bits) {
        Random rnd = new Random(seed);
        float[] x = values(rnd, 16);
        int maxField = 0;
        for (float v : x) {
            maxField = Math.max(maxField, (Float.floatToRawIntBits(v) >>> 23) & 0xFF);
        }
        assertEquals(maxField, BfpCodec.encodeGroup(x, 0, 16, bits, true, new byte[16], 0));
    }

    @Provide
    Arbitrary<Integer> bfpBits() {
        return Arbitraries.of(8, 4, 2);
    }

    @Property(tries = 300)
    void nvfp4BlockScalesAreFiniteAndPositive(@ForAll long seed) {
        Random rnd = new Random(seed);
        long[] shape = {1 + rnd.nextInt(8), 16 * (1 + rnd.nextInt(6))};
        float[] x = values(rnd, (int) Shapes.numel(shape));
        Encoded e = FormatCatalog.parse("nvfp4").encode(x, shape, EncodeMode.DEFAULT);
        assertTrue(e.globalScale() >= 0 && Float.isFinite(e.globalScale()));
        for (byte s : e.scales()) {
            double v = FloatFormat.FP8_E4M3FN.decodeDouble(s & 0xFF);
            assertTrue(v > 0 && Double.isFinite(v), "block scale code 0x" + Integer.toHexString(s & 0xFF));
        }
    }

    @Test
    void namesAreCanonicalAndBadNamesAreExplained() {
        assertEquals("fp8_e4m3", FormatCatalog.parse("fp8_e4m3fn").name());
        assertEquals("mxfp8_e4m3", FormatCatalog.parse("MXFP8").name());
        assertEquals("mxfp4:rceil,away", FormatCatalog.parse("mxfp4:away,rceil").name());
        assertEquals("int8_t", FormatCatalog.parse("int8").name());
        assertEquals("int8_b128:pow2", FormatCatalog.parse("int8_b128:pow2").name());
        assertEquals("fp4_e2m1_b32:e8m0", FormatCatalog.parse("e2m1_b32:e8m0").name());
        assertEquals("bfp8:legacy", FormatCatalog.parse("bfp8_b:legacy").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FormatCatalog.parse("fp7"));
        assertTrue(e.getMessage().contains("unknown format 'fp7'"));
        IllegalArgumentException o = assertThrows(IllegalArgumentException.class, () -> FormatCatalog.parse("mxfp4:fast"));
        assertTrue(o.getMessage().contains("unknown option(s) fast"));
        IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> FormatCatalog.parse("uint8_ch:pow2"));
        assertTrue(a.getMessage().contains("amax"));
    }

    @Test
    void bitsPerElementOfTheMainFormats() {
        assertEquals(8.25, FormatCatalog.parse("mxfp8").nominalBitsPerElement(), 1e-12);
        assertEquals(4.25, FormatCatalog.parse("mxfp4").nominalBitsPerElement(), 1e-12);
        assertEquals(4.5 + 32.0 / (1024 * 1024), FormatCatalog.parse("nvfp4").nominalBitsPerElement(), 1e-12);
        assertEquals(1088 * 8 / 1024.0, FormatCatalog.parse("bfp8").nominalBitsPerElement(), 1e-12);
        assertEquals(576 * 8 / 1024.0, FormatCatalog.parse("bfp4").nominalBitsPerElement(), 1e-12);
        assertEquals(320 * 8 / 1024.0, FormatCatalog.parse("bfp2").nominalBitsPerElement(), 1e-12);
        assertEquals(8 + 32.0 / 128, FormatCatalog.parse("int8_b128").nominalBitsPerElement(), 1e-12);
        assertEquals(16, FormatCatalog.parse("bf16").nominalBitsPerElement(), 1e-12);
        assertEquals(0, FormatCatalog.parse("fp0").nominalBitsPerElement(), 1e-12);
    }

    @Test
    void scaledFormatsFollowTheirScaleRules() {
        float[] x = {3f, -1f, 0.5f, 0f, 100f, -50f, 25f, 12.5f};
        long[] shape = {2, 4};
        // amax per row / 127, stored as float32 dequant multipliers
        Encoded e = FormatCatalog.parse("int8_ch").encode(x, shape, EncodeMode.DEFAULT);
        assertEquals(3f / 127f, Float.intBitsToFloat(dev.qlens.core.kernel.LittleEndian.getInt(e.scales(), 0)));
        assertEquals(100f / 127f, Float.intBitsToFloat(dev.qlens.core.kernel.LittleEndian.getInt(e.scales(), 4)));
        // power of two: 2^(floor(log2 amax) - 6) for int8
        Encoded p = FormatCatalog.parse("int8_ch:pow2").encode(x, shape, EncodeMode.DEFAULT);
        assertEquals(Math.scalb(1f, 1 - 6), Float.intBitsToFloat(dev.qlens.core.kernel.LittleEndian.getInt(p.scales(), 0)));
        assertEquals(Math.scalb(1f, 6 - 6), Float.intBitsToFloat(dev.qlens.core.kernel.LittleEndian.getInt(p.scales(), 4)));
        // e8m0: fp8_e4m3 emax 8; row 2 amax 100 -> 2^(6 - 8)
        Encoded m = FormatCatalog.parse("fp8_e4m3_ch:e8m0").encode(x, shape, EncodeMode.DEFAULT);
        assertEquals(127 + 1 - 8, m.scales()[0] & 0xFF);
        assertEquals(127 + 6 - 8, m.scales()[1] & 0xFF);
        // affine uint8 per tensor: range [-50, 100] over 255 steps, zero point 85
        Encoded a = FormatCatalog.parse("uint8_t").encode(x, shape, EncodeMode.DEFAULT);
        assertEquals(150f / 255f, Float.intBitsToFloat(dev.qlens.core.kernel.LittleEndian.getInt(a.scales(), 0)));
        assertEquals(85, dev.qlens.core.kernel.LittleEndian.getInt(a.zeroPoints(), 0));
        float[] back = FormatCatalog.parse("uint8_t").decode(a);
        for (int i = 0; i < x.length; i++) {
            assertTrue(Math.abs(back[i] - x[i]) <= 0.5 * 150 / 255 * 1.0001, "affine error of " + x[i]);
        }
        // 2-D blocks: [2, 4] with 1x2 blocks -> 4 scales
        assertEquals(List.of(2L, 2L), box(FormatCatalog.parse("int8_b1x2").encode(x, shape, EncodeMode.DEFAULT).scaleShape()));
        // per-channel along axis 1: one scale per column
        assertEquals(List.of(4L), box(FormatCatalog.parse("int8_ch1").encode(x, shape, EncodeMode.DEFAULT).scaleShape()));
        // clipping statistics: pow2 scales put amax in [64, 128), so nothing clips for int8 ...
        assertEquals(0, p.clipped());
        // ... but e8m0 scales put fp8 values up to 512 > 448, which clip
        Encoded clip = FormatCatalog.parse("fp8_e4m3_t:e8m0").encode(new float[] {500f, 1f}, new long[] {2}, EncodeMode.DEFAULT);
        assertEquals(1, clip.clipped());
    }

    @Test
    void stochasticRoundingIsReproducibleFromTheSeed() {
        float[] x = values(new Random(1), 256);
        long[] shape = {4, 64};
        QuantFormat f = FormatCatalog.parse("int4_b32");
        EncodeMode s1 = new EncodeMode(Rounding.STOCHASTIC, false, dev.qlens.core.numeric.Compat.ML_DTYPES, 1);
        EncodeMode s2 = new EncodeMode(Rounding.STOCHASTIC, false, dev.qlens.core.numeric.Compat.ML_DTYPES, 2);
        assertArrayEquals(f.encode(x, shape, s1).codes(), f.encode(x, shape, s1).codes());
        assertTrue(!java.util.Arrays.equals(f.encode(x, shape, s1).codes(), f.encode(x, shape, s2).codes()));
    }

    private static int nibble(byte[] codes, long i, boolean highFirst) {
        int b = codes[(int) (i >> 1)] & 0xFF;
        boolean high = highFirst ? (i & 1) == 0 : (i & 1) == 1;
        return high ? b >>> 4 : b & 0xF;
    }

    private static List<Long> box(long[] a) {
        List<Long> out = new ArrayList<>();
        for (long v : a) {
            out.add(v);
        }
        return out;
    }
}
