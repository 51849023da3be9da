package dev.qlens.bench;

import dev.qlens.core.block.BfpCodec;
import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.ScalarKernels;
import dev.qlens.core.kernel.ValueSums;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.FloatFormat;
import dev.qlens.core.numeric.IntFormat;
import dev.qlens.core.tensor.DType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Every kernel, scalar and vector, on 16 Mi weight-like float32 values (64 MiB, far beyond the
 * caches), one thread. One operation processes all n elements; {@link BenchReport} turns operations
 * per second into elements and bytes per second and compares them with {@link #copy}, an in-process
 * array copy measured in the same run.
 *
 * <p>The fork gets the launcher's flags: the Vector API module, transparent huge pages (a Linux
 * option, ignored elsewhere), no inlining of the vector kernel entry points into their callers,
 * forced inlining of the per-vector helpers (see {@code bench/README.md}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g",
    "-XX:+IgnoreUnrecognizedVMOptions", "-XX:+UseTransparentHugePages",
    "-XX:+UnlockDiagnosticVMOptions", "-XX:CompileCommand=quiet",
    "-XX:CompileCommand=dontinline,dev.qlens.simd.VectorKernels::*",
    "-XX:CompileCommand=dontinline,dev.qlens.simd.VPasses::*",
    "-XX:CompileCommand=inline,dev.qlens.simd.VEncode::*", "-XX:CompileCommand=inline,dev.qlens.simd.VDecode::*",
    "-XX:CompileCommand=inline,dev.qlens.simd.VInt::*", "-XX:CompileCommand=inline,dev.qlens.simd.VScaled::*",
    "-XX:CompileCommand=inline,dev.qlens.simd.VBfp::*", "-XX:CompileCommand=inline,dev.qlens.simd.VReduce::*"})
public class KernelBenchmark {
    /** Elements per operation. */
    public static final int N = 16 * 1024 * 1024;

    /** scalar: the reference; vector: the Vector API kernels at the CPU's preferred width. */
    @Param({"scalar", "vector"})
    public String impl;

    private Kernels k;
    private float[] x;
    /** x scaled so its largest magnitude is 448: the input of per-tensor FP8 E4M3 quantization. */
    private float[] xToE4M3;
    private float[] y;
    private float[] out;
    private byte[] bytes;
    private byte[] codes;
    private byte[] scales;
    private int[] ints;
    private float[] rowScales;
    private float nvfp4Global;
    private byte[] tiles;
    private byte[] fp8;
    private byte[] bf16;
    private byte[] fp16;
    private byte[] fp6;
    private byte[] fp4;
    private byte[] e8m0;

    @Setup
    public void setup() {
        if (impl.equals("vector")) {
            k = KernelProvider.get();
            if (k.vectorBitSize() == 0) {
                throw new IllegalStateException("vector kernels unavailable: " + KernelProvider.fallbackReason());
            }
        } else {
            k = ScalarKernels.INSTANCE;
        }
        x = BenchData.weights(N, 1);
        float toE4M3 = 448f / k.maxAbs(x, 0, N);
        xToE4M3 = new float[N];
        for (int i = 0; i < N; i++) {
            xToE4M3[i] = x[i] * toE4M3;
        }
        y = new float[N];
        out = new float[N];
        bytes = new byte[4 * N];
        codes = new byte[N];
        scales = new byte[N / 16];
        ints = new int[N];
        rowScales = new float[N / ROW];
        for (int r = 0; r < rowScales.length; r++) {
            rowScales[r] = k.maxAbsFinite(x, r * ROW, ROW) / 127f;
        }
        nvfp4Global = k.maxAbs(x, 0, N) / 2688f;
        tiles = new byte[N / 1024 * BfpCodec.tileBytes(8)];
        fp8 = new byte[N];
        bf16 = new byte[2 * N];
        fp16 = new byte[2 * N];
        fp6 = new byte[3 * N / 4];
        fp4 = new byte[N / 2];
        e8m0 = new byte[N];
        // Inputs come from the active kernels (bit-identical to the scalar ones, and much faster to set up).
        Kernels s = KernelProvider.get();
        s.encode(DType.F8_E4M3, x, 0, fp8, 0, N, EncodeMode.SATURATING, 0);
        s.encode(DType.BF16, x, 0, bf16, 0, N, EncodeMode.DEFAULT, 0);
        s.encode(DType.F16, x, 0, fp16, 0, N, EncodeMode.DEFAULT, 0);
        s.encode(DType.F6_E2M3, x, 0, fp6, 0, N, EncodeMode.SATURATING, 0);
        s.encode(DType.F4, x, 0, fp4, 0, N, EncodeMode.SATURATING, 0);
        s.encode(DType.F8_E8M0, x, 0, e8m0, 0, N, EncodeMode.SATURATING, 0);
        s.decode(DType.F8_E4M3, fp8, 0, y, 0, N);
        for (int t = 0; t < N / 1024; t++) {
            s.bfpPackTile(x, t * 1024, 8, true, tiles, t * BfpCodec.tileBytes(8));
        }
    }

