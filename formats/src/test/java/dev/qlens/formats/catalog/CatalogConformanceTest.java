package dev.qlens.formats.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.block.BfpCodec;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.testing.TestVectors;
import dev.qlens.formats.convention.Nvfp4Cases;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The catalog's formats, run on whole tensors, reproduce every golden block vector. */
class CatalogConformanceTest {
    static Stream<Arguments> mx() {
        List<Arguments> out = new ArrayList<>();
        String[][] tags = {{"fp8_e4m3", "mxfp8_e4m3"}, {"fp8_e5m2", "mxfp8_e5m2"}, {"fp6_e3m2", "mxfp6_e3m2"},
            {"fp6_e2m3", "mxfp6_e2m3"}, {"fp4_e2m1", "mxfp4"}, {"int8", "mxint8"}};
        for (String[] t : tags) {
            out.add(Arguments.of(t[0], t[1], "even"));
            out.add(Arguments.of(t[0], t[1] + ":away", "away"));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("mx")
    void mxFormatsMatchTheVectors(String tag, String format, String round) {
        QuantFormat f = FormatCatalog.parse(format);
        float[] x = TestVectors.f32("blocks/mx/mx_inputs.f32");
        int[] scales = TestVectors.u8("blocks/mx/mx_" + tag + "_" + round + ".scale_e8m0.u8");
        int[] codes = TestVectors.u8("blocks/mx/mx_" + tag + "_" + round + ".codes.u8");
        int[] deq = TestVectors.u32("blocks/mx/mx_" + tag + "_" + round + ".deq.f32");
        long[] shape = {606, 32};
        Encoded e = f.encode(x, shape, EncodeMode.DEFAULT);
        int bits = tag.startsWith("fp4") ? 4 : tag.startsWith("fp6") ? 6 : 8;
        float[] values = f.decode(e);
        int checked = 0;
        for (int b = 0; b < 606; b++) {
            assertEquals(scales[b], e.scales()[b] & 0xFF, format + " block " + b);
            for (int i = 0; i < 32; i++) {
                int k = b * 32 + i;
                if (scales[b] == 0xFF) {
                    assertTrue(Float.isNaN(values[k]));
                    continue;
                }
                assertEquals(codes[k], CodePacking.get(e.codes(), k, bits), format + " element " + k);
                assertEquals(deq[k], Float.floatToRawIntBits(values[k]), format + " value " + k);
                checked++;
            }
        }
        assertTrue(checked > 18000);
        assertEquals(e.totalBytes(), f.packedBytes(shape));
    }

    @Test
    void nvfp4MatchesModelOpt() {
        QuantFormat f = FormatCatalog.parse("nvfp4");
        for (Nvfp4Cases.Case k : Nvfp4Cases.load()) {
            long[] shape = {k.rows(), k.cols()};
            Encoded e = f.encode(k.x(), shape, EncodeMode.DEFAULT);
            assertEquals(Float.floatToRawIntBits(k.globalScale()), Float.floatToRawIntBits(e.globalScale()), k.name());
            for (int i = 0; i < k.blockScales().length; i++) {
                assertEquals(k.blockScales()[i], e.scales()[i], k.name() + " block scale " + i);
            }
            for (int i = 0; i < k.packed().length; i++) {
                assertEquals(k.packed()[i], e.codes()[i], k.name() + " packed byte " + i);
            }
            float[] v = f.decode(e);
            for (int i = 0; i < v.length; i++) {
                assertEquals(Float.floatToRawIntBits(k.deq()[i]), Float.floatToRawIntBits(v[i]), k.name() + " value " + i);
            }
        }
    }

    static Stream<Arguments> bfp() {
        return Stream.of(Arguments.of(8), Arguments.of(4), Arguments.of(2));
    }

    @ParameterizedTest(name = "bfp{0}")
    @MethodSource("bfp")
    void bfpFormatsMatchTtMetal(int bits) {
        float[] x = TestVectors.f32("blocks/ttnn/tt_inputs_rowmajor.f32");
        byte[] packed = TestVectors.bytes("blocks/ttnn/tt_bfp" + bits + "_b.packed.u32");
        int[] unpacked = TestVectors.u32("blocks/ttnn/tt_bfp" + bits + "_b.unpacked_rowmajor.f32");
        int[] legacy = TestVectors.u8("blocks/ttnn/tt_bfp" + bits + "_b.legacy_codes_rowmajor.u8");
        long[] shape = {6, 32, 32};
        QuantFormat f = FormatCatalog.parse("bfp" + bits);
        Encoded e = f.encode(x, shape, EncodeMode.DEFAULT);
        assertEquals(packed.length, e.codes().length);
        for (int i = 0; i < packed.length; i++) {
            assertEquals(packed[i], e.codes()[i], "packed byte " + i);
        }
        float[] v = f.decode(e);
        for (int i = 0; i < v.length; i++) {
            assertEquals(unpacked[i], Float.floatToRawIntBits(v[i]), "value " + i);
        }
        float[] streamed = new float[x.length];
        f.fakeQuantizer(shape, EncodeMode.DEFAULT).apply(0, x, 0, x.length, streamed, 0);
        for (int i = 0; i < v.length; i++) {
            assertEquals(unpacked[i], Float.floatToRawIntBits(streamed[i]), "streamed value " + i);
        }
        Encoded l = FormatCatalog.parse("bfp" + bits + ":legacy").encode(x, shape, EncodeMode.DEFAULT);
        byte[] codes = new byte[1024];
        for (int t = 0; t < 6; t++) {
            BfpCodec.tileCodes(l.codes(), t * BfpCodec.tileBytes(bits), bits, codes, 0, null);
            for (int i = 0; i < 1024; i++) {
                assertEquals(legacy[t * 1024 + i], codes[i] & 0xFF, "legacy tile " + t + " code " + i);
            }
        }
    }
}
