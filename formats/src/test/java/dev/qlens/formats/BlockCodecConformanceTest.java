package dev.qlens.formats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.block.BfpCodec;
import dev.qlens.core.block.MxCodec;
import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.block.Nvfp4Codec;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.testing.TestVectors;
import dev.qlens.formats.convention.Nvfp4Cases;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The scalar block codecs in core against every golden block vector, byte for byte. */
class BlockCodecConformanceTest {
    static final String[][] MX_TAGS = {
        {"fp8_e4m3", "FP8_E4M3"}, {"fp8_e5m2", "FP8_E5M2"}, {"fp6_e3m2", "FP6_E3M2"}, {"fp6_e2m3", "FP6_E2M3"},
        {"fp4_e2m1", "FP4_E2M1"}, {"int8", "INT8"}};

    static Stream<Arguments> mxCases() {
        List<Arguments> out = new ArrayList<>();
        for (String[] t : MX_TAGS) {
            for (String r : new String[] {"even", "away"}) {
                out.add(Arguments.of(t[0], MxElement.valueOf(t[1]), r));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "mx {0} {2}")
    @MethodSource("mxCases")
    void mxBlocksMatchMicroxcaling(String tag, MxElement element, String round) {
        float[] x = TestVectors.f32("blocks/mx/mx_inputs.f32");
        int[] scales = TestVectors.u8("blocks/mx/mx_" + tag + "_" + round + ".scale_e8m0.u8");
        int[] codes = TestVectors.u8("blocks/mx/mx_" + tag + "_" + round + ".codes.u8");
        int[] deqBits = TestVectors.u32("blocks/mx/mx_" + tag + "_" + round + ".deq.f32");
        assertEquals(606, scales.length);
        assertEquals(606 * 32, codes.length);
        EncodeMode mode = EncodeMode.DEFAULT.withRounding(round.equals("even") ? Rounding.NEAREST_EVEN : Rounding.NEAREST_AWAY);
        byte[] got = new byte[32];
        float[] deq = new float[32];
        List<String> bad = new ArrayList<>();
        for (int b = 0; b < 606; b++) {
            int s = MxCodec.quantize(x, b * 32, 32, element, MxScaleMode.FLOOR, mode, b * 32L, got, 0);
            if (s != scales[b]) {
                bad.add("block " + b + " scale 0x" + Integer.toHexString(s) + " != 0x" + Integer.toHexString(scales[b]));
                continue;
            }
            MxCodec.dequantize(got, 0, 32, s, element, deq, 0);
            for (int i = 0; i < 32; i++) {
                int k = b * 32 + i;
                float expected = Float.intBitsToFloat(deqBits[k]);
                if (s == MxCodec.NAN_SCALE) {
                    if (!Float.isNaN(expected) || !Float.isNaN(deq[i])) {
                        bad.add("block " + b + " element " + i + ": NaN scale must give NaN values");
                    }
                    continue;
                }
                if ((got[i] & 0xFF) != codes[k]) {
                    bad.add("block " + b + " element " + i + " code 0x" + Integer.toHexString(got[i] & 0xFF) + " != 0x" + Integer.toHexString(codes[k]));
                } else if (Float.floatToRawIntBits(deq[i]) != deqBits[k]) {
                    bad.add("block " + b + " element " + i + " value " + deq[i] + " != " + expected);
                }
            }
        }
        assertTrue(bad.isEmpty(), bad.size() + " mismatches: " + bad.subList(0, Math.min(6, bad.size())));
    }

    @Test
    void nvfp4MatchesModelOpt() {
        for (Nvfp4Cases.Case k : Nvfp4Cases.load()) {
            float amax = 0;
            for (float v : k.x()) {
                amax = Math.max(amax, Math.abs(v));
            }
            assertEquals(k.amax(), amax, k.name());
            float global = Nvfp4Codec.globalScale(amax);
            assertEquals(Float.floatToRawIntBits(k.globalScale()), Float.floatToRawIntBits(global), k.name());
            int n = k.rows() * k.cols();
            byte[] codes = new byte[16];
            float[] deq = new float[16];
            for (int b = 0; b < n / 16; b++) {
                int s = Nvfp4Codec.quantize(k.x(), b * 16, 16, global, EncodeMode.DEFAULT, b * 16L, codes, 0);
                assertEquals(k.blockScales()[b] & 0xFF, s, k.name() + " block " + b);
                for (int i = 0; i < 16; i += 2) {
                    int packed = (codes[i] & 0xF) | (codes[i + 1] & 0xF) << 4;
                    assertEquals(k.packed()[(b * 16 + i) / 2] & 0xFF, packed, k.name() + " block " + b + " pair " + i);
                }
                Nvfp4Codec.dequantize(codes, 0, 16, s, global, false, deq, 0);
                for (int i = 0; i < 16; i++) {
                    assertEquals(Float.floatToRawIntBits(k.deq()[b * 16 + i]), Float.floatToRawIntBits(deq[i]),
                            k.name() + " element " + (b * 16 + i));
                }
            }
        }
    }

    static Stream<Arguments> bfpCases() {
        return Stream.of(Arguments.of(8), Arguments.of(4), Arguments.of(2));
    }

    @ParameterizedTest(name = "bfp{0}_b")
    @MethodSource("bfpCases")
    void bfpTilesMatchTtMetal(int bits) {
        float[] x = TestVectors.f32("blocks/ttnn/tt_inputs_rowmajor.f32");
        byte[] packed = TestVectors.bytes("blocks/ttnn/tt_bfp" + bits + "_b.packed.u32");
        int[] codes = TestVectors.u8("blocks/ttnn/tt_bfp" + bits + "_b.codes_rowmajor.u8");
        int[] legacy = TestVectors.u8("blocks/ttnn/tt_bfp" + bits + "_b.legacy_codes_rowmajor.u8");
        int[] unpacked = TestVectors.u32("blocks/ttnn/tt_bfp" + bits + "_b.unpacked_rowmajor.f32");
        int tiles = x.length / 1024;
        int tileBytes = BfpCodec.tileBytes(bits);
        assertEquals(6, tiles);
        assertEquals(tiles * tileBytes, packed.length);
        byte[] out = new byte[tileBytes];
        byte[] legacyOut = new byte[tileBytes];
        byte[] tileCodes = new byte[1024];
        float[] values = new float[1024];
        int[] exps = new int[64];
        for (int t = 0; t < tiles; t++) {
            BfpCodec.packTile(x, t * 1024, bits, true, out, 0);
            for (int i = 0; i < tileBytes; i++) {
                assertEquals(packed[t * tileBytes + i], out[i], "tile " + t + " byte " + i);
            }
            BfpCodec.tileCodes(out, 0, bits, tileCodes, 0, exps);
            BfpCodec.packTile(x, t * 1024, bits, false, legacyOut, 0);
            byte[] legacyCodes = new byte[1024];
            BfpCodec.tileCodes(legacyOut, 0, bits, legacyCodes, 0, null);
            BfpCodec.unpackTile(out, 0, bits, values, 0);
            for (int i = 0; i < 1024; i++) {
                assertEquals(codes[t * 1024 + i], tileCodes[i] & 0xFF, "tile " + t + " code " + i);
                assertEquals(legacy[t * 1024 + i], legacyCodes[i] & 0xFF, "tile " + t + " legacy code " + i);
                assertEquals(unpacked[t * 1024 + i], Float.floatToRawIntBits(values[i]),
                        "tile " + t + " value " + i + ": " + values[i] + " vs " + Float.intBitsToFloat(unpacked[t * 1024 + i]));
            }
        }
        assertNull(null);
    }
}