    private static final int ROW = 4096;

    // ---------------------------------------------------------------------------------------
    // Baseline

    /** System.arraycopy of n float32 values (reads and writes 4n bytes). */
    @Benchmark
    public float[] copy() {
        System.arraycopy(x, 0, out, 0, N);
        return out;
    }

    /**
     * The memory roof of the 8-bit encoders: the same reads (4 bytes) and writes (1 byte) per element
     * with no arithmetic, each float32's top byte stored. An encoder as fast as this is bound by
     * memory, not by its instructions. scalar: a cast loop (C2 may vectorize it); vector: the Vector
     * API at the preferred width.
     */
    @Benchmark
    public byte[] streamF32ToU8() {
        if (impl.equals("vector")) {
            MemoryRoof.topBytes(x, codes, N);
        } else {
            for (int i = 0; i < N; i++) {
                codes[i] = (byte) (Float.floatToRawIntBits(x[i]) >>> 24);
            }
        }
        return codes;
    }

    // ---------------------------------------------------------------------------------------
    // Encode float32 -> element formats

    @Benchmark
    public byte[] encodeE4M3Sat() {
        k.encode(DType.F8_E4M3, x, 0, bytes, 0, N, EncodeMode.SATURATING, 0);
        return bytes;
    }

    /**
     * The same encoding of weights scaled to E4M3's range (per-tensor FP8 quantization): nearly every
     * vector is in the normal range. The raw weights above (standard deviation 0.02) fall mostly in
     * E4M3's subnormal range, which takes the general path.
     */
    @Benchmark
    public byte[] encodeE4M3SatScaled() {
        k.encode(DType.F8_E4M3, xToE4M3, 0, bytes, 0, N, EncodeMode.SATURATING, 0);
        return bytes;
    }

    @Benchmark
    public byte[] encodeE5M2() {
        k.encode(DType.F8_E5M2, x, 0, bytes, 0, N, EncodeMode.DEFAULT, 0);
        return bytes;
    }

    @Benchmark
    public byte[] encodeE4M3FnuzSat() {
        k.encode(DType.F8_E4M3FNUZ, x, 0, bytes, 0, N, EncodeMode.SATURATING, 0);
        return bytes;
    }

    @Benchmark
    public byte[] encodeBF16() {
        k.encode(DType.BF16, x, 0, bytes, 0, N, EncodeMode.DEFAULT, 0);
        return bytes;
    }

    @Benchmark
    public byte[] encodeFP16() {
        k.encode(DType.F16, x, 0, bytes, 0, N, EncodeMode.DEFAULT, 0);
        return bytes;
    }

    @Benchmark
    public byte[] encodeFP6E2M3() {
        k.encode(DType.F6_E2M3, x, 0, bytes, 0, N, EncodeMode.SATURATING, 0);
        return bytes;
    }

    @Benchmark
    public byte[] encodeFP4() {
        k.encode(DType.F4, x, 0, bytes, 0, N, EncodeMode.SATURATING, 0);
        return bytes;
    }

    @Benchmark
    public byte[] encodeE8M0() {
        k.encode(DType.F8_E8M0, x, 0, bytes, 0, N, EncodeMode.SATURATING, 0);
        return bytes;
    }

    // ---------------------------------------------------------------------------------------
    // Decode element formats -> float32

    @Benchmark
    public float[] decodeE4M3() {
        k.decode(DType.F8_E4M3, fp8, 0, out, 0, N);
        return out;
    }

    @Benchmark
    public float[] decodeE5M2() {
        k.decode(DType.F8_E5M2, fp8, 0, out, 0, N);
        return out;
    }

    @Benchmark
    public float[] decodeE4M3Fnuz() {
        k.decode(DType.F8_E4M3FNUZ, fp8, 0, out, 0, N);
        return out;
    }

