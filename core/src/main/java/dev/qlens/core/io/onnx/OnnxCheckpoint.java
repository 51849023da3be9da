package dev.qlens.core.io.onnx;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.io.FileRegion;
import dev.qlens.core.io.MemoryEntry;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.io.TransposedEntry;
import dev.qlens.core.io.onnx.OnnxModel.Node;
import dev.qlens.core.io.onnx.OnnxModel.Storage;
import dev.qlens.core.io.onnx.ProtoReader.ProtoException;
import dev.qlens.core.kernel.LittleEndian;
import dev.qlens.core.tensor.DType;
import dev.qlens.core.tensor.Shapes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model read as a checkpoint: every tensor stored in it (graph initializers, Constant node
 * values, subgraphs), read lazily from {@code raw_data}, packed {@code float_data} /
 * {@code double_data}, {@code int32_data} / {@code int64_data} / {@code uint64_data} varints, or
 * external data files. No ONNX library is used.
 *
 * <p>PyTorch names are recovered for anonymous MatMul weights: an initializer named like
 * {@code onnx::MatMul_787}, used as the weight of exactly one MatMul (or MatMulInteger, or Gemm)
 * node, takes its name from the node ({@code /encoder/layer.0/attention/self/query/MatMul} gives
 * {@code encoder.layer.0.attention.self.query.weight}) and, since ONNX stores MatMul weights as
 * [in, out], it is presented transposed as PyTorch's [out, in]. The entry's {@code transposed_from}
 * attribute and origin say so. For ONNX Runtime quantized weights ({@code X_quantized},
 * {@code X_scale}, {@code X_zero_point}) the three tensors are renamed together, and the per-channel
 * axis of the quantized weight is recorded as its {@code axis} attribute.
 */
public final class OnnxCheckpoint implements Checkpoint {
    private static final long MAX_DECODED_VALUES = 64L << 20;

