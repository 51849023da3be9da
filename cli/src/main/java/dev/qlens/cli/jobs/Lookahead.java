package dev.qlens.cli.jobs;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a list of tasks on worker threads a bounded distance ahead of a consumer that takes their
 * results in order: when result i is asked for, tasks up to i + window are running or done, and no
 * further. Memory is bounded by the window (results taken are released), and the output order never
 * depends on scheduling.
 *
 * @param <T> result type
 */
public final class Lookahead<T> implements AutoCloseable {
    private final List<Parallel.Task<T>> tasks;
    private final Future<?>[] futures;
    private final int window;
    private final ExecutorService pool;
    private int submitted;

    /**
     * @param threads worker threads (1 runs every task in the caller's thread when asked for)
     * @param window tasks allowed to run ahead of the one asked for (at least threads)
     */
    public Lookahead(List<Parallel.Task<T>> tasks, int threads, int window) {
        this.tasks = tasks;
        this.futures = new Future<?>[tasks.size()];
        this.window = Math.max(window, threads);
        this.pool = threads <= 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "qlens-lookahead");
            t.setDaemon(true);
            return t;
        });
    }

    /** The result of task i (tasks must be asked for in increasing order). */
    @SuppressWarnings("unchecked")
    public T get(int i) throws Exception {
        if (pool == null) {
            return tasks.get(i).call();
        }
        while (submitted < tasks.size() && submitted <= i + window) {
            Parallel.Task<T> t = tasks.get(submitted);
            futures[submitted++] = pool.submit(t::call);
        }
        Future<?> f = futures[i];
        futures[i] = null;
        try {
            return (T) f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception) {
                throw (Exception) c;
            }
            throw (Error) c;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
