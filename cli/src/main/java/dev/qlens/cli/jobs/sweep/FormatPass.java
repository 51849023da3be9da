package dev.qlens.cli.jobs.sweep;

import dev.qlens.core.io.FloatView;
import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.core.numeric.EncodeMode;
import dev.qlens.formats.catalog.FakeQuantizer;
import dev.qlens.formats.catalog.QuantFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Fake-quantizes one tensor in many formats at once, streaming: the tensor is read once per pass
 * (twice when a format needs a calibration pass for per-tensor or per-channel scales), each chunk goes
 * through every format, and the error sums are taken over runs of {@link ErrorMetrics#SUM_CHUNK}
 * elements exactly as {@code qlens compare} takes them, so both report the same numbers.
 */
final class FormatPass {
    /** Largest read chunk in elements (chunks are whole multiples of every format's unit). */
    private static final long MAX_CHUNK = 1L << 22;

    private FormatPass() {
    }

    /** A source of fresh views of the tensor (one per pass). */
    interface ViewSource {
        FloatView open() throws IOException;
    }

    /**
     * The error sums of every format, in the formats' order.
     *
     * @param progress receives the number of elements processed per format pass
     */
    static List<ErrorSums> run(ViewSource source, long[] shape, List<QuantFormat> formats, EncodeMode mode, Kernels k,
                               LongConsumer progress) throws IOException {
        List<FakeQuantizer> q = new ArrayList<>();
        for (QuantFormat f : formats) {
            q.add(f.fakeQuantizer(shape, mode));
        }
        List<ErrorSums> out = new ArrayList<>();
        formats.forEach(f -> out.add(null));
        // Formats whose chunk units combine into a modest chunk go together; others alone.
        List<Integer> together = new ArrayList<>();
        long unit = 1;
        for (int i = 0; i < q.size(); i++) {
            long l = lcm(unit, q.get(i).unit());
            if (l <= MAX_CHUNK) {
                unit = l;
                together.add(i);
            } else {
                out.set(i, pass(source, List.of(q.get(i)), q.get(i).unit(), k, progress).get(0));
            }
        }
        if (!together.isEmpty()) {
            List<FakeQuantizer> group = new ArrayList<>();
            together.forEach(i -> group.add(q.get(i)));
            List<ErrorSums> r = pass(source, group, unit, k, progress);
            for (int j = 0; j < together.size(); j++) {
                out.set(together.get(j), r.get(j));
            }
        }
        return out;
    }

    private static List<ErrorSums> pass(ViewSource source, List<FakeQuantizer> q, long unit, Kernels k,
                                        LongConsumer progress) throws IOException {
        long chunk = Math.max(unit, (ErrorMetrics.SUM_CHUNK * 8L) / unit * unit);
        FloatView view = source.open();
        long n = view.numel();
        float[] x = new float[(int) Math.min(chunk, n)];
        float[] y = new float[x.length];
        if (q.stream().anyMatch(FakeQuantizer::needsCalibration)) {
            for (long start = 0; start < n; start += chunk) {
                int len = (int) Math.min(chunk, n - start);
                view.read(start, x, 0, len);
                for (FakeQuantizer f : q) {
                    if (f.needsCalibration()) {
                        f.calibrate(start, x, 0, len);
                    }
                }
            }
            view = source.open();
        }
        List<Staging> staging = new ArrayList<>();
        q.forEach(f -> staging.add(new Staging()));
        for (long start = 0; start < n; start += chunk) {
            int len = (int) Math.min(chunk, n - start);
            view.read(start, x, 0, len);
            for (int i = 0; i < q.size(); i++) {
                q.get(i).apply(start, x, 0, len, y, 0);
                staging.get(i).add(x, y, len, k);
            }
            progress.accept((long) len * q.size());
        }
        List<ErrorSums> out = new ArrayList<>();
        for (Staging s : staging) {
            s.flush(k);
            out.add(s.sums);
        }
        return out;
    }

    /** Collects pairs into runs of exactly SUM_CHUNK elements before summing them. */
    private static final class Staging {
        final float[] xs = new float[ErrorMetrics.SUM_CHUNK];
        final float[] ys = new float[ErrorMetrics.SUM_CHUNK];
        final ErrorSums sums = new ErrorSums();
        int fill;

        void add(float[] x, float[] y, int len, Kernels k) {
            int at = 0;
            while (at < len) {
                if (fill == 0 && len - at >= xs.length) {
                    // A whole run straight from the chunk.
                    ErrorSums e = new ErrorSums();
                    k.errorSums(x, at, y, at, xs.length, e);
                    sums.add(e);
                    at += xs.length;
                    continue;
                }
                int take = Math.min(len - at, xs.length - fill);
                System.arraycopy(x, at, xs, fill, take);
                System.arraycopy(y, at, ys, fill, take);
                fill += take;
                at += take;
                if (fill == xs.length) {
                    flush(k);
                }
            }
        }

        void flush(Kernels k) {
            if (fill > 0) {
                ErrorSums e = new ErrorSums();
                k.errorSums(xs, 0, ys, 0, fill, e);
                sums.add(e);
                fill = 0;
            }
        }
    }

    static long lcm(long a, long b) {
        return a / gcd(a, b) * b;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
