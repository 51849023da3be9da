package dev.qlens.formats.convention;

import dev.qlens.core.model.Weights;
import java.io.IOException;

/**
 * A checkpoint's tensors as a model sees them: quantized weights dequantized through their convention
 * (ONNX Runtime's int8 and uint8 tables, ComfyUI's scaled formats, ...), plain tensors decoded to float32.
 */
public final class CheckpointWeights implements Weights {
    private final CheckpointView view;

    /** The weights of a checkpoint seen through its detected conventions. */
    public CheckpointWeights(CheckpointView view) {
        this.view = view;
    }

    @Override
    public String displayName() {
        return view.checkpoint().displayName();
    }

    @Override
    public long[] shape(String name) {
        LogicalTensor t = view.tensor(name);
        return t == null ? null : t.shape();
    }

    @Override
    public float[] read(String name) throws IOException {
        LogicalTensor t = view.tensor(name);
        if (t == null) {
            throw new IllegalArgumentException(displayName() + ": no tensor " + name);
        }
        if (t.problem() != null) {
            throw new IllegalArgumentException(displayName() + ": " + name + " cannot be read as float32: " + t.problem());
        }
        return t.open().readAll();
    }
}