    private final Path path;
    private final FileChannel channel;
    private final Map<Path, FileChannel> externalFiles = new LinkedHashMap<>();
    private final List<TensorEntry> tensors = new ArrayList<>();
    private final Map<String, TensorEntry> byName = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private OnnxCheckpoint(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Opens an ONNX model file.
     *
     * @throws CheckpointException when the file is not a readable ONNX model
     */
    public static OnnxCheckpoint open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path, "no such file");
        } catch (IOException e) {
            throw new CheckpointException(path, "cannot open: " + e.getMessage(), e);
        }
        OnnxCheckpoint c = new OnnxCheckpoint(path, ch);
        try {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new CheckpointException(path, "is " + size + " bytes; an ONNX protobuf cannot exceed 2 GiB"
                        + " (larger models keep their weights in external data files)");
            }
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            OnnxModel model;
            try {
                model = OnnxModel.parse(buf);
            } catch (ProtoException e) {
                throw new CheckpointException(path, "not a valid ONNX model: " + e.getMessage());
            }
            c.build(model, buf);
            return c;
        } catch (IOException e) {
            c.close();
            throw new CheckpointException(path, "cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void build(OnnxModel model, MappedByteBuffer buf) throws IOException {
        metadata.putAll(model.info);
        if (model.sparseInitializers > 0) {
            warnings.add(model.sparseInitializers + " sparse initializer(s) are not read");
        }
        Map<String, TensorEntry> raw = new LinkedHashMap<>();
        int plumbing = 0;
        for (OnnxModel.TensorProto t : model.tensors) {
            if (isGraphPlumbing(t)) {
                plumbing++;
                continue;
            }
            if (t.name.isEmpty() || raw.containsKey(t.name)) {
                if (!t.name.isEmpty()) {
                    warnings.add("tensor '" + t.name + "' is stored twice; the first copy is used");
                }
                continue;
            }
            TensorEntry e = toEntry(t, buf);
            if (e != null) {
                raw.put(t.name, e);
            }
        }
        if (plumbing > 0) {
            metadata.put("onnx.skipped_constants", Integer.toString(plumbing));
        }
        Map<String, Rename> renames = recoverNames(model, raw);
        for (TensorEntry e : raw.values()) {
            Rename r = renames.get(e.name());
            TensorEntry presented = e;
            if (r != null) {
                if (r.transpose) {
                    String how = "initializer " + e.name() + " stored as [in, out] = " + Shapes.toString(e.shape())
                            + ", presented transposed as [out, in]";
                    presented = new TransposedEntry(e, r.newName, path.getFileName() + ": " + how, r.attributes);
                } else {
                    presented = new Renamed(e, r.newName, r.attributes);
                }
            }
            tensors.add(presented);
            byName.put(presented.name(), presented);
        }
    }

    /**
     * Small integer or boolean Constant node values (shapes, axes, indices) are graph plumbing, not
     * weights; they are left out. Floating-point constants are kept: some exporters store weights there.
     */
    private static boolean isGraphPlumbing(OnnxModel.TensorProto t) {
        if (!t.source.startsWith("Constant")) {
            return false;
        }
        DType d = OnnxDataTypes.toDType(t.dataType);
        long n = 1;
        for (long dim : t.dims) {
            n *= Math.max(dim, 0);
        }
        return d != null && d.isInteger() && n <= 64;
    }

    /** How one stored tensor is presented. */
    private static final class Rename {
        final String newName;
        final boolean transpose;
        final Map<String, String> attributes;

        Rename(String newName, boolean transpose, Map<String, String> attributes) {
            this.newName = newName;
            this.transpose = transpose;
            this.attributes = attributes;
        }
    }

    private Map<String, Rename> recoverNames(OnnxModel model, Map<String, TensorEntry> raw) {
        // Count how many weight-consuming nodes use each stored tensor.
        Map<String, List<Node>> users = new HashMap<>();
        for (Node n : model.nodes) {
            String w = weightInput(n);
            if (w != null && raw.containsKey(w)) {
                users.computeIfAbsent(w, k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, Rename> renames = new LinkedHashMap<>();
        java.util.Set<String> taken = new java.util.HashSet<>(raw.keySet());
        for (Map.Entry<String, List<Node>> e : users.entrySet()) {
            String stored = e.getKey();
            if (e.getValue().size() != 1) {
                continue; // shared weight: no single name
            }
            Node node = e.getValue().get(0);
            boolean quantized = node.opType.equals("MatMulInteger") && stored.endsWith("_quantized");
            String base = quantized ? stored.substring(0, stored.length() - "_quantized".length()) : stored;
            if (!isAnonymous(base)) {
                continue;
            }
            String module = moduleName(node.name);
            if (module == null) {
                continue;
            }
            String newBase = module + ".weight";
            boolean transpose = raw.get(stored).shape().length == 2 && raw.get(stored).dtype().bits() % 8 == 0
                    && !(node.opType.equals("Gemm") && node.intAttributes.getOrDefault("transB", 0L) == 1L);
            if (!quantized) {
                if (taken.contains(newBase)) {
                    continue;
                }
                renames.put(stored, new Rename(newBase, transpose, Map.of("onnx_name", stored, "onnx_node", node.name)));
                taken.add(newBase);
                continue;
            }
            String q = newBase + "_quantized";
            String s = newBase + "_scale";
            String z = newBase + "_zero_point";
            if (taken.contains(q) || taken.contains(s) || taken.contains(z)) {
                continue;
            }
            Map<String, String> qa = new LinkedHashMap<>();
            qa.put("onnx_name", stored);
            qa.put("onnx_node", node.name);
            TensorEntry scale = raw.get(base + "_scale");
            if (scale != null && scale.numel() > 1 && raw.get(stored).shape().length == 2) {
                // Per output channel: axis 1 of the stored [in, out] matrix is axis 0 once transposed.
                qa.put("axis", transpose ? "0" : "1");
            }
            renames.put(stored, new Rename(q, transpose, qa));
            taken.add(q);
            if (scale != null) {
                renames.put(base + "_scale", new Rename(s, false, Map.of("onnx_name", base + "_scale")));
                taken.add(s);
            }
            if (raw.containsKey(base + "_zero_point")) {
                renames.put(base + "_zero_point", new Rename(z, false, Map.of("onnx_name", base + "_zero_point")));
                taken.add(z);
            }
        }
        return renames;
    }

    /** The weight operand of a MatMul-like node, or null. */
    private static String weightInput(Node n) {
        switch (n.opType) {
            case "MatMul":
            case "MatMulInteger":
            case "Gemm":
                return n.inputs.size() >= 2 ? n.inputs.get(1) : null;
            default:
                return null;
        }
    }

    /** Whether a stored name carries no PyTorch module path (e.g. {@code onnx::MatMul_787} or {@code 123}). */
    static boolean isAnonymous(String name) {
        return name.startsWith("onnx::") || name.matches("[0-9]+");
    }

    /**
     * The PyTorch module path encoded in an exporter node name: {@code /encoder/layer.0/attention/self/query/MatMul}
     * gives {@code encoder.layer.0.attention.self.query}; null when the name has no such path.
     */
    static String moduleName(String nodeName) {
        if (!nodeName.startsWith("/")) {
            return null;
        }
        String[] parts = nodeName.substring(1).split("/");
        if (parts.length < 2) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) {
                return null;
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(parts[i]);
        }
        return sb.toString();
    }

    private TensorEntry toEntry(OnnxModel.TensorProto t, MappedByteBuffer buf) throws IOException {
        DType dtype = OnnxDataTypes.toDType(t.dataType);
        String where = path.getFileName() + ": " + t.source + " " + t.name;
        if (dtype == null) {
            warnings.add("tensor '" + t.name + "' has ONNX data type " + OnnxDataTypes.describe(t.dataType)
                    + ", which qlens does not read; skipped");
            return null;
        }
        if (t.storage == Storage.UNSUPPORTED) {
            warnings.add("tensor '" + t.name + "': " + t.unsupportedReason + "; skipped");
            return null;
        }
        for (long d : t.dims) {
            if (d < 0) {
                throw new CheckpointException(path, t.name, "has a negative dimension " + d);
            }
        }
        long numel;
        long bytes;
        try {
            numel = Shapes.numel(t.dims);
            bytes = dtype.byteSize(numel);
        } catch (ArithmeticException e) {
            throw new CheckpointException(path, t.name, "shape " + Shapes.toString(t.dims) + " of " + dtype + " is invalid");
        }
        switch (t.storage) {
            case RAW:
                return fileEntry(t, dtype, bytes, channel, path, t.start, t.end - t.start, where + " (raw_data)");
            case FLOAT_DATA:
            case DOUBLE_DATA: {
                boolean isFloat = t.storage == Storage.FLOAT_DATA;
                if (isFloat ? !(dtype == DType.F32 || dtype == DType.C64) : dtype != DType.F64) {
                    throw new CheckpointException(path, t.name, (isFloat ? "float_data" : "double_data")
                            + " does not fit data type " + OnnxDataTypes.describe(t.dataType));
                }
                if (t.unpacked == null) {
                    return fileEntry(t, dtype, bytes, channel, path, t.start, t.end - t.start,
                            where + (isFloat ? " (float_data)" : " (double_data)"));
                }
                byte[] data = new byte[(int) Math.min(Integer.MAX_VALUE, (long) t.unpacked.size() * (isFloat ? 4 : 8))];
                for (int i = 0; i < t.unpacked.size(); i++) {
                    if (isFloat) {
                        LittleEndian.putInt(data, 4 * i, t.unpacked.get(i).intValue());
                    } else {
                        LittleEndian.putLong(data, 8 * i, t.unpacked.get(i));
                    }
                }
                return memoryEntry(t, dtype, bytes, data, where);
            }
            case INT32_DATA:
            case INT64_DATA:
            case UINT64_DATA:
                return memoryEntry(t, dtype, bytes, decodeVarints(t, dtype, numel, buf), where);
            case EXTERNAL:
                return externalEntry(t, dtype, bytes, where);
            case NONE:
                if (numel == 0) {
                    return memoryEntry(t, dtype, 0, new byte[0], where);
                }
                throw new CheckpointException(path, t.name, "has " + numel + " elements but no data");
            default:
                throw new AssertionError(t.storage);
        }
    }

    private TensorEntry fileEntry(OnnxModel.TensorProto t, DType dtype, long expected, FileChannel ch, Path file,
                                  long position, long length, String where) {
        if (length != expected) {
            throw new CheckpointException(path, t.name, "holds " + length + " bytes of data but shape "
                    + Shapes.toString(t.dims) + " of " + dtype + " needs " + expected);
        }
        return new FileEntry(t.name, dtype, t.dims, ch, file, position, length, where);
    }

    private TensorEntry memoryEntry(OnnxModel.TensorProto t, DType dtype, long expected, byte[] data, String where) {
        if (data.length != expected) {
            throw new CheckpointException(path, t.name, "holds " + data.length + " bytes of data but shape "
                    + Shapes.toString(t.dims) + " of " + dtype + " needs " + expected);
        }
        return new MemoryEntry(t.name, dtype, t.dims, data, where, Map.of());
    }

    private byte[] decodeVarints(OnnxModel.TensorProto t, DType dtype, long numel, MappedByteBuffer buf) {
        if (dtype.bits() % 8 != 0) {
            throw new CheckpointException(path, t.name, "sub-byte " + dtype + " values in a varint field are not supported");
        }
        if (numel > MAX_DECODED_VALUES) {
            throw new CheckpointException(path, t.name, "has " + numel + " values in a varint field, too many to decode"
                    + " (re-export with raw_data)");
        }
        List<Long> values = t.unpacked;
        if (values == null) {
            values = new ArrayList<>();
            ProtoReader r = new ProtoReader(buf, t.start, t.end);
            try {
                while (r.hasNext()) {
                    values.add(r.readVarint());
                    if (values.size() > numel) {
                        break;
                    }
                }
            } catch (ProtoException e) {
                throw new CheckpointException(path, t.name, "malformed packed values: " + e.getMessage());
            }
        }
        if (values.size() != numel) {
            throw new CheckpointException(path, t.name, "holds " + values.size() + " values but shape "
                    + Shapes.toString(t.dims) + " needs " + numel);
        }
        int size = dtype.bits() / 8;
        byte[] out = new byte[(int) numel * size];
        for (int i = 0; i < values.size(); i++) {
            long v = values.get(i);
            for (int b = 0; b < size; b++) {
                out[i * size + b] = (byte) (v >>> (8 * b));
            }
        }
        return out;
    }

    private TensorEntry externalEntry(OnnxModel.TensorProto t, DType dtype, long expected, String where) throws IOException {
        String location = t.external == null ? null : t.external.get("location");
        if (location == null || location.isEmpty()) {
            throw new CheckpointException(path, t.name, "is stored externally but names no location");
        }
        Path dir = path.toAbsolutePath().getParent();
        Path file = dir.resolve(location).normalize();
        if (!file.startsWith(dir)) {
            throw new CheckpointException(path, t.name, "external data location '" + location
                    + "' lies outside the model's directory");
        }
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(path, t.name, "external data file " + file + " does not exist");
        }
        long offset = parseLong(t, "offset", 0);
        long length = parseLong(t, "length", expected);
        FileChannel ch = externalFiles.get(file);
        if (ch == null) {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            externalFiles.put(file, ch);
        }
        if (offset < 0 || offset + length > ch.size()) {
            throw new CheckpointException(path, t.name, "external data range [" + offset + ", " + (offset + length)
                    + ") lies outside " + file.getFileName() + " (" + ch.size() + " bytes)");
        }
        return fileEntry(t, dtype, expected, ch, file, offset, length, where + " (external data in " + location + ")");
    }

    private long parseLong(OnnxModel.TensorProto t, String key, long dflt) {
        String v = t.external.get(key);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new CheckpointException(path, t.name, "external data " + key + " '" + v + "' is not a number");
        }
    }

    /** Problems that did not stop reading (skipped tensors and the like). */
    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    @Override
    public String displayName() {
        return path.toString();
    }

    @Override
    public String format() {
        return "onnx";
    }

    @Override
    public List<Path> files() {
        List<Path> all = new ArrayList<>();
        all.add(path);
        all.addAll(externalFiles.keySet());
        return all;
    }

    @Override
    public List<TensorEntry> tensors() {
        return Collections.unmodifiableList(tensors);
    }

    @Override
    public TensorEntry tensor(String name) {
        return byName.get(name);
    }

    @Override
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    @Override
    public void close() {
        IOException first = null;
        for (FileChannel ch : externalFiles.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw new UncheckedIOException(first);
        }
    }

    /** A tensor stored contiguously in a file. */
    private static final class FileEntry implements TensorEntry {
        private final String name;
        private final DType dtype;
        private final long[] shape;
        private final FileChannel channel;
        private final Path file;
        private final long position;
        private final long length;
        private final String origin;

        FileEntry(String name, DType dtype, long[] shape, FileChannel channel, Path file, long position, long length,
                  String origin) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape.clone();
            this.channel = channel;
            this.file = file;
            this.position = position;
            this.length = length;
            this.origin = origin;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DType dtype() {
            return dtype;
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public long byteSize() {
            return length;
        }

        @Override
        public void readBytes(long offset, byte[] dst, int dstOff, int len) throws IOException {
            if (offset < 0 || len < 0 || offset + len > length) {
                throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + len) + ") of tensor '" + name + "'");
            }
            FileRegion.readFully(channel, file, position + offset, dst, dstOff, len);
        }

        @Override
        public String origin() {
            return origin;
        }
    }

    /** A stored tensor under another name (no data change). */
    private final class Renamed implements TensorEntry {
        private final TensorEntry inner;
        private final String name;
        private final Map<String, String> attributes;

        Renamed(TensorEntry inner, String name, Map<String, String> attributes) {
            this.inner = inner;
            this.name = name;
            this.attributes = Map.copyOf(attributes);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DType dtype() {
            return inner.dtype();
        }

        @Override
        public long[] shape() {
            return inner.shape();
        }

        @Override
        public long byteSize() {
            return inner.byteSize();
        }

        @Override
        public void readBytes(long offset, byte[] dst, int dstOff, int len) throws IOException {
            inner.readBytes(offset, dst, dstOff, len);
        }

        @Override
        public String origin() {
            return inner.origin() + ", named after node " + attributes.getOrDefault("onnx_node", "?");
        }

        @Override
        public Map<String, String> attributes() {
            return attributes;
        }
    }
}
