package dev.qlens.core.io.hub;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes the shared Hugging Face cache the way huggingface_hub writes it, so Python and qlens can fill and
 * read one cache, even at the same time: blobs named by ETag, downloaded into a process-unique
 * {@code <etag>.<8 hex>.incomplete} file, given the permissions of a fresh file in that folder (the
 * umask's) and renamed into place atomically; {@code refs/<revision>} replaced atomically;
 * {@code snapshots/<commit>/<path>} a relative symlink to the blob; an empty {@code .no_exist} entry
 * for a file the Hub does not have; {@code .locks/<repo folder>/<etag>.lock}; and CACHEDIR.TAG.
 */
public final class HubCacheWriter {
    /** The cache directory tag huggingface_hub writes, byte for byte. */
    static final String CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n"
            + "# This file is a cache directory tag created by huggingface_hub.\n"
            + "# For information about cache directory tags, see:\n"
            + "#\thttps://bford.info/cachedir/\n";

    private final Path root;

    /** A writer of the cache at {@code cache}. */
    public HubCacheWriter(HubCache cache) {
        this.root = cache.root();
    }

    /** The repository's folder ({@code models--org--name}). */
    public Path repoFolder(String repoId) {
        return root.resolve("models--" + repoId.replace("/", "--"));
    }

    /** {@code blobs/<etag>}. */
    public Path blob(String repoId, String etag) {
        return repoFolder(repoId).resolve("blobs").resolve(etag);
    }

    /**
     * {@code snapshots/<commit>/<path>}.
     *
     * @throws IllegalArgumentException for a path that could leave the snapshot (absolute, {@code ..}, a drive)
     */
    public Path snapshotPath(String repoId, String commit, String path) {
        if (path.startsWith("/") || path.contains("\\") || path.matches("^[A-Za-z]:.*")
                || java.util.Arrays.asList(path.split("/")).contains("..")) {
            throw new IllegalArgumentException("'" + path + "' is not a safe file name inside a repository");
        }
        return repoFolder(repoId).resolve("snapshots").resolve(commit).resolve(path);
    }

    /** Creates CACHEDIR.TAG when it is absent. */
    public void tagCache() throws IOException {
        Path tag = root.resolve("CACHEDIR.TAG");
        if (Files.exists(tag)) {
            return;
        }
        Files.createDirectories(root);
        Path tmp = root.resolve("CACHEDIR.TAG." + hex8() + ".tmp");
        Files.writeString(tmp, CACHEDIR_TAG, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, tag, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(tmp); // another process tagged it first
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Records that {@code revision} points to {@code commit} (nothing when the revision is that commit). */
    public void writeRef(String repoId, String revision, String commit) throws IOException {
        if (revision.equals(commit)) {
            return;
        }
        Path ref = repoFolder(repoId).resolve("refs").resolve(revision);
        if (!ref.normalize().startsWith(repoFolder(repoId).resolve("refs"))) {
            throw new IOException("'" + revision + "' is not a revision name");
        }
        if (Files.isRegularFile(ref) && Files.readString(ref, StandardCharsets.UTF_8).equals(commit)) {
            return; // unchanged: leave a read-only cache alone
        }
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + "." + hex8() + ".tmp");
        try {
            Files.writeString(tmp, commit, StandardCharsets.UTF_8);
            Files.move(tmp, ref, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Records that the Hub has no {@code path} at {@code commit}. */
    public void recordMissing(String repoId, String commit, String path) throws IOException {
        Path p = repoFolder(repoId).resolve(".no_exist").resolve(commit).resolve(path);
        Files.createDirectories(p.getParent());
        if (!Files.exists(p)) {
            Files.createFile(p);
        }
    }

    /**
     * A new process-unique temporary file for a blob, {@code blobs/<etag>.<8 hex>.incomplete}, created like
     * any new file (so with the umask's permissions, as huggingface_hub's chmod-before-move achieves).
     */
    public Path newIncomplete(String repoId, String etag) throws IOException {
        Path blobs = repoFolder(repoId).resolve("blobs");
        Files.createDirectories(blobs);
        while (true) {
            Path p = blobs.resolve(etag + "." + hex8() + ".incomplete");
            try {
                Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (FileAlreadyExistsException e) {
                // another download drew the same name: draw again
            }
        }
    }

    /** Moves a complete, verified temporary file into place as {@code blobs/<etag>} (atomically). */
    public Path commitBlob(String repoId, String etag, Path incomplete) throws IOException {
        Path blob = blob(repoId, etag);
        Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return blob;
    }

    /**
     * Points {@code snapshots/<commit>/<path>} at the blob with a relative symlink (one {@code ../} more per
     * subfolder), or copies the blob where the file system has no symlinks.
     */
    public Path link(String repoId, String commit, String path, String etag) throws IOException {
        Path pointer = snapshotPath(repoId, commit, path);
        Path blob = blob(repoId, etag);
        Files.createDirectories(pointer.getParent());
        if (Files.isSymbolicLink(pointer) || Files.exists(pointer)) {
            return pointer;
        }
        Path target = pointer.getParent().relativize(blob);
        try {
            Files.createSymbolicLink(pointer, target);
        } catch (FileAlreadyExistsException e) {
            // another process linked it first
        } catch (UnsupportedOperationException | IOException e) {
            Path tmp = pointer.resolveSibling(pointer.getFileName() + "." + hex8() + ".tmp");
            Files.copy(blob, tmp);
            Files.move(tmp, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return pointer;
    }

    /**
     * Takes the best-effort lock {@code .locks/models--org--name/<etag>.lock} (the path huggingface_hub uses;
     * correctness does not depend on it: each download has its own temporary file).
     */
    public AutoCloseable lock(String repoId, String etag) throws IOException {
        Path lockFile = root.resolve(".locks").resolve("models--" + repoId.replace("/", "--")).resolve(etag + ".lock");
        Files.createDirectories(lockFile.getParent());
        FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            // huggingface_hub asks its lock library for mode 0664 (group-writable, for shared caches).
            Files.setPosixFilePermissions(lockFile, PosixFilePermissions.fromString("rw-rw-r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not POSIX, or another user's lock file: the lock still works
        }
        FileLock lock;
        try {
            lock = ch.lock();
        } catch (IOException | RuntimeException e) {
            ch.close();
            return () -> { };
        }
        return () -> {
            lock.release();
            ch.close();
        };
    }

    private static String hex8() {
        return String.format("%08x", ThreadLocalRandom.current().nextInt());
    }
}
