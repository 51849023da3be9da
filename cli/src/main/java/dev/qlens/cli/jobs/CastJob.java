package dev.qlens.cli.jobs;

import dev.qlens.cli.util.Progress;
import dev.qlens.core.QlensException;
import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.FloatView;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.io.safetensors.SafetensorsWriter;
import dev.qlens.core.io.safetensors.SafetensorsWriter.TensorSpec;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;
import dev.qlens.formats.convention.CheckpointView;
import dev.qlens.formats.convention.Convention;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code qlens cast}: element-wise cast of the floating-point tensors of a checkpoint to another
 * floating-point dtype, without scaling, written as safetensors. Other tensors are copied unchanged
 * and the metadata is kept. With {@code dequantize}, quantized weights are first dequantized through
 * their convention and their scale tensors dropped.
 */
public final class CastJob {
    /** Elements per streamed chunk (a multiple of 4, so F4 and F6 chunks are whole bytes). */
    static final int CHUNK = 1 << 20;

    private CastJob() {
    }

    /**
     * What to cast.
     *
     * @param input source checkpoint
     * @param output target .safetensors path
     * @param target floating-point dtype to cast to
     * @param mode rounding, saturation, conventions, stochastic seed
     * @param only cast only tensors whose name this pattern finds (null: every floating tensor)
     * @param dequantize dequantize quantized weights first (dropping their scales)
     * @param conventions conventions used with {@code dequantize}
     * @param force replace an existing output file
     * @param shardBytes split the output into shards of this many bytes (0: one file)
     * @param progress show a progress bar on stderr
     */
    public record Options(Path input, Path output, DType target, EncodeMode mode, Pattern only, boolean dequantize,
                          Set<Convention> conventions, boolean force, long shardBytes, boolean progress) {
    }

    /** What was written. */
    public record Result(List<Path> written, int cast, int copied, long bytesIn, long bytesOut, List<String> warnings) {
    }

    /** Runs the cast. */
    public static Result run(Options o) throws IOException {
        if (!o.target().isFloatingPoint()) {
            throw new QlensException("--dtype must be a floating-point dtype (F32, F16, BF16, F8_E4M3, ...), not " + o.target());
        }
        try (Checkpoint c = Checkpoints.open(o.input())) {
            ReadPlan.announceAll(c); // a cast reads every tensor: Hub files are downloaded whole
            return run(c, o);
        }
    }

    /** One output tensor: a raw copy of {@code stored}, or a cast of {@code source}'s values. */
    private record Planned(String name, long[] shape, TensorEntry stored, ViewSource source) {
        boolean isCopy() {
            return source == null;
        }

        long inputBytes() {
            return stored != null ? stored.byteSize() : Shapes.numel(shape) * 4;
        }
    }

    /** Runs the cast on an open checkpoint (the caller closes it). */
    public static Result run(Checkpoint c, Options o) throws IOException {
        Kernels kernels = KernelProvider.get();
        List<String> warnings = new ArrayList<>(Checkpoints.warnings(c));
        List<Planned> plan = new ArrayList<>();
        if (o.dequantize()) {
            CheckpointView view = CheckpointView.of(c, o.conventions());
            warnings.addAll(view.warnings());
            for (LogicalTensor t : view.tensors()) {
                if (t.kind() == LogicalTensor.Kind.UNSUPPORTED) {
                    warnings.add(t.name() + ": " + t.problem() + "; its stored tensors are copied unchanged");
                    t.sources().forEach(s -> plan.add(new Planned(s, c.tensor(s).shape(), c.tensor(s), null)));
                } else if (t.kind() == LogicalTensor.Kind.PLAIN) {
                    plan.add(planStored(c.tensor(t.name()), o, kernels));
                } else {
                    plan.add(new Planned(t.name(), t.shape(), null, t::open));
                }
            }
        } else {
            for (TensorEntry e : c.tensors()) {
                plan.add(planStored(e, o, kernels));
            }
        }

        Map<String, String> metadata = new LinkedHashMap<>(c.metadata());
        if (o.dequantize()) {
            metadata.remove("_quantization_metadata");
        }
        metadata.put("qlens_cast", o.target() + " rounding=" + o.mode().rounding().cliName() + " saturate="
                + o.mode().saturate() + " compat=" + o.mode().compat().cliName() + (o.dequantize() ? " dequantized" : ""));
        SafetensorsWriter w = SafetensorsWriter.to(o.output()).inputs(c.files()).overwrite(o.force())
                .maxShardBytes(o.shardBytes()).metadata(metadata);
        int cast = 0;
        int copied = 0;
        long bytesIn = 0;
        long bytesOut = 0;
        for (Planned p : plan) {
            bytesIn += p.inputBytes();
            if (p.isCopy()) {
                TensorEntry e = p.stored();
                w.add(new TensorSpec(p.name(), e.dtype(), p.shape(), sink -> copy(e, sink)));
                copied++;
                bytesOut += e.byteSize();
                continue;
            }
            long numel = Shapes.numel(p.shape());
            try {
                bytesOut += o.target().byteSize(numel);
            } catch (ArithmeticException ex) {
                throw new QlensException(o.input() + ": tensor '" + p.name() + "' has " + numel + " elements, which cannot"
                        + " be stored as " + o.target() + " (" + ex.getMessage() + "); exclude it with --only");
            }
            TensorEntry stored = p.stored();
            SafetensorsWriter.Payload payload = stored != null && stored.dtype() == DType.F64
                    ? sink -> castDoubles(stored, o.target(), o.mode(), sink)
                    : sink -> castFloats(p.source().open(), o.target(), o.mode(), kernels, sink);
            w.add(new TensorSpec(p.name(), o.target(), p.shape(), payload));
            cast++;
        }
        List<Path> written;
        try (Progress progress = Progress.start("cast", bytesIn, plan.size(), o.progress())) {
            w.progress(progress::bytes);
            written = w.write();
        }
        return new Result(written, cast, copied, bytesIn, bytesOut, warnings);
    }

