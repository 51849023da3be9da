package dev.qlens.formats.w8a8;

import dev.qlens.core.linalg.Gemm;
import dev.qlens.core.linalg.Workers;
import dev.qlens.core.model.FloatLinear;
import dev.qlens.core.model.Linear;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.formats.catalog.QuantFormat;
import java.util.Map;

/**
 * Quantized stand-ins for a model's linear layers, as {@link Linear.Factory}s: weight-only fake
 * quantization in any catalog format, W8 (int8 per output channel, weight-only), and W8A8 with
 * activations quantized dynamically or with static calibrated ranges, multiplied on the exact int8
 * GEMM (int32 accumulation) as seed 004 does.
 */
public final class QuantizedLinears {
    private QuantizedLinears() {
    }

    /** Weights fake-quantized in a catalog format (round-to-nearest), the product in float32. */
    public static Linear.Factory weightOnly(QuantFormat f, Gemm gemm) {
        return (name, w, out, in, bias) -> new FloatLinear(gemm,
                f.fakeQuantize(w, new long[] {out, in}, EncodeMode.DEFAULT), out, in, bias);
    }

    /** W8: weights int8 per output channel (seed 004's symmetric rule), dequantized, the product in float32. */
    public static Linear.Factory w8(Gemm gemm, Workers workers) {
        return (name, w, out, in, bias) -> {
            float[] dq = new W8A8Linear(w, out, in, bias, workers).quantizedWeightValues();
            return new FloatLinear(gemm, dq, out, in, bias);
        };
    }

    /** Counts of clipped activations per layer (exact integers, so the totals do not depend on threads). */
    public static final class Clipping {
        private final Map<String, long[]> counts = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile boolean counting = true;

        /** Counts from now on (true, the default) or ignores the layers' runs (false). */
        public void counting(boolean on) {
            counting = on;
        }

        void add(String layer, long clipped, long total) {
            if (!counting) {
                return;
            }
            long[] c = counts.computeIfAbsent(layer, k -> new long[2]);
            synchronized (c) {
                c[0] += clipped;
                c[1] += total;
            }
        }

        /** Fraction of a layer's activations that fell outside the quantization range, or NaN if none seen. */
        public double fraction(String layer) {
            long[] c = counts.get(layer);
            if (c == null) {
                return Double.NaN;
            }
            synchronized (c) {
                return c[1] == 0 ? Double.NaN : (double) c[0] / c[1];
            }
        }
    }

    /**
     * W8A8: int8 per-channel weights; activations quantized per layer by {@code activations} (one
     * {@link ActivationQuantization} per layer name, e.g. static calibrated ranges, or the same dynamic
     * rule for all); exact integer product, scales and bias after accumulation.
     */
    public static Linear.Factory w8a8(java.util.function.Function<String, ActivationQuantization> activations,
                                      Workers workers, Clipping clipping) {
        return (name, w, out, in, bias) -> integer(name, new W8A8Linear(w, out, in, bias, workers),
                activations.apply(name), clipping);
    }

    /**
     * A W8A8 layer as a {@link Linear}: activations quantized by {@code aq}, the exact integer product,
     * clipped activations counted into {@code clipping} (when given).
     */
    public static Linear integer(String name, W8A8Linear lin, ActivationQuantization aq, Clipping clipping) {
        int in = lin.in();
        int out = lin.out();
        return new Linear() {
            @Override
            public int in() {
                return in;
            }

            @Override
            public int out() {
                return out;
            }

            @Override
            public void forward(float[] x, int rows, float[] y) {
                forwardSequences(x, new int[] {rows}, y);
            }

            @Override
            public void forwardSequences(float[] x, int[] sequenceRows, float[] y) {
                W8A8Linear.Result r = lin.forwardW8A8(x, sequenceRows, aq);
                System.arraycopy(r.output(), 0, y, 0, r.output().length);
                if (clipping != null) {
                    clipping.add(name, r.clipped(), r.activations());
                }
            }
        };
    }
}