    @Benchmark
    public float[] decodeE5M2Fnuz() {
        k.decode(DType.F8_E5M2FNUZ, fp8, 0, out, 0, N);
        return out;
    }

    @Benchmark
    public float[] decodeBF16() {
        k.decode(DType.BF16, bf16, 0, out, 0, N);
        return out;
    }

    @Benchmark
    public float[] decodeFP16() {
        k.decode(DType.F16, fp16, 0, out, 0, N);
        return out;
    }

    @Benchmark
    public float[] decodeFP6E2M3() {
        k.decode(DType.F6_E2M3, fp6, 0, out, 0, N);
        return out;
    }

    @Benchmark
    public float[] decodeFP4() {
        k.decode(DType.F4, fp4, 0, out, 0, N);
        return out;
    }

    @Benchmark
    public float[] decodeE8M0() {
        k.decode(DType.F8_E8M0, e8m0, 0, out, 0, N);
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // Scaled formats (per-channel rows of 4096)

    private static final IntFormat INT8 = IntFormat.symmetric(8);

    /** Per-channel INT8 quantize-dequantize: codes and reconstruction. */
    @Benchmark
    public float[] scaledInt8PerChannel() {
        for (int r = 0; r < N / ROW; r++) {
            k.scaledInt(x, r * ROW, ROW, rowScales[r], 0, INT8, EncodeMode.DEFAULT, (long) r * ROW, ints, r * ROW,
                    out, r * ROW);
        }
        return out;
    }

    /** Per-tensor FP8 E4M3 quantize-dequantize: codes and reconstruction. */
    @Benchmark
    public float[] scaledFp8PerTensor() {
        k.scaledFloat(x, 0, N, nvfp4Global * 6f, FloatFormat.FP8_E4M3FN, EncodeMode.SATURATING, 0, codes, 0, out, 0);
        return out;
    }

    // ---------------------------------------------------------------------------------------
    // Block formats

    @Benchmark
    public byte[] mxfp8Quantize() {
        k.mxQuantize(x, 0, N / 32, 32, MxElement.FP8_E4M3, MxScaleMode.FLOOR, EncodeMode.DEFAULT, 0, scales, 0, codes,
                0, null, 0);
        return codes;
    }

    @Benchmark
    public byte[] mxfp4Quantize() {
        k.mxQuantize(x, 0, N / 32, 32, MxElement.FP4_E2M1, MxScaleMode.FLOOR, EncodeMode.DEFAULT, 0, scales, 0, codes,
                0, null, 0);
        return codes;
    }

    @Benchmark
    public float[] mxfp8Dequantize() {
        k.mxDequantize(scales, 0, fp8, 0, N / 32, 32, MxElement.FP8_E4M3, out, 0);
        return out;
    }

    @Benchmark
    public byte[] nvfp4Quantize() {
        k.nvfp4Quantize(x, 0, N / 16, 16, nvfp4Global, EncodeMode.DEFAULT, 0, scales, 0, codes, 0, null, 0, false);
        return codes;
    }

    @Benchmark
    public float[] nvfp4Dequantize() {
        k.nvfp4Dequantize(scales, 0, fp4, 0, N / 16, 16, nvfp4Global, false, out, 0);
        return out;
    }

    @Benchmark
    public byte[] bfp8PackTiles() {
        int tileBytes = BfpCodec.tileBytes(8);
        for (int t = 0; t < N / 1024; t++) {
            k.bfpPackTile(x, t * 1024, 8, true, tiles, t * tileBytes);
        }
        return tiles;
    }

    @Benchmark
    public float[] bfp8UnpackTiles() {
        int tileBytes = BfpCodec.tileBytes(8);
        for (int t = 0; t < N / 1024; t++) {
            k.bfpUnpackTile(tiles, t * tileBytes, 8, out, t * 1024);
        }
        return out;
    }

    @Benchmark
    public byte[] bfp4Groups() {
        k.bfpGroups(x, 0, N / 16, 4, true, scales, 0, codes, 0, null, 0);
        return codes;
    }

    // ---------------------------------------------------------------------------------------
    // Reductions

    @Benchmark
    public ErrorSums errorSums() {
        ErrorSums acc = new ErrorSums();
        k.errorSums(x, 0, y, 0, N, acc);
        return acc;
    }

    @Benchmark
    public ValueSums valueSums() {
        ValueSums acc = new ValueSums();
        k.valueSums(x, 0, N, acc);
        return acc;
    }

    @Benchmark
    public float maxAbs() {
        return k.maxAbs(x, 0, N);
    }
}
