package dev.qlens.core.io.hub;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a response body may stall: the JDK client's request timeout covers only the wait for
 * the headers, so a server that stops sending mid-body would block a read forever. The guard closes the
 * stream when no byte arrived for the timeout, which turns the stall into an IOException the caller retries.
 */
final class StallGuard implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "qlens-hub-stall-guard");
        t.setDaemon(true);
        return t;
    });

    private final InputStream in;
    private final long timeoutNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    StallGuard(InputStream in, Duration timeout) {
        this.in = in;
        this.timeoutNanos = timeout.toNanos();
        long period = Math.max(50, timeout.toMillis() / 4);
        this.check = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** Bytes arrived. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    /** True when the guard closed the stream. */
    boolean stalled() {
        return stalled;
    }

    private void check() {
        if (System.nanoTime() - lastProgress > timeoutNanos && !stalled) {
            stalled = true;
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we can do
            }
        }
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}
