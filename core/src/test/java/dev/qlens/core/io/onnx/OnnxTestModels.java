package dev.qlens.core.io.onnx;

/** Small ONNX models for tests outside this package. */
public final class OnnxTestModels {
    private OnnxTestModels() {
    }

    /**
     * A model with one float32 initializer {@code w} of {@code values.length} elements stored in the external
     * data file {@code location} (offset 0), and the bytes that file must hold.
     */
    public static byte[][] withExternalData(String location, float... values) {
        ProtoWriter g = new ProtoWriter().string(2, "main");
        g.message(5, ProtoWriter.tensor("w", 1, values.length)
                .message(13, new ProtoWriter().string(1, "location").string(2, location))
                .varint(14, 1));
        return new byte[][] {ProtoWriter.model(g).toByteArray(), ProtoWriter.floatsLE(values)};
    }
}
