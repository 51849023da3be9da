package dev.qlens.core.io.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Downloads whole files into the shared cache: resumed with {@code Range: bytes=N-} when the connection
 * breaks (started over when the server answers 200 to that), checked against the expected size and
 * verified against the ETag (the SHA-256 of LFS/Xet files, the git blob SHA-1 of small files), then moved
 * into place as huggingface_hub does (see {@link HubCacheWriter}).
 */
final class HubDownload {
    private static final int BUFFER = 256 << 10;

    private HubDownload() {
    }

    /**
     * Makes sure the file is in the cache and returns its snapshot path ({@code snapshots/<commit>/<path>}),
     * downloading the blob unless it is already there.
     *
     * @param revision the revision the user asked for (its ref is recorded)
     */
    static Path toCache(HubClient client, HubCacheWriter w, HubClient.FileInfo f, String revision) throws IOException {
        Path pointer = w.snapshotPath(f.repoId(), f.commit(), f.path());
        if (Files.exists(pointer) && Files.exists(w.blob(f.repoId(), f.etag()))) {
            try {
                w.writeRef(f.repoId(), revision, f.commit());
            } catch (IOException e) {
                // a read-only shared cache: the file is there, which is all this run needs
            }
            return pointer;
        }
        w.tagCache();
        w.writeRef(f.repoId(), revision, f.commit());
        Path blob = w.blob(f.repoId(), f.etag());
        if (!Files.exists(blob)) {
            try (AutoCloseable lock = w.lock(f.repoId(), f.etag())) {
                if (!Files.exists(blob)) {
                    download(client, w, f);
                }
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        return w.link(f.repoId(), f.commit(), f.path(), f.etag());
    }

    private static void download(HubClient client, HubCacheWriter w, HubClient.FileInfo f) throws IOException {
        HubSettings s = client.settings();
        Path blobs = w.blob(f.repoId(), f.etag()).getParent();
        Files.createDirectories(blobs);
        long free = Files.getFileStore(blobs).getUsableSpace();
        if (free < f.size()) {
            s.listener().warn("only " + free + " bytes free in " + blobs + " for " + f.display() + " (" + f.size()
                    + " bytes)");
        }
        Path tmp = w.newIncomplete(f.repoId(), f.etag());
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 HubListener.Transfer progress = s.listener().download(f.path(), f.size())) {
                check(f, fetch(client, f, out, progress));
            }
            w.commitBlob(f.repoId(), f.etag(), tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Downloads into {@code out} and returns the digest of the bytes (null when the ETag is no content hash). */
    private static MessageDigest fetch(HubClient client, HubClient.FileInfo f, FileChannel out,
                                       HubListener.Transfer progress) throws IOException {
        HubSettings s = client.settings();
        MessageDigest md = digestFor(f);
        long done = 0;
        int failures = 0;
        byte[] buf = new byte[BUFFER];
        while (done < f.size() || done == 0 && f.size() == 0) {
            String range = done > 0 ? "bytes=" + done + "-" : null;
            HubResponse r = client.http.send(f.display(), "GET", f.location(), range,
                    HubHttp.Redirects.ALL, s.maxRetries(), s.downloadTimeout());
            int status = r.statusCode();
            if (status == 200 && done > 0) {
                // The server ignored the range: start over rather than append the beginning again.
                s.listener().warn(f.display() + ": the server cannot resume; starting the download over");
                out.truncate(0);
                done = 0;
                md = digestFor(f);
            } else if (status != 200 && status != 206) {
                r.close();
                throw HubException.of(f.display(), f.repoId(), status, r.headers(), false);
            }
            try (InputStream in = r.body()) {
                int n;
                // Whole buffers (the client hands out 16 KiB pieces); one byte more than due detects excess.
                while ((n = in.readNBytes(buf, 0, (int) Math.min(buf.length, f.size() - done + 1))) > 0) {
                    if (done + n > f.size()) {
                        throw new HubException(f.display() + ": the server sent more than the " + f.size()
                                + " bytes the Hub announced", status, null, false, null);
                    }
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) {
                        out.write(b, done + b.position());
                    }
                    if (md != null) {
                        md.update(buf, 0, n); // hashed as it arrives: no second pass over the file
                    }
                    done += n;
                    client.http.received(n);
                    progress.advance(n);
                }
            } catch (HubException e) {
                throw e;
            } catch (IOException e) {
                // a broken connection: resume below
            }
            if (f.size() == 0) {
                break;
            }
            if (done < f.size()) {
                if (++failures > s.maxRetries()) {
                    throw new HubException(f.display() + ": the download broke off " + failures + " times (last at "
                            + done + " of " + f.size() + " bytes)", status, null, true, null);
                }
                s.listener().warn(f.display() + ": the connection broke at " + done + " of " + f.size()
                        + " bytes; resuming");
            }
        }
        if (out.size() != f.size()) {
            throw new HubException(f.display() + ": consistency check failed: " + out.size() + " bytes downloaded, the"
                    + " Hub announced " + f.size(), 200, null, true, null);
        }
        return md;
    }

    /**
     * A digest for the content hash the ETag is: SHA-256 (64 hex digits, LFS and Xet files) or git's blob SHA-1
     * (40 hex digits, {@code blob <size>\0} then the content); null when it is neither.
     */
    static MessageDigest digestFor(HubClient.FileInfo f) {
        String etag = f.etag().toLowerCase(java.util.Locale.ROOT);
        String algorithm = etag.matches("[0-9a-f]{64}") ? "SHA-256" : etag.matches("[0-9a-f]{40}") ? "SHA-1" : null;
        if (algorithm == null) {
            return null;
        }
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            if (algorithm.equals("SHA-1")) {
                md.update(("blob " + f.size() + "\0").getBytes(StandardCharsets.US_ASCII));
            }
            return md;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Fails when the bytes do not hash to the ETag. */
    static void check(HubClient.FileInfo f, MessageDigest md) throws HubException {
        if (md == null) {
            return; // not a content hash: the size check is all there is
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(f.etag().toLowerCase(java.util.Locale.ROOT))) {
            throw new HubException(f.display() + ": the downloaded bytes do not match the Hub's " + md.getAlgorithm()
                    + " (" + actual + ", expected " + f.etag() + "); nothing was stored, try again", 200, null, true,
                    null);
        }
    }
}
