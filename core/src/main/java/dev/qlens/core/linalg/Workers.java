package dev.qlens.core.linalg;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads for data-parallel loops whose iterations write disjoint outputs, so
 * that results never depend on the thread count or on scheduling. The calling thread takes part;
 * {@code threads - 1} daemon threads are started on first use and reused until {@link #close()}.
 */
public final class Workers implements AutoCloseable {
    private static final Workers SINGLE = new Workers(1);

    private final int threads;
    private ExecutorService pool;

    private Workers(int threads) {
        this.threads = threads;
    }

    /** Workers for {@code threads} threads in total (at least 1). */
    public static Workers create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        return threads == 1 ? SINGLE : new Workers(threads);
    }

    /** Runs everything in the calling thread. */
    public static Workers single() {
        return SINGLE;
    }

    /** Total number of threads (the caller included). */
    public int threads() {
        return threads;
    }

    /**
     * Calls {@code body} for every index in [0, tasks), spread over the threads, and returns when all
     * have finished. The first exception thrown by an iteration is rethrown; iterations not yet
     * started are then skipped.
     */
    public void forEach(int tasks, IntConsumer body) {
        if (threads == 1 || tasks <= 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Runnable worker = () -> {
            try {
                for (int t = next.getAndIncrement(); t < tasks && failed.get() == 0; t = next.getAndIncrement()) {
                    body.accept(t);
                }
            } catch (RuntimeException | Error e) {
                failed.set(1);
                throw e;
            }
        };
        int helpers = Math.min(threads, tasks) - 1;
        Future<?>[] futures = new Future<?>[helpers];
        ExecutorService p = pool();
        for (int h = 0; h < helpers; h++) {
            futures[h] = p.submit(worker);
        }
        Throwable first = null;
        try {
            worker.run();
        } catch (RuntimeException | Error e) {
            first = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (first == null) {
                    first = new IllegalStateException("interrupted while waiting for workers", e);
                }
            }
        }
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first instanceof Error) {
            throw (Error) first;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    private synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "qlens-linalg");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** Stops the worker threads (the single-thread instance has none). */
    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }
}
