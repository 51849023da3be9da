package dev.qlens.cli.util;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr (bytes processed, tensors done, ETA) for long jobs. It is shown only when
 * stderr belongs to a terminal, so logs and pipes stay clean; stdout is never touched.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final long totalTensors;
    private long tensors;

    private Progress(ProgressBar bar, long totalTensors) {
        this.bar = bar;
        this.totalTensors = totalTensors;
    }

    /**
     * Starts a bar over {@code totalBytes}.
     *
     * @param enabled false to show nothing (the methods then do nothing)
     */
    public static Progress start(String task, long totalBytes, long totalTensors, boolean enabled) {
        return start(task, totalBytes, " MiB", 1 << 20, totalTensors, enabled);
    }

    /**
     * Starts a bar over {@code total} items counted in {@code unit} (e.g. " tokens", 1).
     *
     * @param enabled false to show nothing (the methods then do nothing)
     */
    public static Progress startUnits(String task, long total, String unit, boolean enabled) {
        return start(task, total, unit, 1, 0, enabled);
    }

    private static Progress start(String task, long total, String unit, long unitSize, long totalTensors,
                                  boolean enabled) {
        if (!enabled || System.console() == null) {
            return new Progress(null, totalTensors);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(Math.max(1, total))
                .setUnit(unit, unitSize)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setMaxRenderedLength(110)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setEtaFunction(state -> state.getCurrent() == 0 ? java.util.Optional.empty()
                        : java.util.Optional.of(Duration.ofMillis((long) (state.getElapsedAfterStart().toMillis()
                        * (double) (state.getMax() - state.getCurrent()) / state.getCurrent()))))
                .build();
        return new Progress(bar, totalTensors);
    }

    /** Adds processed bytes. */
    public synchronized void bytes(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /** Adds processed items (same as {@link #bytes}). */
    public void step(long n) {
        bytes(n);
    }

    /** Marks one more tensor done. */
    public synchronized void tensorDone() {
        tensors++;
        if (bar != null) {
            bar.setExtraMessage(tensors + "/" + totalTensors + " tensors");
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
