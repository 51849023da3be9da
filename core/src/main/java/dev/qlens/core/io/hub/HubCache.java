package dev.qlens.core.io.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The shared Hugging Face hub cache that the Python tools write ({@code models--org--name/blobs},
 * {@code refs}, {@code snapshots}), read without any network access: a repository revision resolves to
 * its snapshot folder, whose files are symlinks to the blobs, and the checkpoint readers open it like
 * any local folder.
 */
public final class HubCache {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final Path root;

    /** The cache at {@code root}. */
    public HubCache(Path root) {
        this.root = root;
    }

    /**
     * The cache the Hugging Face tools use under these environment variables, first match wins:
     * HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub.
     */
    public static HubCache fromEnvironment(Map<String, String> env, Path home) {
        String v;
        if ((v = nonEmpty(env.get("HF_HUB_CACHE"))) != null || (v = nonEmpty(env.get("HUGGINGFACE_HUB_CACHE"))) != null) {
            return new HubCache(expand(v, home));
        }
        if ((v = nonEmpty(env.get("HF_HOME"))) != null) {
            return new HubCache(expand(v, home).resolve("hub"));
        }
        if ((v = nonEmpty(env.get("XDG_CACHE_HOME"))) != null) {
            return new HubCache(expand(v, home).resolve("huggingface").resolve("hub"));
        }
        return new HubCache(home.resolve(".cache").resolve("huggingface").resolve("hub"));
    }

    /** The cache of this process's environment. */
    public static HubCache fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The cache root. */
    public Path root() {
        return root;
    }

    /**
     * The local path of a reference: {@code snapshots/<commit>/<path>}, the commit being the revision when
     * it is one, else the content of {@code refs/<revision>}.
     *
     * @throws IOException naming what is missing (not cached, unknown revision, a file known not to exist)
     */
    public Path resolve(HubReference ref) throws IOException {
        Path repo = root.resolve(ref.cacheFolder());
        if (!Files.isDirectory(repo)) {
            throw new IOException(ref + " is not in the Hugging Face cache (" + repo + " does not exist); download it"
                    + " with the Hugging Face tools (hf download " + ref.repoId() + "), or give a local path");
        }
        String commit = ref.revision();
        if (!COMMIT.matcher(commit).matches()) {
            Path refFile = repo.resolve("refs").resolve(ref.revision());
            if (!refFile.normalize().startsWith(repo.resolve("refs"))) {
                throw new IOException(ref + ": '" + ref.revision() + "' is not a revision name");
            }
            if (!Files.isRegularFile(refFile)) {
                throw new IOException(ref + ": revision '" + ref.revision() + "' is not in the cache (no " + refFile + ")");
            }
            commit = Files.readString(refFile, StandardCharsets.UTF_8).trim();
            if (!COMMIT.matcher(commit).matches()) {
                throw new IOException(refFile + ": expected a 40-digit commit hash, found '" + commit + "'");
            }
        }
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        Path target = ref.path().isEmpty() ? snapshot : snapshot.resolve(ref.path());
        if (Files.exists(target)) {
            return target;
        }
        Path noExist = repo.resolve(".no_exist").resolve(commit).resolve(ref.path());
        if (!ref.path().isEmpty() && Files.exists(noExist)) {
            throw new IOException(ref + ": the Hub has no such file at commit " + commit + " (recorded in " + noExist + ")");
        }
        throw new IOException(ref + " is not in the Hugging Face cache (no " + target + ")");
    }

    private static String nonEmpty(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static Path expand(String v, Path home) {
        return v.equals("~") ? home : v.startsWith("~/") ? home.resolve(v.substring(2)) : Path.of(v);
    }
}
