package dev.qlens.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file written atomically: data goes to a hidden temporary file in the target directory, which is
 * flushed to disk and renamed over the target only on {@link #commit()}. Until then the target is
 * untouched; {@link #close()} without commit deletes the temporary file, and a JVM shutdown (for
 * example Ctrl-C) deletes temporary files still pending. A partial result is never left behind
 * under the final name.
 */
public final class AtomicOutput implements AutoCloseable {
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : PENDING) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort at exit
                }
            }
        }, "qlens-temp-cleanup"));
    }

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private boolean committed;

    private AtomicOutput(Path target) throws IOException {
        this.target = target.toAbsolutePath();
        Path dir = this.target.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new IOException("cannot write " + target + ": " + e.getFile() + " is a file, not a folder", e);
            } catch (java.nio.file.AccessDeniedException e) {
                throw new IOException("cannot write " + target + ": permission denied creating folder " + e.getFile(), e);
            } catch (java.nio.file.FileSystemException e) {
                throw new IOException("cannot write " + target + ": cannot create folder " + dir
                        + (e.getReason() == null ? "" : " (" + e.getReason() + ")"), e);
            }
        }
        if (Files.isDirectory(this.target)) {
            throw new IOException("cannot write " + target + ": it is a folder; give a file name");
        }
        StaleTemps.cleanOnce(dir == null ? Path.of(".") : dir);
        String tmpName = "." + this.target.getFileName() + ".qlens-tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        this.temp = dir == null ? Path.of(tmpName) : dir.resolve(tmpName);
        PENDING.add(temp);
        try {
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            // Held until the rename: tells StaleTemps in other runs that this file is alive.
            this.channel.tryLock();
        } catch (java.nio.file.AccessDeniedException e) {
            PENDING.remove(temp);
            throw new IOException("cannot write " + target + ": permission denied in folder " + dir, e);
        } catch (java.nio.file.FileSystemException e) {
            PENDING.remove(temp);
            throw new IOException("cannot write " + target + ": " + (e.getReason() == null ? e.getMessage() : e.getReason()), e);
        }
    }

    /** Starts writing {@code target} (its directory is created when missing). */
    public static AtomicOutput create(Path target) throws IOException {
        return new AtomicOutput(target);
    }

    /** The channel to write to (the temporary file). */
    public FileChannel channel() {
        return channel;
    }

    /** The final path. */
    public Path target() {
        return target;
    }

    /** Flushes to disk and renames the temporary file over the target. */
    public void commit() throws IOException {
        channel.force(true);
        channel.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        PENDING.remove(temp);
        committed = true;
    }

    /** Deletes the temporary file unless committed. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                channel.close();
            } finally {
                Files.deleteIfExists(temp);
                PENDING.remove(temp);
            }
        }
    }

    /** Writes a small file (a report, a JSON document) atomically. */
    public static void writeBytes(Path target, byte[] data) throws IOException {
        try (AtomicOutput out = create(target)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                out.channel().write(buf);
            }
            out.commit();
        }
    }

    /**
     * Refuses to write {@code target} when it is one of the inputs or when it exists and
     * {@code overwrite} is false.
     */
    public static void checkTarget(Path target, Iterable<Path> inputs, boolean overwrite) {
        Path t = target.toAbsolutePath().normalize();
        for (Path in : inputs) {
            Path i = in.toAbsolutePath().normalize();
            boolean same = i.equals(t);
            if (!same && Files.exists(t) && Files.exists(i)) {
                try {
                    same = Files.isSameFile(i, t);
                } catch (IOException ignored) {
                    // fall through with same = false
                }
            }
            if (same) {
                throw new CheckpointException(target + ": refusing to overwrite an input file; choose another output path");
            }
        }
        if (!overwrite && Files.exists(t)) {
            throw new CheckpointException(target + ": already exists; pass --force to replace it");
        }
    }
}
