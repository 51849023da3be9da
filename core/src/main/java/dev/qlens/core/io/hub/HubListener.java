package dev.qlens.core.io.hub;

/** Receives what the Hub client has to say while it works: short notes and the progress of downloads. */
public interface HubListener {
    /** A note for the user (what was transferred, a file downloaded whole). */
    void note(String message);

    /** Something the user should see even when progress is hidden (a fallback to the cache, a retry, a wait). */
    default void warn(String message) {
        note(message);
    }

    /** Starts reporting a whole-file download of {@code bytes}; the result is closed when it ends. Shows nothing by default. */
    default Transfer download(String file, long bytes) {
        return SILENT_TRANSFER;
    }

    /** Starts reporting the opening of {@code shards} remote shards (one step each). Shows nothing by default. */
    default Transfer opening(String what, long shards) {
        return SILENT_TRANSFER;
    }

    /** Progress of one download (bytes) or of opening shards (steps). */
    interface Transfer extends AutoCloseable {
        /** {@code n} more bytes arrived (or steps were done). */
        void advance(long n);

        @Override
        void close();
    }

    /** Notes to standard error, no progress display (the command line installs a richer one). */
    HubListener STDERR = message -> System.err.println("qlens: hub: " + message);

    /** Says nothing. */
    HubListener SILENT = message -> { };

    /** A transfer that reports nothing. */
    Transfer SILENT_TRANSFER = new Transfer() {
        @Override
        public void advance(long n) {
        }

        @Override
        public void close() {
        }
    };
}
