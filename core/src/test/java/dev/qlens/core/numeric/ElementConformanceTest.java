package dev.qlens.core.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qlens.core.testing.TestVectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden element-format vector, every input, every stored mode: the scalar reference codec
 * must reproduce each file exactly (NaN codes included). The case list is public so the vector
 * kernels' tests replay the same files.
 */
public class ElementConformanceTest {
    /** Vector-file format tags and the catalog formats they denote. */
    public static final Map<String, FloatFormat> TAGS = Map.ofEntries(
            Map.entry("e4m3fn", FloatFormat.FP8_E4M3FN),
            Map.entry("e5m2", FloatFormat.FP8_E5M2),
            Map.entry("e4m3fnuz", FloatFormat.FP8_E4M3FNUZ),
            Map.entry("e5m2fnuz", FloatFormat.FP8_E5M2FNUZ),
            Map.entry("e2m3fn", FloatFormat.FP6_E2M3),
            Map.entry("e3m2fn", FloatFormat.FP6_E3M2),
            Map.entry("e2m1fn", FloatFormat.FP4_E2M1),
            Map.entry("e3m0fn_synthetic", FloatFormat.FP4_E3M0),
            Map.entry("e8m0fnu", FloatFormat.E8M0));

    private static int[] f32Inputs;

    /** The float32 bit patterns every encf32 file is indexed by. */
    public static synchronized int[] f32Inputs() {
        if (f32Inputs == null) {
            f32Inputs = TestVectors.u32("scalar/inputs_f32.bin.gz");
        }
        return f32Inputs;
    }

    /** The 65536 inputs of the bf16sweep files: every BF16 value widened to float32. */
    public static int[] bf16SweepInputs() {
        int[] in = new int[65536];
        for (int i = 0; i < in.length; i++) {
            in[i] = i << 16;
        }
        return in;
    }

    /** One vector file: the expected codes for one format under one set of conventions. */
    public record Case(String file, FloatFormat format, boolean saturate, Compat compat, boolean bf16Sweep,
                Map<Integer, Integer> nanOverride) {
        @Override
        public String toString() {
            return file + " as " + format.name() + (saturate ? " sat" : "") + " " + compat.cliName()
                    + (nanOverride.isEmpty() ? "" : " (NaN remapped)");
        }
    }

    /** Every float32-input vector file with the format and conventions it was produced with. */
    public static Stream<Arguments> f32Cases() {
        List<Case> cases = new ArrayList<>();
        for (boolean sweep : new boolean[] {false, true}) {
            String dir = sweep ? "scalar/bf16sweep/encbf16_" : "scalar/encf32_";
            String gz = sweep ? ".u8" : ".u8.gz";
            for (Map.Entry<String, FloatFormat> e : TAGS.entrySet()) {
                String tag = e.getKey();
                FloatFormat f = e.getValue();
                String def = dir + "mld_" + tag + "_default" + gz;
                cases.add(new Case(def, f, false, Compat.ML_DTYPES, sweep, Map.of()));
                String sat = dir + "mld_" + tag + "_sat" + gz;
                if (TestVectors.exists(sat)) {
                    cases.add(new Case(sat, f, true, Compat.ML_DTYPES, sweep, Map.of()));
                } else {
                    // README: for FP6/FP4/E3M0 the saturating result equals the default one.
                    cases.add(new Case(def, f, true, Compat.ML_DTYPES, sweep, Map.of()));
                }
                String torch = dir + "torch_" + tag + gz;
                if (TestVectors.exists(torch)) {
                    cases.add(new Case(torch, f, false, Compat.TORCH, sweep, Map.of()));
                } else if (tag.equals("e4m3fn") || tag.equals("e4m3fnuz") || tag.equals("e5m2fnuz")) {
                    // README: torch equals ml_dtypes for these formats on every input.
                    cases.add(new Case(def, f, false, Compat.TORCH, sweep, Map.of()));
                }
            }
        }
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("f32Cases")
    void encodesFloat32VectorsExactly(Case c) {
        int[] inputs = c.bf16Sweep() ? bf16SweepInputs() : f32Inputs();
        int[] expected = TestVectors.u8(c.file());
        assertEquals(inputs.length, expected.length, "entries in " + c.file());
        int[] actual = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            actual[i] = c.format().encode(Float.intBitsToFloat(inputs[i]), Rounding.NEAREST_EVEN, c.saturate(),
                    c.compat(), 0L);
        }
        assertNull(TestVectors.diff(c.toString(), expected, actual, asLong(inputs)));
    }

