package dev.qlens.cli.jobs;

import dev.qlens.cli.RuntimeInfo;
import dev.qlens.core.block.BfpCodec;
import dev.qlens.core.block.MxElement;
import dev.qlens.core.block.MxScaleMode;
import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.ScalarKernels;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.numeric.IntFormat;
import dev.qlens.core.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * {@code qlens bench}: a quick measurement of the main kernels on this machine, one thread, data in
 * RAM (far beyond the caches). Each kernel streams the whole array in chunks of 64 Ki elements, as
 * the jobs do. Measurements alternate with an in-process array copy of the same array, so every
 * ratio compares two passes taken moments apart; the median over the repetitions is reported, which
 * keeps the ratio meaningful on a machine whose speed drifts. This is a smoke test for users; the
 * JMH benchmarks in {@code bench} are the reference numbers.
 */
public final class SelfBenchmark {
    /** Elements per kernel call, as the streaming jobs use. */
    static final int CHUNK = 64 * 1024;

    /** One kernel to measure. */
    record Kernel(String name, String description, double bytesPerElement, Target target, Op op) {
    }

    /** The performance target the kernel has in the project's plan, or null. */
    public record Target(double minGelemPerSecond, double minCopyRatio) {
        /** Whether a measurement meets the target. */
        public boolean met(double gelem, double ratio) {
            return gelem >= minGelemPerSecond && ratio >= minCopyRatio;
        }

        @Override
        public String toString() {
            String s = minCopyRatio > 0 ? String.format(java.util.Locale.ROOT, ">= %.0f%% of copy", 100 * minCopyRatio)
                    : "";
            if (minGelemPerSecond > 0) {
                s = String.format(java.util.Locale.ROOT, ">= %.0f Gelem/s", minGelemPerSecond) + (s.isEmpty() ? ""
                        : ", " + s);
            }
            return s;
        }
    }

    /** One chunk of a kernel: elements [from, from + n) of the data. */
    @FunctionalInterface
    interface Op {
        void run(Kernels k, Data d, int from, int n);
    }

    /** The result for one kernel. */
    public record Result(String name, String description, double bytesPerElement, double vectorGelem,
                         double scalarGelem, double copyRatio, double copyGBs, Target target) {
        /** Bytes read plus written per second by the vector kernels. */
        public double vectorGBs() {
            return vectorGelem * bytesPerElement;
        }

        /** Whether the target (if any) was met. */
        public Boolean targetMet() {
            return target == null ? null : target.met(vectorGelem, copyRatio);
        }
    }

    /** The whole report. */
    public record Report(String java, String kernels, boolean hugePages, int elements, int repetitions,
                         double copyGBs, List<Result> results) {
    }

    /** Inputs and outputs shared by the kernels. */
    static final class Data {
        final float[] x;
        /** x scaled so its largest magnitude is E4M3's 448, as per-tensor FP8 quantization encodes it. */
        final float[] xToE4M3;
        final float[] y;
        final float[] out;
        final byte[] bytes;
        final byte[] fp8;
        final byte[] bf16;
        final byte[] fp16;
        final byte[] scales;
        final int[] ints;
        final float[] rowScales;
        final float global;

