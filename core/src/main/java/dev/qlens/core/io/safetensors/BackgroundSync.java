package dev.qlens.core.io.safetensors;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pushes written data to the disk on a daemon thread while writing goes on ({@code force(false)}),
 * at most one request at a time, so the disk works in parallel with the computation and the final
 * fsync of the atomic commit only waits for the last part. Failures are left to that final fsync,
 * which reports them.
 */
final class BackgroundSync {
    private ExecutorService executor;
    private Future<?> pending;

    /** Starts a sync of the channel unless one is still running. */
    synchronized void request(FileChannel ch) {
        if (pending != null && !pending.isDone()) {
            return;
        }
        if (executor == null) {
            executor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "qlens-sync");
                t.setDaemon(true);
                return t;
            });
        }
        pending = executor.submit(() -> {
            try {
                ch.force(false);
            } catch (IOException | RuntimeException ignored) {
                // the commit's own fsync reports a failing disk
            }
        });
    }

    /** Waits for a running sync and stops the thread. */
    synchronized void drain() {
        if (pending != null) {
            try {
                pending.get();
            } catch (Exception ignored) {
                // see request
            }
        }
        if (executor != null) {
            executor.shutdown();
        }
    }
}
