package dev.qlens.cli.jobs.compare;

import dev.qlens.core.io.FloatView;
import dev.qlens.core.kernel.ErrorSums;
import dev.qlens.core.kernel.KernelProvider;
import dev.qlens.core.kernel.Kernels;
import dev.qlens.core.kernel.RelativeErrorSums;
import dev.qlens.core.metrics.ErrorMetrics;
import dev.qlens.core.metrics.RelativeErrorHistogram;
import dev.qlens.formats.convention.LogicalTensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Streams every pair through the error kernels in fixed chunks, on a pool of threads. Work is split
 * into segments of at most {@link #SEGMENT} elements, so one huge tensor keeps every thread busy;
 * each chunk's float64 sums are kept and added in chunk order when its tensor is complete, which
 * makes every result identical for any thread count. Memory per thread is two chunks of float32
 * values plus the decoders' buffers, whatever the checkpoint size.
 */
public final class CompareRunner {
    /** Elements per chunk (the unit of the deterministic summation order). */
    public static final int CHUNK = ErrorMetrics.SUM_CHUNK;
    /** Elements per unit of work. */
    public static final long SEGMENT = 256L * CHUNK;

    /** Receives progress: bytes read, and each finished tensor. */
    public interface Listener {
        /** Stored bytes read from both checkpoints. */
        void bytes(long n);

        /** A tensor is complete. */
        void tensorDone(TensorResult r);
    }

    /** Running state of one pair. */
    private static final class PairState {
        final TensorPairing.Pair pair;
        ErrorSums[] chunkSums;
        RelativeErrorSums[] chunkRelative;
        /** Created by the first finished segment and dropped when the tensor is done (256 KiB each). */
        RelativeErrorHistogram histogram;
        final AtomicInteger segmentsLeft;
        final double bytesPerElement;
        TensorResult result;

        PairState(TensorPairing.Pair pair, double bytesPerElement) {
            this.pair = pair;
            int chunks = (int) ((pair.numel() + CHUNK - 1) / CHUNK);
            this.chunkSums = new ErrorSums[chunks];
            this.chunkRelative = new RelativeErrorSums[chunks];
            this.segmentsLeft = new AtomicInteger((int) ((pair.numel() + SEGMENT - 1) / SEGMENT));
            this.bytesPerElement = bytesPerElement;
        }
    }

    private record Segment(PairState state, long start, long end) {
    }

    private final Kernels kernels = KernelProvider.get();
    private final RelativeErrorHistogram allElements = new RelativeErrorHistogram();

    /**
     * Compares the pairs and returns one result per pair, in the pairs' order.
     *
     * @param bytesPerElement stored bytes per element of each pair (both sides), for progress
     */
    public List<TensorResult> run(List<TensorPairing.Pair> pairs, double[] bytesPerElement, int threads,
                                  Listener listener) throws Exception {
        List<PairState> states = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            PairState s = new PairState(pairs.get(i), bytesPerElement[i]);
            states.add(s);
            for (long start = 0; start < s.pair.numel(); start += SEGMENT) {
                segments.add(new Segment(s, start, Math.min(s.pair.numel(), start + SEGMENT)));
            }
        }
        AtomicInteger next = new AtomicInteger();
        int workers = Math.max(1, Math.min(threads, segments.size()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "qlens-compare");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    Worker worker = new Worker();
                    for (int i = next.getAndIncrement(); i < segments.size(); i = next.getAndIncrement()) {
                        if (Thread.currentThread().isInterrupted()) {
                            return null;
                        }
                        worker.process(segments.get(i), listener);
                    }
                    return null;
                }));
            }
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    pool.shutdownNow();
                    Throwable c = e.getCause();
                    throw c instanceof Exception ? (Exception) c : new RuntimeException(c);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<TensorResult> out = new ArrayList<>();
        for (PairState s : states) {
            out.add(s.result);
        }
        return out;
    }

    /** The relative-error histogram over every element of every tensor compared so far. */
    public RelativeErrorHistogram allElements() {
        return allElements;
    }

    /** One thread's buffers. */
    private final class Worker {
        private final float[] x = new float[CHUNK];
        private final float[] y = new float[CHUNK];
        private final int[] histogram = new int[RelativeErrorSums.HISTOGRAM_LENGTH];

        void process(Segment seg, Listener listener) throws IOException {
            PairState s = seg.state;
            java.util.Arrays.fill(histogram, 0);
            FloatView a = s.pair.original().open();
            FloatView b = s.pair.quantized().open();
            for (long start = seg.start; start < seg.end; start += CHUNK) {
                int n = (int) Math.min(CHUNK, seg.end - start);
                readChunk(a, s.pair.original(), start, x, n);
                readChunk(b, s.pair.quantized(), start, y, n);
                ErrorSums e = new ErrorSums();
                RelativeErrorSums r = new RelativeErrorSums();
                kernels.errorSums(x, 0, y, 0, n, e);
                kernels.relativeErrors(x, 0, y, 0, n, r, histogram);
                int chunk = (int) (start / CHUNK);
                s.chunkSums[chunk] = e;
                s.chunkRelative[chunk] = r;
                listener.bytes((long) (n * s.bytesPerElement));
            }
            synchronized (s) {
                if (s.histogram == null) {
                    s.histogram = new RelativeErrorHistogram();
                }
                s.histogram.add(histogram);
            }
            if (s.segmentsLeft.decrementAndGet() == 0) {
                finish(s, listener);
            }
        }
    }

    private static void readChunk(FloatView v, LogicalTensor t, long start, float[] dst, int n) throws IOException {
        try {
            v.read(start, dst, 0, n);
        } catch (IOException | RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IOException(t.origin() + ": cannot read tensor '" + t.name() + "' (elements " + start + " to "
                    + (start + n) + "): " + msg, e);
        }
    }

    /** Adds the chunks in order and computes the metrics (called once, by the thread finishing the last segment). */
    private void finish(PairState s, Listener listener) throws IOException {
        ErrorSums e = new ErrorSums();
        RelativeErrorSums r = new RelativeErrorSums();
        RelativeErrorHistogram h;
        synchronized (s) {
            for (int c = 0; c < s.chunkSums.length; c++) {
                e.add(s.chunkSums[c]);
                r.add(s.chunkRelative[c]);
            }
            h = s.histogram;
            s.histogram = null;
            s.chunkSums = null;
            s.chunkRelative = null;
        }
        ErrorMetrics m = ErrorMetrics.of(e, r, h);
        if (!m.identical()) {
            synchronized (allElements) {
                allElements.add(h);
            }
        }
        LogicalTensor a = s.pair.original();
        LogicalTensor b = s.pair.quantized();
        s.result = new TensorResult(a.name(), a.storedDtype().torchName(), b.storedDtype().torchName(), a.shape(),
                b.scheme(), b.convention() == null ? null : b.convention().cliName(), b.format(), b.granularity(),
                b.blockSize(),
                b.scaleSummary(), m, e.sumXX, e.sumYY, e.sumSquaredError, e.sumAbsError, e.sumAbsX);
        listener.tensorDone(s.result);
    }
}
