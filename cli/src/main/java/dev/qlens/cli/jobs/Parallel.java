package dev.qlens.cli.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs independent tasks on a fixed number of threads and returns results in task order. */
public final class Parallel {
    /** A task that may throw. */
    @FunctionalInterface
    public interface Task<T> {
        /** Runs the task. */
        T call() throws Exception;
    }

    private Parallel() {
    }

    /** The default thread count: the number of available processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Runs the tasks with {@code threads} workers (1: in the calling thread) and returns their results
     * in order. The first failure is rethrown (unwrapped) after the remaining tasks are cancelled.
     */
    public static <T> List<T> run(List<Task<T>> tasks, int threads) throws Exception {
        List<T> out = new ArrayList<>(tasks.size());
        if (threads <= 1 || tasks.size() <= 1) {
            for (Task<T> t : tasks) {
                out.add(t.call());
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), r -> {
            Thread th = new Thread(r, "qlens-worker");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Task<T> t : tasks) {
                futures.add(pool.submit(t::call));
            }
            for (Future<T> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    for (Future<T> g : futures) {
                        g.cancel(true);
                    }
                    Throwable cause = e.getCause();
                    if (cause instanceof Exception) {
                        throw (Exception) cause;
                    }
                    throw (Error) cause;
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