    /** A stored tensor is cast when it is floating point, selected, and not already the target dtype. */
    private static Planned planStored(TensorEntry e, Options o, Kernels kernels) {
        boolean wanted = o.only() == null || o.only().matcher(e.name()).find();
        if (e.dtype().isFloatingPoint() && wanted && e.dtype() != o.target()) {
            return new Planned(e.name(), e.shape(), e, () -> new DecodedTensor(e, kernels));
        }
        return new Planned(e.name(), e.shape(), e, null);
    }

    /** Opens the float values of a tensor to cast. */
    @FunctionalInterface
    interface ViewSource {
        FloatView open() throws IOException;
    }

    private static void copy(TensorEntry e, SafetensorsWriter.ByteSink sink) throws IOException {
        byte[] buf = new byte[(int) Math.min(e.byteSize(), 8 << 20)];
        for (long off = 0; off < e.byteSize(); off += buf.length) {
            int n = (int) Math.min(buf.length, e.byteSize() - off);
            e.readBytes(off, buf, 0, n);
            sink.write(buf, 0, n);
        }
    }

    private static void castFloats(FloatView v, DType target, EncodeMode mode, Kernels kernels,
                                   SafetensorsWriter.ByteSink sink) throws IOException {
        long n = v.numel();
        float[] values = new float[(int) Math.min(CHUNK, Math.max(1, n))];
        byte[] out = new byte[(int) target.byteSize(values.length)];
        for (long start = 0; start < n; start += values.length) {
            int len = (int) Math.min(values.length, n - start);
            v.read(start, values, 0, len);
            kernels.encode(target, values, 0, out, 0, len, mode, start);
            sink.write(out, 0, (int) target.byteSize(len));
        }
    }

    /** float64 sources round once, directly from float64 (single rounding). */
    private static void castDoubles(TensorEntry e, DType target, EncodeMode mode, SafetensorsWriter.ByteSink sink)
            throws IOException {
        long n = e.numel();
        byte[] in = new byte[(int) Math.min(CHUNK, Math.max(1, n)) * 8];
        int per = in.length / 8;
        byte[] out = new byte[(int) target.byteSize(per)];
        float[] tmp = new float[per];
        for (long start = 0; start < n; start += per) {
            int len = (int) Math.min(per, n - start);
            e.readBytes(start * 8, in, 0, len * 8);
            if (target.floatFormat() == null) {
                // F32 target: Java's narrowing conversion rounds to nearest even.
                for (int i = 0; i < len; i++) {
                    tmp[i] = (float) Double.longBitsToDouble(LittleEndian.getLong(in, 8 * i));
                }
                KernelProvider.get().encode(target, tmp, 0, out, 0, len, mode, start);
            } else {
                var f = target.floatFormat();
                for (int i = 0; i < len; i++) {
                    double d = Double.longBitsToDouble(LittleEndian.getLong(in, 8 * i));
                    int code = f.encode(d, mode.rounding(), mode.saturate(), mode.compat(), mode.randomBits(start + i));
                    put(target, out, i, code);
                }
            }
            sink.write(out, 0, (int) target.byteSize(len));
        }
    }

    private static void put(DType target, byte[] out, int i, int code) {
        switch (target.bits()) {
            case 16:
                LittleEndian.putShort(out, 2 * i, code);
                break;
            case 8:
                out[i] = (byte) code;
                break;
            case 6:
                dev.qlens.core.kernel.SubByte.put6(out, 0, i, code);
                break;
            default: // 4
                int b = out[i >> 1] & 0xFF;
                out[i >> 1] = (byte) ((i & 1) == 0 ? (b & 0xF0) | code : (b & 0x0F) | (code << 4));
                break;
        }
    }
}
