package dev.qlens.core.io.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP for the Hub, with the rules of huggingface_hub: redirects are followed by this class, never by the
 * connection, so the token goes only to the endpoint's own host (a pre-signed CDN URL never sees it);
 * failures that may pass (timeouts, broken connections, 408, 429, 5xx) are retried a bounded number of
 * times, waiting as the Hub's {@code RateLimit} or {@code Retry-After} headers say, or 1, 2, 4, 8, 8 s.
 *
 * <p>Built on {@link HttpURLConnection} (keep-alive, HTTP/1.1) rather than {@code java.net.http}: measured in
 * a fresh JVM, streaming 115 MB of shards took 0.44-0.57 s through it and 1.7 s through {@code HttpClient},
 * whose asynchronous pipeline runs interpreted in a one-shot command; and its read timeout bounds a stalled
 * body directly.
 */
final class HubHttp {
    /** Redirects followed for one request before giving up. */
    private static final int MAX_REDIRECTS = 10;
    private static final Pattern RATE_REMAINING = Pattern.compile("(?:^|;)\\s*r=(\\d+)");
    private static final Pattern RATE_RESET = Pattern.compile("(?:^|;)\\s*t=(\\d+)");

    /** Pauses between retries (replaced in tests). */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final HubSettings settings;
    private final String userAgent;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    Sleeper sleeper = d -> Thread.sleep(d.toMillis());

    HubHttp(HubSettings settings) {
        this.settings = settings;
        this.userAgent = "qlens; java/" + Runtime.version().feature();
    }

    /** How redirects of a request are followed. */
    enum Redirects {
        /** Only redirects within the same host (a renamed repository); others are returned to the caller. */
        SAME_HOST,
        /** All of them (downloads). */
        ALL
    }

    /**
     * Sends a request and returns the response whose body the caller must read or close. 3xx answers are
     * followed as {@code redirects} says; transient failures are retried up to {@code retries} times.
     *
     * @param what the thing asked for, as the user wrote it (for messages)
     * @param range a {@code Range} header value, or null
     * @throws HubException for a network failure after the retries (other statuses are returned)
     */
    HubResponse send(String what, String method, URI uri, String range, Redirects redirects, int retries,
                                   Duration timeout) throws HubException {
        URI current = uri;
        int redirected = 0;
        int attempt = 0;
        while (true) {
            HubResponse r;
            try {
                r = sendOnce(method, current, range, timeout);
            } catch (IOException e) {
                if (attempt++ < retries) {
                    pause(what, backoff(attempt), "the connection failed (" + e.getMessage() + ")");
                    continue;
                }
                throw HubException.network(what, e);
            }
            int status = r.statusCode();
            String location = r.headers().firstValue("Location").orElse(null);
            if (status >= 300 && status < 400 && location != null) {
                URI next = current.resolve(location);
                if (redirects == Redirects.SAME_HOST && !sameOrigin(next, current)) {
                    return r;
                }
                r.close();
                if (++redirected > MAX_REDIRECTS) {
                    throw new HubException(what + ": more than " + MAX_REDIRECTS + " redirects", status, null, false,
                            null);
                }
                current = next;
                continue;
            }
            if (isTransient(status) && attempt < retries) {
                Duration wait = waitFor(what, r, ++attempt);
                r.close();
                pause(what, wait, status == 429 ? "rate limited by the Hub" : "the Hub answered HTTP " + status);
                continue;
            }
            return r;
        }
    }

    /** True when the token may go to {@code uri}: the endpoint's own scheme, host and port. */
    boolean mayReceiveToken(URI uri) {
        return sameOrigin(uri, settings.endpoint());
    }

    /** Requests sent so far. */
    long requests() {
        return requests.get();
    }

    /** Body bytes received so far (counted by the readers through {@link #received}). */
    long bytesReceived() {
        return bytes.get();
    }

    /** Counts body bytes received. */
    void received(long n) {
        bytes.addAndGet(n);
    }

    private HubResponse sendOnce(String method, URI uri, String range, Duration timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setRequestMethod(method);
        c.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.downloadTimeout().toMillis()));
        c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())); // also bounds a stalled body
        c.setRequestProperty("User-Agent", userAgent);
        c.setRequestProperty("Accept-Encoding", "identity");
        if (settings.token() != null && mayReceiveToken(uri)) {
            c.setRequestProperty("Authorization", "Bearer " + settings.token());
        }
        if (range != null) {
            c.setRequestProperty("Range", range);
        }
        requests.incrementAndGet();
        int status = c.getResponseCode();
        InputStream body = status >= 400 ? c.getErrorStream() : method.equals("HEAD") ? null : c.getInputStream();
        return new HubResponse(status, new HubResponse.Headers(c.getHeaderFields()), uri,
                body == null ? InputStream.nullInputStream() : body);
    }

    private Duration waitFor(String what, HubResponse r, int attempt) throws HubException {
        Duration wait = backoff(attempt);
        if (r.statusCode() == 429) {
            String limit = r.headers().firstValue("RateLimit").orElse(null);
            String after = r.headers().firstValue("Retry-After").orElse(null);
            Long remaining = limit == null ? null : number(RATE_REMAINING, limit);
            Long reset = limit == null ? null : number(RATE_RESET, limit);
            if (remaining != null && remaining == 0 && reset != null) {
                wait = Duration.ofSeconds(reset + 1);
            } else if (after != null && after.trim().matches("\\d+")) {
                wait = Duration.ofSeconds(Long.parseLong(after.trim()) + 1);
            }
            if (wait.compareTo(settings.maxWait()) > 0) {
                r.close();
                throw new HubException(what + ": rate limited by the Hub, which asks to wait " + wait.toSeconds()
                        + " s (more than the " + settings.maxWait().toSeconds() + " s qlens waits); try again later,"
                        + " and send a token (HF_TOKEN) so the limit is your account's" + bucket(limit), 429, null,
                        true, null);
            }
        }
        return wait;
    }

    private static String bucket(String limit) {
        if (limit == null) {
            return "";
        }
        Matcher m = Pattern.compile("\"([a-z]+)\"").matcher(limit);
        return m.find() ? " (bucket: " + m.group(1) + ")" : "";
    }

    private void pause(String what, Duration d, String why) throws HubException {
        settings.listener().warn(why + " for " + what + "; retrying in " + seconds(d));
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(what + ": interrupted while waiting to retry", 0, null, false, e);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1e3);
    }

    /** 1, 2, 4, 8, 8, ... seconds for attempts 1, 2, 3, ... */
    static Duration backoff(int attempt) {
        return Duration.ofSeconds(Math.min(8, 1L << Math.min(3, attempt - 1)));
    }

    static boolean isTransient(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static Long number(Pattern p, String header) {
        Matcher m = p.matcher(header);
        return m.find() ? Long.parseLong(m.group(1)) : null;
    }
}
