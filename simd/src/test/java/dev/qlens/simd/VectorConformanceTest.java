package dev.qlens.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.qlens.core.numeric.ElementConformanceTest;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.Rounding;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.testing.TestVectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The golden element vectors (ml_dtypes, torch, numpy, Eigen) replayed through the vector kernels. */
class VectorConformanceTest {
    @BeforeEach
    void nativeWidth() {
        VectorTesting.assumeNativeWidth();
    }

    static Stream<Arguments> cases() {
        return ElementConformanceTest.f32Cases();
    }

    private static float[] floats(int[] bits) {
        float[] x = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            x[i] = Float.intBitsToFloat(bits[i]);
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void vectorEncoderReproducesEveryFile(ElementConformanceTest.Case c) {
        int[] inputs = c.bf16Sweep() ? ElementConformanceTest.bf16SweepInputs() : ElementConformanceTest.f32Inputs();
        int[] expected = TestVectors.u8(c.file());
        assertEquals(inputs.length, expected.length, "entries in " + c.file());
        byte[] codes = new byte[inputs.length];
        EncodeMode mode = new EncodeMode(Rounding.NEAREST_EVEN, c.saturate(), c.compat(), 0L);
        VectorTesting.VECTOR.encodeCodes(c.format(), floats(inputs), 0, codes, 0, inputs.length, mode, 0L);
        int[] actual = new int[codes.length];
        for (int i = 0; i < codes.length; i++) {
            actual[i] = codes[i] & 0xFF;
        }
        assertNull(TestVectors.diff(c + " (vector)", expected, actual, ElementConformanceTest.asLong(inputs)));
    }

    @Test
    void vectorBf16AndFp16EncodersReproduceTheirFiles() {
        int[] inputs = ElementConformanceTest.f32Inputs();
        float[] x = floats(inputs);
        check(x, inputs, DType.BF16, EncodeMode.DEFAULT, "scalar/encf32_eigen_bf16.u16.gz");
        check(x, inputs, DType.F16, EncodeMode.DEFAULT, "scalar/encf32_numpy_fp16.u16.gz");
        check(x, inputs, DType.F16, new EncodeMode(Rounding.NEAREST_EVEN, false,
                dev.qlens.core.numeric.Compat.TORCH, 0L), "scalar/encf32_torch_fp16.u16.gz");
    }

    private static void check(float[] x, int[] inputs, DType dtype, EncodeMode mode, String file) {
        byte[] out = new byte[2 * x.length];
        VectorTesting.VECTOR.encode(dtype, x, 0, out, 0, x.length, mode, 0L);
        int[] actual = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            actual[i] = (out[2 * i] & 0xFF) | (out[2 * i + 1] & 0xFF) << 8;
        }
        assertNull(TestVectors.diff(file + " (vector)", TestVectors.u16(file), actual,
                ElementConformanceTest.asLong(inputs)));
    }
}
