package dev.qlens.formats.convention;

import dev.qlens.core.io.FloatView;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;
import java.io.IOException;
import java.util.List;

/**
 * A tensor as the model sees it: a stored tensor, or a quantized weight dequantized through its
 * convention (its scale and marker tensors are folded in), or a quantized weight qlens cannot
 * dequantize (with the reason).
 */
public final class LogicalTensor {
    /** What kind of tensor this is. */
    public enum Kind {
        /** Stored as is. */
        PLAIN,
        /** Dequantized from codes and scales. */
        QUANTIZED,
        /** Recognised as quantized but not readable (see {@link #problem()}). */
        UNSUPPORTED
    }

    /** Opens a float view. */
    @FunctionalInterface
    public interface Opener {
        /** Opens the view. */
        FloatView open() throws IOException;
    }

    /** Summary of a scale tensor. */
    public record ScaleSummary(long count, double min, double max, double mean) {
    }

    /** Loads the scale summary on demand. */
    @FunctionalInterface
    public interface ScaleSummarizer {
        /** Reads the scales. */
        ScaleSummary summarize() throws IOException;
    }

    private final String name;
    private final long[] shape;
    private final Kind kind;
    private final DType storedDtype;
    private final Convention convention;
    private final String format;
    private final String granularity;
    private final long blockSize;
    private final List<String> sources;
    private final String problem;
    private final Opener opener;
    private final ScaleSummarizer summarizer;
    private final String origin;
    private String note;
    private ScaleSummary summary;

    private LogicalTensor(String name, long[] shape, Kind kind, DType storedDtype, Convention convention, String format,
                          String granularity, long blockSize, List<String> sources, String problem, Opener opener,
                          ScaleSummarizer summarizer, String origin) {
        this.name = name;
        this.shape = shape.clone();
        this.kind = kind;
        this.storedDtype = storedDtype;
        this.convention = convention;
        this.format = format;
        this.granularity = granularity;
        this.blockSize = blockSize;
        this.sources = List.copyOf(sources);
        this.problem = problem;
        this.opener = opener;
        this.summarizer = summarizer;
        this.origin = origin;
    }

    /** A stored tensor read as is. */
    public static LogicalTensor plain(String name, long[] shape, DType dtype, String origin, Opener opener) {
        return new LogicalTensor(name, shape, Kind.PLAIN, dtype, null, null, null, 0, List.of(name), null, opener, null, origin);
    }

    /** A dequantized tensor. */
    public static LogicalTensor quantized(String name, long[] shape, DType storedDtype, Convention convention,
                                          String format, String granularity, long blockSize, List<String> sources,
                                          String origin, Opener opener, ScaleSummarizer summarizer) {
        return new LogicalTensor(name, shape, Kind.QUANTIZED, storedDtype, convention, format, granularity, blockSize,
                sources, null, opener, summarizer, origin);
    }

    /** A quantized tensor that cannot be dequantized. */
    public static LogicalTensor unsupported(String name, long[] shape, DType storedDtype, Convention convention,
                                            String format, List<String> sources, String origin, String problem) {
        return new LogicalTensor(name, shape, Kind.UNSUPPORTED, storedDtype, convention, format, null, 0, sources,
                problem, null, null, origin);
    }

    /** The logical name (the weight's name, e.g. {@code model.layer.0.weight}). */
    public String name() {
        return name;
    }

    /** The logical shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** Element count. */
    public long numel() {
        return Shapes.numel(shape);
    }

    /** Kind. */
    public Kind kind() {
        return kind;
    }

    /** The dtype of the stored data tensor. */
    public DType storedDtype() {
        return storedDtype;
    }

    /** The convention that explained it, or null for plain tensors. */
    public Convention convention() {
        return convention;
    }

    /** The quantized format, e.g. {@code float8_e4m3fn}, {@code int8_blockwise}, {@code nvfp4}, or null. */
    public String format() {
        return format;
    }

    /** Scale granularity, e.g. {@code per-tensor}, {@code per-channel (axis 0)}, {@code block 1x128}, or null. */
    public String granularity() {
        return granularity;
    }

    /** Block size of block scales (largest block dimension), 0 when not blocked. */
    public long blockSize() {
        return blockSize;
    }

    /** The stored tensors this logical tensor is built from (data first, then scales and markers). */
    public List<String> sources() {
        return sources;
    }

    /** Why an unsupported tensor cannot be read, else null. */
    public String problem() {
        return problem;
    }

    /** Where the data lives. */
    public String origin() {
        return origin;
    }

    /** A remark about how the tensor is presented (for example an ONNX transpose), or null. */
    public String note() {
        return note;
    }

    /** Sets the remark (returns this). */
    public LogicalTensor withNote(String remark) {
        this.note = remark;
        return this;
    }

    /** Whether it was dequantized. */
    public boolean isQuantized() {
        return kind == Kind.QUANTIZED;
    }

    /** A one-line description: "plain" or "&lt;convention&gt; &lt;format&gt; &lt;granularity&gt;". */
    public String scheme() {
        switch (kind) {
            case PLAIN:
                return note == null ? "-" : "- (" + note + ")";
            case UNSUPPORTED:
                return (convention == null ? "" : convention.cliName() + " ") + format + " (unsupported: " + problem + ")";
            default:
                return convention.cliName() + " " + format + (granularity == null ? "" : " " + granularity)
                        + (note == null ? "" : " (" + note + ")");
        }
    }

    /**
     * Opens the float view.
     *
     * @throws IllegalStateException for unsupported tensors
     */
    public FloatView open() throws IOException {
        if (opener == null) {
            throw new IllegalStateException(name + ": " + problem);
        }
        return opener.open();
    }

    /** The scale summary of a quantized tensor (read once), or null. */
    public synchronized ScaleSummary scaleSummary() throws IOException {
        if (summarizer != null && summary == null) {
            summary = summarizer.summarize();
        }
        return summary;
    }

    /**
     * The top-left {@code rows x cols} of a 2-D quantized tensor stored with padding (ComfyUI's NVFP4 pads
     * to multiples of 16, MXFP8 to 32; ComfyUI crops to the module's shape when it dequantizes), or null
     * when this tensor is not such a padded version of that shape.
     */
    public LogicalTensor croppedTo(long[] target) {
        if (kind != Kind.QUANTIZED || shape.length != 2 || target.length != 2 || blockSize <= 1) {
            return null;
        }
        long pad = "nvfp4".equals(format) ? 16 : "mxfp8".equals(format) ? 32 : 0;
        if (pad == 0 || shape[0] != (target[0] + pad - 1) / pad * pad || shape[1] != (target[1] + pad - 1) / pad * pad
                || java.util.Arrays.equals(shape, target)) {
            return null;
        }
        long cols = shape[1];
        Opener inner = opener;
        LogicalTensor t = new LogicalTensor(name, target, kind, storedDtype, convention, format, granularity, blockSize,
                sources, problem, () -> new CroppedView(inner.open(), cols, target), summarizer, origin);
        t.note = "padded " + Shapes.toString(shape) + " cropped";
        return t;
    }

    @Override
    public String toString() {
        return name + " " + Shapes.toString(shape) + " " + scheme();
    }
}
