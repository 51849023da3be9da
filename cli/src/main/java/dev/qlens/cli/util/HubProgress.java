package dev.qlens.cli.util;

import dev.qlens.core.io.hub.HubListener;
import java.io.PrintWriter;

/**
 * How the command line shows the Hub client's work: notes on stderr prefixed {@code qlens: hub:}; one bar for
 * all the downloads running at once (shards download eight at a time, and eight bars would fight over one
 * line); a bar while the shards of a large repository are opened. Nothing but warnings with {@code --quiet}.
 */
public final class HubProgress implements HubListener {
    /** Downloads smaller than this show no bar. */
    static final long MIN_BAR_BYTES = 8L << 20;
    /** Repositories with fewer shards than this open without a bar. */
    static final long MIN_BAR_SHARDS = 16;

    private final PrintWriter err;
    private Progress downloads;
    private int running;

    /** Notes go to {@code err}. */
    public HubProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void note(String message) {
        if (Progress.mode(true, false) != Progress.Mode.NONE) {
            say(message);
        }
    }

    @Override
    public void warn(String message) {
        say(message);
    }

    private synchronized void say(String message) {
        err.println("qlens: hub: " + message);
        err.flush();
    }

    @Override
    public synchronized Transfer download(String file, long bytes) {
        if (bytes < MIN_BAR_BYTES) {
            return SILENT_TRANSFER; // an index or a config: over before a bar could say anything
        }
        if (running++ == 0) {
            downloads = Progress.start("download", bytes, 0, true);
        } else {
            downloads.extend(bytes);
        }
        Progress bar = downloads;
        return new Transfer() {
            @Override
            public void advance(long n) {
                bar.bytes(n);
            }

            @Override
            public void close() {
                synchronized (HubProgress.this) {
                    if (--running == 0) {
                        bar.close();
                    }
                }
            }
        };
    }

    @Override
    public Transfer opening(String what, long shards) {
        if (shards < MIN_BAR_SHARDS) {
            return SILENT_TRANSFER;
        }
        Progress p = Progress.startUnits("open " + what, shards, " shards", true);
        return new Transfer() {
            @Override
            public void advance(long n) {
                p.step(n);
            }

            @Override
            public void close() {
                p.close();
            }
        };
    }
}
