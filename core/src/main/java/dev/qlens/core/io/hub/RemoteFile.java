package dev.qlens.core.io.hub;

import dev.qlens.core.io.ByteSource;
import dev.qlens.core.io.CheckpointException;
import dev.qlens.core.io.MappedFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A file on the Hub read by byte ranges: each miss fetches the requested bytes plus read-ahead up to the
 * end of what the caller will stream (the tensor), never beyond it except to fill a minimum span of
 * {@value #MIN_SPAN} bytes, through a shared in-memory {@link BlockCache}. When a command needs most of the file, or the server ignores ranges, the file is
 * downloaded whole into the shared cache and read from there.
 */
final class RemoteFile implements ByteSource {
    /** Bytes fetched ahead of a read, within the caller's useful range. */
    static final int READ_AHEAD = 16 << 20;
    /**
     * The least a miss fetches, even past the end of a small tensor: a request costs a round trip, and
     * safetensors files keep tensors of one dtype together, so the next scale or marker is usually there.
     */
    static final int MIN_SPAN = 64 << 10;
    /** The share of a file above which a command's reads fetch the whole file instead. */
    static final double WHOLE_FILE_SHARE = 0.5;
    private static final BlockCache CACHE = new BlockCache(Long.getLong("qlens.hub.blockCacheBytes", 512L << 20));

    private final HubClient client;
    private final HubCacheWriter writer;
    private final String revision;
    private final Path pointer;
    private volatile HubClient.FileInfo info;
    private volatile ByteSource local;
    private boolean refreshed;

    RemoteFile(HubClient client, HubCacheWriter writer, HubClient.FileInfo info, String revision) {
        this.client = client;
        this.writer = writer;
        this.info = info;
        this.revision = revision;
        this.pointer = writer.snapshotPath(info.repoId(), info.commit(), info.path());
    }

    @Override
    public long size() {
        return info.size();
    }

    @Override
    public void readFully(long pos, byte[] dst, int off, int len, long usefulEnd) throws IOException {
        ByteSource l = local;
        if (l != null) {
            l.readFully(pos, dst, off, len);
            return;
        }
        if (pos < 0 || pos + len > info.size()) {
            throw new CheckpointException(pointer, "read of bytes [" + pos + ", " + (pos + len) + ") beyond the end of "
                    + info.display() + " (" + info.size() + " bytes)");
        }
        while (len > 0) {
            int n = CACHE.copy(this, pos, dst, off, len);
            if (n == 0) {
                if (len >= READ_AHEAD) {
                    n = len; // a large read: straight into the caller's array, nothing kept
                    System.arraycopy(fetch(pos, len), 0, dst, off, len);
                } else {
                    long end = Math.max(pos + len, Math.min(usefulEnd, pos + READ_AHEAD));
                    end = Math.min(Math.max(end, pos + MIN_SPAN), info.size());
                    end = Math.max(pos + len, Math.min(end, CACHE.nextStart(this, pos)));
                    byte[] span = fetch(pos, (int) (end - pos));
                    if (local != null) {
                        local.readFully(pos, dst, off, len); // the fetch fell back to a whole download
                        return;
                    }
                    CACHE.put(this, pos, span);
                    n = Math.min(len, span.length);
                    System.arraycopy(span, 0, dst, off, n);
                }
            }
            pos += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void willRead(long bytes) throws IOException {
        if (local == null && bytes > WHOLE_FILE_SHARE * info.size()) {
            client.settings().listener().note("the selected tensors are most of " + info.display() + "; downloading it"
                    + " whole into the cache");
            downloadWhole();
        }
    }

    /** Downloads the file into the shared cache; later reads are local. */
    synchronized void downloadWhole() throws IOException {
        if (local == null) {
            Path p = HubDownload.toCache(client, writer, info, revision);
            local = MappedFile.open(p);
            CACHE.drop(this);
        }
    }

    private byte[] fetch(long pos, int len) throws IOException {
        try {
            return client.range(info, pos, len);
        } catch (HubClient.RangeIgnoredException e) {
            client.settings().listener().warn(e.getMessage() + "; downloading " + info.display() + " whole instead");
            downloadWhole();
            byte[] b = new byte[len];
            local.readFully(pos, b, 0, len);
            return b;
        } catch (HubException e) {
            if (!expiredLocation(e)) {
                throw e;
            }
            // A pre-signed download URL expires (after an hour on the Hub's CDN): resolve it again, once.
            refreshed = true;
            info = client.head(info.repoId(), info.commit(), info.path(), client.settings().maxRetries());
            return fetch(pos, len);
        }
    }

    private synchronized boolean expiredLocation(HubException e) {
        int s = e.status();
        return !refreshed && (s == 401 || s == 403 || s == 404 || s == 410)
                && !client.http.mayReceiveToken(info.location());
    }

    @Override
    public void close() throws IOException {
        CACHE.drop(this);
        ByteSource l = local;
        if (l != null) {
            l.close();
        }
    }

    @Override
    public String toString() {
        return info.display();
    }
}
