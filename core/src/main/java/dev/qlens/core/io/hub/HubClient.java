package dev.qlens.core.io.hub;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hub endpoints qlens uses: the metadata HEAD of a file's resolve URL (commit, ETag, size, download
 * location), ranged GETs of that location, and the tree listing of a folder. Whole-file downloads are
 * {@link HubDownload}'s job.
 */
public final class HubClient {
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HubSettings settings;
    final HubHttp http;

    /** A client with these settings. */
    public HubClient(HubSettings settings) {
        this.settings = settings;
        this.http = new HubHttp(settings);
    }

    /** The settings. */
    public HubSettings settings() {
        return settings;
    }

    /**
     * What the Hub says about a file, from the HEAD of its resolve URL.
     *
     * @param repoId the repository
     * @param path the file's path in the repository
     * @param commit the commit the revision pointed to ({@code X-Repo-Commit})
     * @param etag the normalized ETag: the SHA-256 of the content for LFS/Xet files, the git blob SHA-1 otherwise
     * @param size the file's length ({@code X-Linked-Size}, else {@code Content-Length})
     * @param location where its bytes are served (a CDN or the Xet bridge for large files)
     */
    public record FileInfo(String repoId, String path, String commit, String etag, long size, URI location) {
        /** The file as {@code hf://} names it. */
        public String display() {
            return "hf://" + repoId + "@" + commit.substring(0, 12) + "/" + path;
        }
    }

    /**
     * HEADs a file at a revision (or commit). Same-host redirects (a renamed repository) are followed; a
     * redirect elsewhere is where the bytes live.
     *
     * @param retries 0 for a quick first try that can fall back to the cache
     * @throws HubException when the Hub refuses (missing repo, revision or file; auth) or cannot be reached
     */
    public FileInfo head(String repoId, String revision, String path, int retries) throws HubException {
        URI uri = resolveUrl(repoId, revision, path);
        String what = "hf://" + repoId + "@" + revision + "/" + path;
        HubResponse r = http.send(what, "HEAD", uri, null, HubHttp.Redirects.SAME_HOST, retries,
                settings.metadataTimeout());
        r.close();
        int status = r.statusCode();
        if (status >= 400) {
            throw HubException.of(what, repoId, status, r.headers(), settings.token() != null);
        }
        String commit = r.headers().firstValue("X-Repo-Commit").orElse(null);
        if (commit == null) {
            throw new HubException(what + ": " + settings.endpoint() + " does not answer like the Hugging Face Hub (no"
                    + " X-Repo-Commit header; check HF_ENDPOINT)", status, null, false, null);
        }
        String etag = normalizeEtag(r.headers().firstValue("X-Linked-Etag")
                .orElse(r.headers().firstValue("ETag").orElse(null)));
        if (etag == null || !etag.matches("[0-9A-Za-z._-]+")) {
            throw new HubException(what + ": the Hub sent no usable ETag (" + etag + ")", status, null, false, null);
        }
        boolean redirect = status >= 300 && status < 400;
        String size = r.headers().firstValue("X-Linked-Size")
                .orElse(redirect ? null : r.headers().firstValue("Content-Length").orElse(null));
        if (size == null || !size.matches("\\d+")) {
            throw new HubException(what + ": the Hub sent no file size", status, null, false, null);
        }
        URI location = r.headers().firstValue("Location").map(r.uri()::resolve).orElse(r.uri());
        return new FileInfo(repoId, path, commit, etag, Long.parseLong(size), location);
    }

