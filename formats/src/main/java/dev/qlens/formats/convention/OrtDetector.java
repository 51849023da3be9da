package dev.qlens.formats.convention;

import dev.qlens.core.io.Checkpoint;
import dev.qlens.core.io.DecodedTensor;
import dev.qlens.core.io.TensorEntry;
import dev.qlens.core.tensor.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX Runtime's quantized initializers: {@code X_quantized} (int8 or uint8), {@code X_scale} and
 * {@code X_zero_point}, dequantized as (q - zero_point) * scale (ONNX DequantizeLinear). The scale is
 * per tensor, or per channel along the axis recorded by the reader (for MatMul weights presented as
 * [out, in]: axis 0) or, failing that, the only axis whose length matches.
 */
final class OrtDetector {
    private OrtDetector() {
    }

    static void detect(Checkpoint c, Claims claims) {
        for (TensorEntry q : c.tensors()) {
            String n = q.name();
            if (!n.endsWith("_quantized") || claims.taken(n)) {
                continue;
            }
            String base = n.substring(0, n.length() - "_quantized".length());
            TensorEntry scale = c.tensor(base + "_scale");
            if (scale == null) {
                continue;
            }
            TensorEntry zp = c.tensor(base + "_zero_point");
            List<String> sources = new ArrayList<>(List.of(n, base + "_scale"));
            if (zp != null) {
                sources.add(base + "_zero_point");
            }
            String format = q.dtype() == DType.U8 ? "uint8" : q.dtype() == DType.I8 ? "int8" : q.dtype().name().toLowerCase();
            LogicalTensor t;
            try {
                Integer axis = axis(q, scale);
                ScaleBroadcast b = ScaleBroadcast.of(q.shape(), scale.shape(), axis);
                if (zp != null && zp.numel() != scale.numel()) {
                    throw new IllegalArgumentException("zero point has " + zp.numel() + " values but the scale has " + scale.numel());
                }
                String granularity = b.describe() + (zp == null ? "" : ", zero point");
                t = LogicalTensor.quantized(base, q.shape(), q.dtype(), Convention.ONNXRUNTIME, format, granularity,
                        b.blockSize(), sources, q.origin(),
                        () -> new ScaledDequantView(new DecodedTensor(q), Scales.floats(scale),
                                zp == null ? null : Scales.floats(zp), b),
                        () -> Scales.summarize(Scales.floats(scale)));
            } catch (IllegalArgumentException e) {
                t = LogicalTensor.unsupported(base, q.shape(), q.dtype(), Convention.ONNXRUNTIME, format, sources,
                        q.origin(), e.getMessage());
            }
            claims.claim(n, t);
        }
    }

    private static Integer axis(TensorEntry q, TensorEntry scale) {
        String a = q.attributes().get("axis");
        if (a != null) {
            return Integer.parseInt(a);
        }
        long n = scale.numel();
        if (n == 1) {
            return null;
        }
        long[] s = q.shape();
        Integer found = null;
        for (int d = 0; d < s.length; d++) {
            if (s[d] == n) {
                if (found != null) {
                    // Ambiguous (a square matrix): ONNX's QuantizeLinear default axis is 1.
                    return s.length > 1 ? 1 : 0;
                }
                found = d;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("scale of " + n + " values matches no axis of the quantized tensor");
        }
        return found;
    }
}
