package dev.qlens.core.io.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local imitation of the Hub endpoints qlens uses, on two loopback servers: the "hub" answers the
 * metadata HEAD and GET of resolve URLs (small files itself, large ones with a 302 to the "cdn" at
 * another port, with X-Repo-Commit, X-Linked-Etag and X-Linked-Size), the tree listing (paginated with a
 * Link header), gated and missing repositories (X-Error-Code), renamed repositories (relative 307) and 429s
 * with RateLimit headers; the "cdn" serves ranges, counts bytes, remembers every Authorization header it
 * was sent, and can cut a connection mid-body or ignore ranges.
 */
public final class FakeHub implements AutoCloseable {
    /** Files from this size on are "LFS": SHA-256 ETag, served by the cdn. */
    static final int LFS_THRESHOLD = 1024;
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    /** One request as the servers saw it. */
    public record Seen(String server, String method, String path, String range, String authorization) {
    }

    private record Repo(String commit, Map<String, byte[]> files, String gatedToken) {
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final String cdnHost;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    /** Every request, in order. */
    public final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Body bytes the cdn and the hub sent. */
    public final AtomicLong bytesSent = new AtomicLong();
    /** The next n hub requests answer 429 with {@code RateLimit: "resolvers";r=0;t=<rateLimitReset>}. */
    public final AtomicInteger rateLimited = new AtomicInteger();
    /** Seconds the 429s ask to wait. */
    public volatile int rateLimitReset = 1;
    /** The next n cdn bodies are cut after half of their bytes (the server drops the connection). */
    public final AtomicInteger cutBodies = new AtomicInteger();
    /** The next n cdn bodies stop after half of their bytes and stall for {@link #stallMillis}. */
    public final AtomicInteger stallBodies = new AtomicInteger();
    /** How long a stalled body hangs before the server gives up. */
    public volatile long stallMillis = 5000;
    /** Signed cdn URLs of an older generation than this are refused (403), as expired signatures are. */
    public final AtomicInteger validGeneration = new AtomicInteger();
    /** True: the cdn flips one byte in the middle of every body it sends. */
    public volatile boolean corruptBodies;
    /** True: the cdn answers every range request with the whole file (200). */
    public volatile boolean ignoreRanges;
    /** Milliseconds every request waits before it is answered (a network's round trip). */
    public volatile long latencyMillis = Long.getLong("fakehub.latencyMs", 0);
    /** Tree listing page size. */
    public volatile int pageSize = 50;

    /** Starts both servers on free loopback ports. */
    public FakeHub() throws IOException {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // The cdn is another host, not only another port (huggingface_hub compares host names): 127.0.0.2 is
        // loopback on Linux; elsewhere "localhost" names it.
        HttpServer c;
        String host;
        try {
            c = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
            host = "127.0.0.2";
        } catch (IOException e) {
            c = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            host = "localhost";
        }
        cdn = c;
        cdnHost = host;
        hub.createContext("/", this::hub);
        cdn.createContext("/", this::cdn);
        hub.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        cdn.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        hub.start();
        cdn.start();
    }

    /** The hub's base URL (what HF_ENDPOINT would be). */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    /** Serves a repository at {@code commit} (branch main); {@code gatedToken} non-null makes it gated. */
    public void addRepo(String repoId, String commit, Map<String, byte[]> files, String gatedToken) {
        repos.put(repoId, new Repo(commit, new TreeMap<>(files), gatedToken));
        for (byte[] b : files.values()) {
            if (b.length >= LFS_THRESHOLD) {
                blobs.put(sha256(b), b);
            }
        }
    }

    /** Makes {@code oldId} answer with a relative redirect to {@code newId}. */
    public void rename(String oldId, String newId) {
        renamed.put(oldId, newId);
    }

    /** Requests whose Authorization header reached the cdn (must stay empty). */
    public List<Seen> tokensSeenByCdn() {
        return seen.stream().filter(s -> s.server().equals("cdn") && s.authorization() != null).toList();
    }