    @Test
    void bf16MatchesEigenAndTorch() {
        int[] inputs = f32Inputs();
        int[] eigen = TestVectors.u16("scalar/encf32_eigen_bf16.u16.gz");
        int[] ml = new int[inputs.length];
        int[] torch = new int[inputs.length];
        int[] torchExpected = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            float x = Float.intBitsToFloat(inputs[i]);
            ml[i] = FloatFormat.BF16.encode(x, Rounding.NEAREST_EVEN, false, Compat.ML_DTYPES, 0L);
            torch[i] = FloatFormat.BF16.encode(x, Rounding.NEAREST_EVEN, false, Compat.TORCH, 0L);
            // README: torch equals Eigen except that every NaN becomes 0x7FC0.
            torchExpected[i] = Float.isNaN(x) ? 0x7FC0 : eigen[i];
        }
        assertNull(TestVectors.diff("bf16 ml_dtypes (Eigen)", eigen, ml, asLong(inputs)));
        assertNull(TestVectors.diff("bf16 torch", torchExpected, torch, asLong(inputs)));
    }

    @Test
    void fp16MatchesNumpyAndTorch() {
        int[] inputs = f32Inputs();
        int[] numpy = TestVectors.u16("scalar/encf32_numpy_fp16.u16.gz");
        int[] torchFile = TestVectors.u16("scalar/encf32_torch_fp16.u16.gz");
        int[] ml = new int[inputs.length];
        int[] torch = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            float x = Float.intBitsToFloat(inputs[i]);
            ml[i] = FloatFormat.FP16.encode(x, Rounding.NEAREST_EVEN, false, Compat.ML_DTYPES, 0L);
            torch[i] = FloatFormat.FP16.encode(x, Rounding.NEAREST_EVEN, false, Compat.TORCH, 0L);
        }
        assertNull(TestVectors.diff("fp16 ml_dtypes (numpy)", numpy, ml, asLong(inputs)));
        assertNull(TestVectors.diff("fp16 torch", torchFile, torch, asLong(inputs)));
    }

    static Stream<Arguments> f64Cases() {
        List<Arguments> out = new ArrayList<>();
        for (Map.Entry<String, FloatFormat> e : TAGS.entrySet()) {
            out.add(Arguments.of(e.getKey(), e.getValue()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "float64 → {0}")
    @MethodSource("f64Cases")
    void encodesFloat64ProbesWithSingleAndDoubleRounding(String tag, FloatFormat format) {
        double[] inputs = TestVectors.f64("scalar/f64/inputs_f64.bin");
        long[] bits = new long[inputs.length];
        int[] direct = new int[inputs.length];
        int[] via = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            bits[i] = Double.doubleToRawLongBits(inputs[i]);
            direct[i] = format.encode(inputs[i], Rounding.NEAREST_EVEN, false, Compat.ML_DTYPES, 0L);
            via[i] = format.encodeViaFloat32(inputs[i], Rounding.NEAREST_EVEN, false, Compat.ML_DTYPES, 0L);
        }
        int[] expectedDirect = TestVectors.u8("scalar/f64/encf64_mld_" + tag + "_direct.u8");
        int[] expectedVia = TestVectors.u8("scalar/f64/encf64_mld_" + tag + "_viaf32.u8");
        assertNull(TestVectors.diff(tag + " direct", expectedDirect, direct, bits));
        assertNull(TestVectors.diff(tag + " via float32", expectedVia, via, bits));
        if (format != FloatFormat.E8M0) {
            int differ = 0;
            for (int i = 0; i < direct.length; i++) {
                differ += direct[i] != via[i] ? 1 : 0;
            }
            assertTrue(differ > 0, "the probes must exercise double rounding for " + tag);
        }
    }

    @Test
    void decodeTablesMatchBothReferences() {
        List<String> lines = TestVectors.lines("decode/decode_tables.csv");
        assertEquals("format,code,mldtypes_f32_bits,torch_f32_bits,value", lines.get(0));
        Map<String, Integer> rows = new HashMap<>();
        List<String> failures = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            assertEquals(5, f.length, "fields in '" + line + "'");
            FloatFormat format = TAGS.get(f[0]);
            assertTrue(format != null, "unknown format tag in '" + line + "'");
            int code = Integer.parseInt(f[1]);
            assertTrue(code >= 0 && code <= format.codeMask(), "code out of range in '" + line + "'");
            rows.merge(f[0] + "#" + code, 1, Integer::sum);
            int ml = Integer.parseUnsignedInt(f[2].substring(2), 16);
            check(failures, line, "ml_dtypes bits", ml, Float.floatToRawIntBits(format.decode(code, Compat.ML_DTYPES)));
            check(failures, line, "table decode", ml, Float.floatToRawIntBits(format.decode(code)));
            if (!f[3].isEmpty()) {
                int torch = Integer.parseUnsignedInt(f[3].substring(2), 16);
                check(failures, line, "torch bits", torch, Float.floatToRawIntBits(format.decode(code, Compat.TORCH)));
            }
            double value = parseValue(f[4]);
            double decoded = format.decodeDouble(code);
            if (!(Double.isNaN(value) ? Double.isNaN(decoded) : value == decoded
                    && Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(decoded))) {
                failures.add(line + ": value " + decoded);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " decode mismatches, first: " + failures.subList(0, Math.min(5, failures.size())));
        for (Map.Entry<String, FloatFormat> e : TAGS.entrySet()) {
            for (int code = 0; code <= e.getValue().codeMask(); code++) {
                assertEquals(1, rows.getOrDefault(e.getKey() + "#" + code, 0), e.getKey() + " code " + code + " listed once");
            }
        }
        assertEquals(rows.size(), lines.size() - 1);
    }

    @Test
    void fp16DecodeMatchesTorchAndNumpy() {
        int[] expected = TestVectors.u32("decode/fp16_decode_torch.u32");
        assertEquals(65536, expected.length);
        int[] torch = new int[65536];
        for (int c = 0; c < 65536; c++) {
            torch[c] = Float.floatToRawIntBits(FloatFormat.FP16.decode(c, Compat.TORCH));
            int numpy = Float.floatToRawIntBits(FloatFormat.FP16.decode(c, Compat.ML_DTYPES));
            // numpy keeps NaN payloads without setting the quiet bit; everything else is identical.
            int expectNumpy = FloatFormat.FP16.isNaN(c) ? expected[c] & ~0x00400000 | ((c & 0x200) << 13) : expected[c];
            assertEquals(expectNumpy, numpy, "numpy-style fp16 decode of 0x" + Integer.toHexString(c));
        }
        assertNull(TestVectors.diff("fp16 torch decode", expected, torch, null));
    }

    @Test
    void bf16DecodeIsAShift() {
        for (int c = 0; c < 65536; c++) {
            assertEquals(c << 16, Float.floatToRawIntBits(FloatFormat.BF16.decode(c)));
            assertEquals(c << 16, Float.floatToRawIntBits(FloatFormat.BF16.decode(c, Compat.TORCH)));
        }
    }

    private static void check(List<String> failures, String line, String what, int expected, int actual) {
        if (expected != actual) {
            failures.add(line + ": " + what + " 0x" + Integer.toHexString(actual));
        }
    }

    private static double parseValue(String s) {
        switch (s) {
            case "nan":
                return Double.NaN;
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(s);
        }
    }

    public static long[] asLong(int[] bits) {
        long[] out = new long[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = bits[i] & 0xFFFFFFFFL;
        }
        return out;
    }
}
