package dev.qlens.formats.convention;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.Checkpoints;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.tensor.DType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint seen through its quantization conventions: quantized weights appear once, under their
 * model name, dequantized to float32 on read; their scales, zero points and markers are folded in.
 * Conventions are detected automatically or chosen explicitly.
 */
public final class CheckpointView {
    private final Checkpoint checkpoint;
    private final List<LogicalTensor> tensors;
    private final Map<String, LogicalTensor> byName;
    private final List<String> warnings;
    private final Set<Convention> detected;

    private CheckpointView(Checkpoint checkpoint, List<LogicalTensor> tensors, List<String> warnings, Set<Convention> detected) {
        this.checkpoint = checkpoint;
        this.tensors = Collections.unmodifiableList(tensors);
        Map<String, LogicalTensor> map = new LinkedHashMap<>();
        for (LogicalTensor t : tensors) {
            map.putIfAbsent(t.name(), t);
        }
        this.byName = map;
        this.warnings = List.copyOf(warnings);
        this.detected = Set.copyOf(detected);
    }

    /** Applies every convention it detects. */
    public static CheckpointView of(Checkpoint c) {
        return of(c, java.util.EnumSet.allOf(Convention.class));
    }

    /** Applies the chosen conventions (an empty set shows every stored tensor as is). */
    public static CheckpointView of(Checkpoint c, Set<Convention> enabled) {
        Claims claims = new Claims();
        claims.warnings.addAll(Checkpoints.warnings(c));
        if (enabled.contains(Convention.COMFY) || enabled.contains(Convention.SCALED_FP8)) {
            ComfyDetector.detect(c, claims, enabled);
        }
        if (enabled.contains(Convention.DEEPSEEK)) {
            DeepSeekDetector.detect(c, claims);
        }
        if (enabled.contains(Convention.ONNXRUNTIME)) {
            OrtDetector.detect(c, claims);
        }
        if (enabled.contains(Convention.MODELOPT)) {
            ModelOptDetector.detect(c, claims);
        }
        List<LogicalTensor> out = new ArrayList<>();
        for (TensorEntry e : c.tensors()) {
            LogicalTensor q = claims.byDataTensor.get(e.name());
            if (q != null) {
                if (q.note() == null) {
                    q.withNote(transposeNote(e));
                }
                out.add(q);
            } else if (!claims.auxiliary.contains(e.name())) {
                out.add(plain(e));
            }
        }
        return new CheckpointView(c, out, claims.warnings, claims.found);
    }

    static LogicalTensor plain(TensorEntry e) {
        if (e.dtype() == DType.C64) {
            return LogicalTensor.unsupported(e.name(), e.shape(), e.dtype(), null, "complex64", List.of(e.name()),
                    e.origin(), "complex values have no real float32 view");
        }
        return LogicalTensor.plain(e.name(), e.shape(), e.dtype(), e.origin(), () -> new DecodedTensor(e))
                .withNote(transposeNote(e));
    }

    /** "stored [in, out] as X [a, b], transposed" for ONNX MatMul weights presented as [out, in], else null. */
    static String transposeNote(TensorEntry e) {
        String from = e.attributes().get("transposed_from");
        return from == null ? null : "transposed from " + from + " [in, out]";
    }

    /** The underlying checkpoint. */
    public Checkpoint checkpoint() {
        return checkpoint;
    }

    /** Logical tensors in stored order. */
    public List<LogicalTensor> tensors() {
        return tensors;
    }

    /** A logical tensor by name, or null. */
    public LogicalTensor tensor(String name) {
        return byName.get(name);
    }

    /** Conventions found in this checkpoint. */
    public Set<Convention> detected() {
        return detected;
    }

    /** Problems that did not stop reading. */
    public List<String> warnings() {
        return warnings;
    }
}