    private void hub(HttpExchange x) throws IOException {
        try (x) {
            delay();
            String path = x.getRequestURI().getRawPath();
            String auth = x.getRequestHeaders().getFirst("Authorization");
            seen.add(new Seen("hub", x.getRequestMethod(), x.getRequestURI().toString(),
                    x.getRequestHeaders().getFirst("Range"), auth));
            if (rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                x.getResponseHeaders().add("RateLimit", "\"resolvers\";r=0;t=" + rateLimitReset);
                x.getResponseHeaders().add("RateLimit-Policy", "\"fixed window\";\"resolvers\";q=3000;w=300");
                send(x, 429, new byte[0]);
                return;
            }
            if (path.equals("/__stats")) {
                send(x, 200, ("{\"requests\": " + seen.size() + ", \"bytes\": " + bytesSent.get() + "}")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.startsWith("/api/models/")) {
                tree(x, path.substring("/api/models/".length()));
                return;
            }
            Matcher m = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)").matcher(path);
            if (!m.matches()) {
                send(x, 404, new byte[0]);
                return;
            }
            String repoId = m.group(1);
            if (renamed.containsKey(repoId)) {
                x.getResponseHeaders().add("Location", "/" + renamed.get(repoId) + "/resolve/" + m.group(2) + "/"
                        + m.group(3));
                send(x, 307, new byte[0]);
                return;
            }
            Repo repo = access(x, repoId, auth);
            if (repo == null) {
                return;
            }
            String rev = decode(m.group(2));
            if (!rev.equals("main") && !rev.equals(repo.commit())) {
                error(x, 404, "RevisionNotFound", "Invalid rev id: " + rev);
                return;
            }
            String file = decode(m.group(3));
            byte[] content = repo.files().get(file);
            x.getResponseHeaders().add("X-Repo-Commit", repo.commit());
            if (content == null) {
                error(x, 404, "EntryNotFound", file + " does not exist on \"" + rev + "\"");
                return;
            }
            if (content.length >= LFS_THRESHOLD) {
                String sha = sha256(content);
                x.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
                x.getResponseHeaders().add("X-Linked-Size", Long.toString(content.length));
                x.getResponseHeaders().add("ETag", "W/\"redirect-" + sha.substring(0, 8) + "\"");
                x.getResponseHeaders().add("Location", "http://" + cdnHost + ":" + cdn.getAddress().getPort() + "/blob/" + sha
                        + "?X-Amz-Expires=3600&X-Amz-Signature=" + sha.substring(0, 16) + "&gen=" + validGeneration.get());
                send(x, 302, new byte[0]);
                return;
            }
            x.getResponseHeaders().add("ETag", "\"" + gitSha1(content) + "\"");
            serve(x, content, false);
        }
    }

    /** The repo when the request may see it; otherwise answers as the Hub does and returns null. */
    private Repo access(HttpExchange x, String repoId, String auth) throws IOException {
        Repo repo = repos.get(repoId);
        if (auth != null && auth.equals("Bearer invalid")) {
            error(x, 401, null, "Invalid credentials in Authorization header");
            return null;
        }
        if (repo == null) {
            error(x, auth == null ? 401 : 404, "RepoNotFound", "Repository not found");
            return null;
        }
        if (repo.gatedToken() != null && !("Bearer " + repo.gatedToken()).equals(auth)) {
            error(x, auth == null ? 401 : 403, "GatedRepo", auth == null
                    ? "Access to model " + repoId + " is restricted. You must have access to it and be authenticated"
                    + " to access it. Please log in." : "Access to model " + repoId + " is restricted and you are not"
                    + " in the authorized list.");
            return null;
        }
        return repo;
    }

    private void tree(HttpExchange x, String rest) throws IOException {
        Matcher m = Pattern.compile("([^/]+/[^/]+)/tree/([^/]+)/?(.*)").matcher(rest);
        if (!m.matches()) {
            send(x, 404, new byte[0]);
            return;
        }
        Repo repo = access(x, m.group(1), x.getRequestHeaders().getFirst("Authorization"));
        if (repo == null) {
            return;
        }
        String folder = decode(m.group(3));
        String prefix = folder.isEmpty() ? "" : folder + "/";
        List<String> entries = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : repo.files().entrySet()) {
            String p = e.getKey();
            if (p.startsWith(prefix) && !p.substring(prefix.length()).contains("/")) {
                entries.add("{\"type\":\"file\",\"path\":\"" + p + "\",\"size\":" + e.getValue().length
                        + ",\"oid\":\"" + gitSha1(e.getValue()) + "\"}");
            }
        }
        String query = x.getRequestURI().getRawQuery();
        int start = query != null && query.startsWith("cursor=") ? Integer.parseInt(query.substring(7)) : 0;
        int end = Math.min(entries.size(), start + pageSize);
        if (end < entries.size()) {
            x.getResponseHeaders().add("Link", "<" + endpoint() + x.getRequestURI().getRawPath() + "?cursor=" + end
                    + ">; rel=\"next\"");
        }
        send(x, 200, ("[" + String.join(",", entries.subList(start, end)) + "]").getBytes(StandardCharsets.UTF_8));
    }

