package dev.qlens.core.model;

/**
 * A linear layer {@code y = x W^T + b} applied to a batch of rows: the float32 baseline or one of its
 * quantized stand-ins. Implementations must be deterministic (the same output for any thread count).
 */
public interface Linear {
    /** Input width. */
    int in();

    /** Output width. */
    int out();

    /** y[rows x out] = x[rows x in] W^T + b, row-major. */
    void forward(float[] x, int rows, float[] y);

    /**
     * The same on a batch of sequences whose rows are consecutive in x: layers that quantize activations
     * with one range per tensor take one per sequence, so a sequence's result does not depend on the batch.
     *
     * @param sequenceRows rows of each sequence, summing to the rows of x
     */
    default void forwardSequences(float[] x, int[] sequenceRows, float[] y) {
        int rows = 0;
        for (int r : sequenceRows) {
            rows += r;
        }
        forward(x, rows, y);
    }

    /** Makes the linear layers of a model from their float32 weights. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param name the PyTorch name of the layer (weight name without {@code .weight})
         * @param weight out x in, row-major
         * @param bias out values, or null
         */
        Linear create(String name, float[] weight, int out, int in, float[] bias);
    }
}