        Data(int n) {
            SplittableRandom r = new SplittableRandom(42);
            x = new float[n];
            for (int i = 0; i < n; i++) {
                double u = 1.0 - r.nextDouble();
                x[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()) * 0.02);
            }
            ScalarKernels s = ScalarKernels.INSTANCE;
            float toE4M3 = 448f / s.maxAbs(x, 0, n);
            xToE4M3 = new float[n];
            for (int i = 0; i < n; i++) {
                xToE4M3[i] = x[i] * toE4M3;
            }
            fp8 = new byte[n];
            s.encode(DType.F8_E4M3, x, 0, fp8, 0, n, EncodeMode.SATURATING, 0);
            bf16 = new byte[2 * n];
            s.encode(DType.BF16, x, 0, bf16, 0, n, EncodeMode.DEFAULT, 0);
            fp16 = new byte[2 * n];
            s.encode(DType.F16, x, 0, fp16, 0, n, EncodeMode.DEFAULT, 0);
            y = new float[n];
            s.decode(DType.F8_E4M3, fp8, 0, y, 0, n);
            out = new float[n];
            bytes = new byte[2 * n];
            scales = new byte[n / 16];
            ints = new int[n];
            rowScales = new float[n / CHUNK];
            for (int c = 0; c < rowScales.length; c++) {
                rowScales[c] = s.maxAbsFinite(x, c * CHUNK, CHUNK) / 127f;
            }
            global = s.maxAbs(x, 0, n) / 2688f;
        }
    }

    private static final IntFormat INT8 = IntFormat.symmetric(8);

    static List<Kernel> kernels() {
        List<Kernel> k = new ArrayList<>();
        k.add(new Kernel("encode_fp8_e4m3", "f32 -> FP8 E4M3, nearest even, saturating", 5,
                new Target(4, 0.6), (kk, d, f, n) -> kk.encode(DType.F8_E4M3, d.x, f, d.bytes, f, n,
                        EncodeMode.SATURATING, f)));
        k.add(new Kernel("encode_fp8_e4m3_scaled", "f32 scaled to amax 448 -> FP8 E4M3, nearest even, saturating",
                5, null, (kk, d, f, n) -> kk.encode(DType.F8_E4M3, d.xToE4M3, f, d.bytes, f, n,
                        EncodeMode.SATURATING, f)));
        k.add(new Kernel("encode_bf16", "f32 -> BF16, nearest even", 6, null,
                (kk, d, f, n) -> kk.encode(DType.BF16, d.x, f, d.bytes, 2 * f, n, EncodeMode.DEFAULT, f)));
        k.add(new Kernel("decode_fp8_e4m3", "FP8 E4M3 -> f32", 5, new Target(0, 0.6),
                (kk, d, f, n) -> kk.decode(DType.F8_E4M3, d.fp8, f, d.out, f, n)));
        k.add(new Kernel("decode_bf16", "BF16 -> f32", 6, new Target(0, 0.6),
                (kk, d, f, n) -> kk.decode(DType.BF16, d.bf16, 2 * f, d.out, f, n)));
        k.add(new Kernel("decode_fp16", "FP16 -> f32", 6, new Target(0, 0.6),
                (kk, d, f, n) -> kk.decode(DType.F16, d.fp16, 2 * f, d.out, f, n)));
        k.add(new Kernel("int8_per_channel", "INT8 per-channel quantize + dequantize", 12, null,
                (kk, d, f, n) -> kk.scaledInt(d.x, f, n, d.rowScales[f / CHUNK], 0, INT8, EncodeMode.DEFAULT, f,
                        d.ints, f, d.out, f)));
        k.add(new Kernel("mxfp4_quantize", "OCP MXFP4 blocks of 32 (scales + codes)", 5 + 1 / 32.0, null,
                (kk, d, f, n) -> kk.mxQuantize(d.x, f, n / 32, 32, MxElement.FP4_E2M1, MxScaleMode.FLOOR,
                        EncodeMode.DEFAULT, f, d.scales, f / 32, d.bytes, f, null, 0)));
        k.add(new Kernel("nvfp4_quantize", "NVFP4 blocks of 16 (scales + codes)", 5 + 1 / 16.0, null,
                (kk, d, f, n) -> kk.nvfp4Quantize(d.x, f, n / 16, 16, d.global, EncodeMode.DEFAULT, f, d.scales,
                        f / 16, d.bytes, f, null, 0, false)));
        k.add(new Kernel("bfp8_tile_pack", "Tenstorrent bfloat8_b 32x32 tile packing", 4 + 1088 / 1024.0,
                new Target(0, 0.4), (kk, d, f, n) -> {
                    int tileBytes = BfpCodec.tileBytes(8);
                    for (int t = 0; t < n / 1024; t++) {
                        kk.bfpPackTile(d.x, f + t * 1024, 8, true, d.bytes, (f / 1024 + t) * tileBytes);
                    }
                }));
        k.add(new Kernel("error_sums", "compare metrics: sums of |e|, e^2, x, y, x^2, y^2, xy, |x|, max |e|", 8,
                new Target(0, 0.6), (kk, d, f, n) -> kk.errorSums(d.x, f, d.y, f, n, new ErrorSums())));
        return k;
    }

    private final int elements;
    private final int repetitions;
    private final Consumer<String> progress;

    /**
     * @param elements elements per pass (rounded down to a multiple of the chunk)
     * @param repetitions measured passes per kernel (each paired with a copy pass)
     * @param progress receives the name of each kernel as it starts (may ignore it)
     */
    public SelfBenchmark(int elements, int repetitions, Consumer<String> progress) {
        if (elements < CHUNK) {
            throw new IllegalArgumentException("--elements must be at least " + CHUNK);
        }
        if (repetitions < 1) {
            throw new IllegalArgumentException("--repetitions must be at least 1");
        }
        this.elements = elements / CHUNK * CHUNK;
        this.repetitions = repetitions;
        this.progress = progress;
    }

    /** Runs every kernel and returns the report. */
    public Report run() {
        Kernels vector = KernelProvider.get();
        Kernels scalar = ScalarKernels.INSTANCE;
        Data d = new Data(elements);
        List<Result> results = new ArrayList<>();
        List<Double> copyAll = new ArrayList<>();
        for (Kernel k : kernels()) {
            progress.accept(k.name());
            // Warm-up: enough chunk calls for the JIT to compile the kernel as a standalone method.
            for (int w = 0; w < 3; w++) {
                pass(vector, k, d, elements);
                copyPass(d);
            }
            double[] gelem = new double[repetitions];
            double[] ratio = new double[repetitions];
            for (int r = 0; r < repetitions; r++) {
                double copySeconds = copyPass(d);
                double seconds = pass(vector, k, d, elements);
                gelem[r] = elements / seconds / 1e9;
                double copyBytesPerSecond = 8.0 * elements / copySeconds;
                copyAll.add(copyBytesPerSecond);
                ratio[r] = gelem[r] * 1e9 * k.bytesPerElement() / copyBytesPerSecond;
            }
            double scalarGelem = scalar == vector ? median(gelem) : scalarRate(scalar, k, d);
            results.add(new Result(k.name(), k.description(), k.bytesPerElement(), median(gelem), scalarGelem,
                    median(ratio), median(copyAll.stream().mapToDouble(Double::doubleValue).toArray()) / 1e9,
                    k.target()));
        }
        double copy = median(copyAll.stream().mapToDouble(Double::doubleValue).toArray()) / 1e9;
        String java = System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
        String kernelName = vector.name() + KernelProvider.fallbackReason().map(r -> " (" + r + ")").orElse("");
        return new Report(java, kernelName, RuntimeInfo.transparentHugePages(), elements, repetitions, copy,
                results);
    }

    /** The scalar rate on a smaller prefix (the scalar kernels are 10 to 100 times slower). */
    private double scalarRate(Kernels scalar, Kernel k, Data d) {
        int n = Math.max(CHUNK, elements / 16 / CHUNK * CHUNK);
        pass(scalar, k, d, n);
        double[] g = new double[3];
        for (int r = 0; r < g.length; r++) {
            g[r] = n / pass(scalar, k, d, n) / 1e9;
        }
        return median(g);
    }

    private static double pass(Kernels kernels, Kernel k, Data d, int n) {
        long t = System.nanoTime();
        for (int f = 0; f < n; f += CHUNK) {
            k.op().run(kernels, d, f, CHUNK);
        }
        return (System.nanoTime() - t) / 1e9;
    }

    private static double copyPass(Data d) {
        long t = System.nanoTime();
        System.arraycopy(d.x, 0, d.out, 0, d.x.length);
        return (System.nanoTime() - t) / 1e9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }
}
