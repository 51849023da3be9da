package dev.qlens.core.model;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import java.io.IOException;

/** Named float32 weights of a model: a checkpoint's tensors, or a view that dequantizes them. */
public interface Weights {
    /** A name for messages. */
    String displayName();

    /** The shape of a tensor, or null when there is none of that name. */
    long[] shape(String name);

    /** All values of a tensor as float32. */
    float[] read(String name) throws IOException;

    /** The stored tensors of a checkpoint, decoded to float32. */
    static Weights of(Checkpoint c) {
        return new Weights() {
            @Override
            public String displayName() {
                return c.displayName();
            }

            @Override
            public long[] shape(String name) {
                TensorEntry t = c.tensor(name);
                return t == null ? null : t.shape();
            }

            @Override
            public float[] read(String name) throws IOException {
                return new DecodedTensor(c.tensor(name)).readAll();
            }
        };
    }
}