    private void cdn(HttpExchange x) throws IOException {
        try (x) {
            delay();
            seen.add(new Seen("cdn", x.getRequestMethod(), x.getRequestURI().toString(),
                    x.getRequestHeaders().getFirst("Range"), x.getRequestHeaders().getFirst("Authorization")));
            String path = x.getRequestURI().getRawPath();
            byte[] content = path.startsWith("/blob/") ? blobs.get(path.substring(6)) : null;
            String query = x.getRequestURI().getRawQuery();
            int gen = query == null || !query.contains("gen=") ? 0 : Integer.parseInt(query.replaceAll(".*gen=(\\d+).*", "$1"));
            if (content == null || gen < validGeneration.get()) {
                send(x, 403, new byte[0]);
                return;
            }
            serve(x, content, true);
        }
    }

    /** Answers a GET or HEAD with the content, honouring a Range header unless told to ignore ranges. */
    private void serve(HttpExchange x, byte[] content, boolean mayCut) throws IOException {
        String range = x.getRequestHeaders().getFirst("Range");
        int from = 0;
        int to = content.length - 1;
        int status = 200;
        if (range != null && !ignoreRanges) {
            Matcher r = RANGE.matcher(range);
            if (!r.matches() || Long.parseLong(r.group(1)) >= content.length) {
                x.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                send(x, 416, new byte[0]);
                return;
            }
            from = Integer.parseInt(r.group(1));
            to = r.group(2).isEmpty() ? to : (int) Math.min(to, Long.parseLong(r.group(2)));
            status = 206;
            x.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + content.length);
        }
        x.getResponseHeaders().add("Accept-Ranges", "bytes");
        byte[] body = java.util.Arrays.copyOfRange(content, from, to + 1);
        if (mayCut && corruptBodies && body.length > 0) {
            body[body.length / 2] ^= 1;
        }
        if (x.getRequestMethod().equals("HEAD")) {
            x.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
            x.sendResponseHeaders(status, -1);
            return;
        }
        if (mayCut && body.length > 1 && cutBodies.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            x.sendResponseHeaders(status, body.length);
            OutputStream out = x.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            bytesSent.addAndGet(body.length / 2);
            throw new IOException("connection cut on purpose"); // the server drops the connection
        }
        if (mayCut && body.length > 1 && stallBodies.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            x.sendResponseHeaders(status, body.length);
            OutputStream out = x.getResponseBody();
            out.write(body, 0, body.length / 2);
            out.flush();
            bytesSent.addAndGet(body.length / 2);
            try {
                Thread.sleep(stallMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("stalled on purpose");
        }
        send(x, status, body);
    }

    private void delay() {
        if (latencyMillis > 0) {
            try {
                Thread.sleep(latencyMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void error(HttpExchange x, int status, String code, String message) throws IOException {
        if (code != null) {
            x.getResponseHeaders().add("X-Error-Code", code);
        }
        x.getResponseHeaders().add("X-Error-Message", message);
        send(x, status, new byte[0]);
    }

    private void send(HttpExchange x, int status, byte[] body) throws IOException {
        boolean head = x.getRequestMethod().equals("HEAD");
        if (head) {
            if (body.length > 0) {
                x.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
            }
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
            bytesSent.addAndGet(body.length);
        }
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** SHA-256 of content, hex. */
    public static String sha256(byte[] b) {
        return hash("SHA-256", new byte[0], b);
    }

    /** The git blob SHA-1 of content, hex. */
    public static String gitSha1(byte[] b) {
        return hash("SHA-1", ("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII), b);
    }

    private static String hash(String alg, byte[] prefix, byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance(alg);
            md.update(prefix);
            return HexFormat.of().formatHex(md.digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
    }
}
