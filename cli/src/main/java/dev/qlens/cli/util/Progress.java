package dev.qlens.cli.util;

import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long jobs on stderr (bytes processed, tensors done, speed, ETA); stdout is never touched.
 * When stderr itself is a terminal it is a bar redrawn in place; when stderr goes to a file or a pipe it
 * is a plain status line every {@value #LOG_INTERVAL_SECONDS} seconds, so logs stay readable;
 * {@code --no-progress} or {@code --quiet} shows nothing. qlens never writes colour codes, so
 * {@code NO_COLOR} is always honoured.
 */
public final class Progress implements AutoCloseable {
    /** Seconds between status lines when stderr is not a terminal. */
    static final int LOG_INTERVAL_SECONDS = 10;

    /** How progress is shown. */
    public enum Mode {
        /** A bar redrawn in place (stderr is a terminal). */
        FRAMES,
        /** A status line now and then (stderr is a file or a pipe). */
        LINES,
        /** Nothing. */
        NONE
    }

    private static volatile boolean quiet;

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

    /** Silences every progress display of this JVM ({@code qlens --quiet}). */
    public static void quiet(boolean q) {
        quiet = q;
    }

    /** How progress is shown: nothing when disabled, else frames on a terminal and lines elsewhere. */
    public static Mode mode(boolean enabled, boolean stderrIsTerminal) {
        if (!enabled || quiet) {
            return Mode.NONE;
        }
        return stderrIsTerminal ? Mode.FRAMES : Mode.LINES;
    }

    private static Progress start(String task, long total, String unit, long unitSize, long totalTensors,
                                  boolean enabled) {
        return start(task, total, unit, unitSize, totalTensors, mode(enabled, Terminal.stderrIsTerminal()), System.err);
    }

    /** A display in the given mode onto the given stream (for tests). */
    static Progress start(String task, long total, String unit, long unitSize, long totalTensors, Mode mode,
                          java.io.PrintStream err) {
        if (mode == Mode.NONE) {
            return new Progress(null, totalTensors);
        }
        boolean frames = mode == Mode.FRAMES;
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(Math.max(1, total))
                .setUnit(unit, unitSize)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(frames ? 250 : LOG_INTERVAL_SECONDS * 1000)
                .setMaxRenderedLength(110)
                .showSpeed()
                .setConsumer(frames ? new ConsoleProgressBarConsumer(err)
                        : new me.tongfei.progressbar.DelegatingProgressBarConsumer(line -> {
                            err.println("qlens: " + line.strip());
                            err.flush();
                        }, 110))
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

    /** Raises the total by {@code more} (work that joined a running bar). */
    public synchronized void extend(long more) {
        if (bar != null) {
            bar.maxHint(bar.getMax() + more);
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
