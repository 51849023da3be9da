package dev.qlens.core.io.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How qlens talks to the Hugging Face Hub, taken from the environment variables the Python tools read
 * (HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, the cache variables, the timeouts) plus the command line's
 * {@code --revision} and {@code --download}. {@link #current()} gives a thread's settings; the command line
 * sets them for one run, tests for one test.
 *
 * @param endpoint the Hub's base URL, without a trailing slash
 * @param token the access token sent to the endpoint's host, or null
 * @param cache the hub cache files are read from and downloaded into
 * @param offline true when no request may be made (HF_HUB_OFFLINE)
 * @param revision the revision of references that name none ({@code main} unless {@code --revision})
 * @param downloadWhole true to download every file a command opens instead of reading ranges
 * @param metadataTimeout the time allowed for a metadata request (HF_HUB_ETAG_TIMEOUT, 10 s)
 * @param downloadTimeout the time allowed for the connection and each read (HF_HUB_DOWNLOAD_TIMEOUT, 10 s)
 * @param maxRetries retries of a failed request (timeouts, 408, 429, 5xx, broken connections)
 * @param maxWait the longest wait qlens accepts when the Hub says to slow down (429)
 * @param listener where notes and transfer progress go
 */
public record HubSettings(URI endpoint, String token, HubCache cache, boolean offline, String revision,
                          boolean downloadWhole, Duration metadataTimeout, Duration downloadTimeout, int maxRetries,
                          Duration maxWait, HubListener listener) {
    private static final Set<String> TRUE = Set.of("1", "ON", "YES", "TRUE");
    private static volatile HubSettings fromEnvironment;
    // Per thread (and the threads it starts), so that concurrent in-process runs, e.g. Spark tasks sharing an
    // executor, each keep their own --revision and --download.
    private static final InheritableThreadLocal<HubSettings> CURRENT = new InheritableThreadLocal<>();

    /** Validates the endpoint. */
    public HubSettings {
        String e = endpoint.toString();
        if (!e.startsWith("http://") && !e.startsWith("https://")) {
            throw new IllegalArgumentException("HF_ENDPOINT '" + e + "' is not an http(s) URL");
        }
        if (e.endsWith("/")) {
            endpoint = URI.create(e.replaceAll("/+$", ""));
        }
        revision = revision == null || revision.isBlank() ? "main" : revision;
    }

    /** The settings of this thread: those it (or the thread that started it) set, else the environment's. */
    public static HubSettings current() {
        HubSettings s = CURRENT.get();
        if (s != null) {
            return s;
        }
        s = fromEnvironment;
        if (s == null) {
            s = fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
            fromEnvironment = s;
        }
        return s;
    }

    /** Replaces the settings of this thread (and the threads it starts); null goes back to the environment's. */
    public static void setCurrent(HubSettings settings) {
        if (settings == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(settings);
        }
    }

    /** Settings from environment variables, as huggingface_hub reads them. */
    public static HubSettings fromEnvironment(Map<String, String> env, Path home) {
        String endpoint = nonEmpty(env.get("HF_ENDPOINT"));
        boolean offline = isTrue(env.get("HF_HUB_OFFLINE")) || isTrue(env.get("TRANSFORMERS_OFFLINE"));
        return new HubSettings(URI.create(endpoint == null ? "https://huggingface.co" : endpoint), token(env, home),
                HubCache.fromEnvironment(env, home), offline, "main", false,
                seconds(env, "HF_HUB_ETAG_TIMEOUT", 10), seconds(env, "HF_HUB_DOWNLOAD_TIMEOUT", 10), 5,
                Duration.ofMinutes(5), HubListener.STDERR);
    }

    /**
     * The token, looked up as huggingface_hub does: HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then the file
     * HF_TOKEN_PATH (default {@code $HF_HOME/token}, {@code ~/.cache/huggingface/token}); none when
     * HF_HUB_DISABLE_IMPLICIT_TOKEN is set. Line breaks and surrounding blanks are removed.
     */
    static String token(Map<String, String> env, Path home) {
        if (isTrue(env.get("HF_HUB_DISABLE_IMPLICIT_TOKEN"))) {
            return null;
        }
        for (String name : new String[] {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
            String t = clean(env.get(name));
            if (t != null) {
                return t;
            }
        }
        String path = nonEmpty(env.get("HF_TOKEN_PATH"));
        Path file;
        if (path != null) {
            file = HubCache.expand(path, home);
        } else {
            String hfHome = nonEmpty(env.get("HF_HOME"));
            String xdg = nonEmpty(env.get("XDG_CACHE_HOME"));
            Path base = hfHome != null ? HubCache.expand(hfHome, home)
                    : xdg != null ? HubCache.expand(xdg, home).resolve("huggingface")
                    : home.resolve(".cache").resolve("huggingface");
            file = base.resolve("token");
        }
        try {
            return Files.isRegularFile(file) ? clean(Files.readString(file, StandardCharsets.UTF_8)) : null;
        } catch (IOException e) {
            return null; // an unreadable token file is treated like none, as the Python tools do
        }
    }

    /** These settings with a revision for references that name none. */
    public HubSettings withRevision(String rev) {
        return new HubSettings(endpoint, token, cache, offline, rev, downloadWhole, metadataTimeout, downloadTimeout,
                maxRetries, maxWait, listener);
    }

    /** These settings with whole-file downloads on or off. */
    public HubSettings withDownloadWhole(boolean whole) {
        return new HubSettings(endpoint, token, cache, offline, revision, whole, metadataTimeout, downloadTimeout,
                maxRetries, maxWait, listener);
    }

    /** These settings with another cache. */
    public HubSettings withCache(HubCache c) {
        return new HubSettings(endpoint, token, c, offline, revision, downloadWhole, metadataTimeout, downloadTimeout,
                maxRetries, maxWait, listener);
    }

    /** These settings with another listener. */
    public HubSettings withListener(HubListener l) {
        return new HubSettings(endpoint, token, cache, offline, revision, downloadWhole, metadataTimeout,
                downloadTimeout, maxRetries, maxWait, l);
    }

    /** These settings with another token (null for none). */
    public HubSettings withToken(String t) {
        return new HubSettings(endpoint, t, cache, offline, revision, downloadWhole, metadataTimeout, downloadTimeout,
                maxRetries, maxWait, listener);
    }

    /** These settings offline or online. */
    public HubSettings withOffline(boolean off) {
        return new HubSettings(endpoint, token, cache, off, revision, downloadWhole, metadataTimeout, downloadTimeout,
                maxRetries, maxWait, listener);
    }

    @Override
    public String toString() {
        // Never print the token.
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "set") + ", cache="
                + cache.root() + ", offline=" + offline + ", revision=" + revision + "]";
    }

    private static Duration seconds(Map<String, String> env, String name, double dflt) {
        String v = nonEmpty(env.get(name));
        double s = dflt;
        if (v != null) {
            try {
                s = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + "='" + v + "' is not a number of seconds");
            }
        }
        return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
    }

    private static boolean isTrue(String v) {
        return v != null && TRUE.contains(v.trim().toUpperCase(Locale.ROOT));
    }

    private static String clean(String t) {
        if (t == null) {
            return null;
        }
        String c = t.replace("\r", "").replace("\n", "").trim();
        return c.isEmpty() ? null : c;
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
