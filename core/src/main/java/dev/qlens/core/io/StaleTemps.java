package dev.qlens.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Removes the hidden temporary files a killed qlens run left beside its output ({@code .NAME.qlens-tmp-HEX},
 * see {@link AtomicOutput}): only files with qlens' own name pattern, untouched for {@link #MIN_AGE}, and
 * not locked by a live writer (every writer holds a lock on its temporary file until it is renamed).
 */
public final class StaleTemps {
    /** How long a temporary file must be untouched before it counts as left over. */
    public static final Duration MIN_AGE = Duration.ofMinutes(10);
    static final Pattern NAME = Pattern.compile("^\\..+\\.qlens-tmp-[0-9a-f]+$");
    /** Folders already cleaned by this JVM: a command writing many files lists each folder once. */
    private static final java.util.Set<Path> CLEANED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private StaleTemps() {
    }

    /** {@link #clean(Path, Duration)} with {@link #MIN_AGE}, at most once per folder and JVM. */
    public static void cleanOnce(Path dir) {
        if (CLEANED.add(dir.toAbsolutePath().normalize())) {
            clean(dir, MIN_AGE);
        }
    }

    /**
     * Deletes the stale temporary files of one folder, quietly (a file that cannot be checked or deleted
     * is left alone).
     *
     * @return how many were deleted
     */
    public static int clean(Path dir, Duration minAge) {
        int deleted = 0;
        Instant cutoff = Instant.now().minus(minAge);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> NAME.matcher(p.getFileName().toString()).matches())) {
            for (Path p : files) {
                try {
                    if (!Files.isRegularFile(p) || Files.getLastModifiedTime(p).toInstant().isAfter(cutoff)) {
                        continue;
                    }
                    if (unlocked(p)) {
                        Files.deleteIfExists(p);
                        deleted++;
                    }
                } catch (IOException e) {
                    // leave it
                }
            }
        } catch (IOException | SecurityException e) {
            // an unreadable folder has nothing we can clean
        }
        return deleted;
    }

    /** Whether no process holds a lock on the file. */
    private static boolean unlocked(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // this JVM is writing it
        }
    }
}