    /**
     * Reads {@code len} bytes of a file from {@code from} with one range request (retried from where it broke).
     *
     * @throws RangeIgnoredException when the server sends the whole file instead of the range
     * @throws HubException when the server refuses
     */
    public byte[] range(FileInfo f, long from, int len) throws IOException {
        byte[] out = new byte[len];
        int done = 0;
        int attempt = 0;
        while (done < len) {
            String range = "bytes=" + (from + done) + "-" + (from + len - 1);
            HubResponse r = http.send(f.display(), "GET", f.location(), range, HubHttp.Redirects.ALL,
                    settings.maxRetries(), settings.downloadTimeout());
            int status = r.statusCode();
            if (status == 200) {
                r.close();
                throw new RangeIgnoredException(f.display());
            }
            if (status != 206) {
                r.close();
                throw HubException.of(f.display(), f.repoId(), status, r.headers(),
                        settings.token() != null && http.mayReceiveToken(r.uri()));
            }
            try (InputStream in = r.body()) {
                int n;
                // Never more than asked for, whatever the server sends.
                while (done < len && (n = in.read(out, done, len - done)) > 0) {
                    done += n;
                    http.received(n);
                }
            } catch (IOException e) {
                if (attempt++ >= settings.maxRetries()) {
                    throw HubException.network(f.display(), e);
                }
                continue;
            }
            if (done < len && attempt++ >= settings.maxRetries()) {
                throw new HubException(f.display() + ": the server ended the range after " + done + " of " + len
                        + " bytes", 206, null, true, null);
            }
        }
        return out;
    }

    /**
     * The files directly in a folder of the repository (not in its subfolders), from the tree API.
     *
     * @throws HubException when the Hub refuses
     */
    public List<String> listFolder(String repoId, String revision, String folder) throws IOException {
        String base = settings.endpoint() + "/api/models/" + repoId + "/tree/" + encode(revision, false)
                + (folder.isEmpty() ? "" : "/" + encode(folder, true));
        URI next = URI.create(base);
        String what = "hf://" + repoId + "@" + revision + (folder.isEmpty() ? "" : "/" + folder);
        List<String> files = new ArrayList<>();
        while (next != null) {
            HubResponse r = http.send(what, "GET", next, null, HubHttp.Redirects.ALL,
                    settings.maxRetries(), settings.metadataTimeout());
            String body;
            try (InputStream in = r.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            http.received(body.length());
            if (r.statusCode() >= 400) {
                throw HubException.of(what, repoId, r.statusCode(), r.headers(), settings.token() != null);
            }
            try {
                JsonArray items = JsonParser.parseString(body).getAsJsonArray();
                for (JsonElement e : items) {
                    JsonObject o = e.getAsJsonObject();
                    if ("file".equals(o.get("type").getAsString())) {
                        files.add(o.get("path").getAsString());
                    }
                }
            } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
                throw new HubException(what + ": the Hub's file listing is not the expected JSON", r.statusCode(), null,
                        false, e);
            }
            next = r.headers().allValues("Link").stream().map(NEXT_LINK::matcher).filter(Matcher::find)
                    .map(m -> URI.create(m.group(1))).findFirst().orElse(null);
        }
        return files;
    }

    /** Requests sent and body bytes received by this client so far. */
    public long[] traffic() {
        return new long[] {http.requests(), http.bytesReceived()};
    }

    /** {@code {endpoint}/{repo}/resolve/{revision}/{path}}, percent-encoded as huggingface_hub encodes it. */
    URI resolveUrl(String repoId, String revision, String path) {
        return URI.create(settings.endpoint() + "/" + repoId + "/resolve/" + encode(revision, false) + "/"
                + encode(path, true));
    }

    /**
     * Percent-encodes like Python's {@code quote}: letters, digits and {@code _.-~} stay, and {@code /} too
     * when {@code keepSlash} (file paths keep it, revisions such as {@code refs/pr/1} do not).
     */
    static String encode(String s, boolean keepSlash) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                    || c == '-' || c == '~' || c == '/' && keepSlash) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    /** Removes a leading {@code W/} and the quotes, as huggingface_hub does. */
    static String normalizeEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "");
    }

    /** The server answered a range request with the whole file (200): ranges cannot be used there. */
    public static final class RangeIgnoredException extends IOException {
        private static final long serialVersionUID = 1L;

        RangeIgnoredException(String what) {
            super(what + ": the server ignores range requests");
        }
    }
}
