package dev.qlens.core.io.hub;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Hugging Face Hub location as users write it: a repo id ({@code org/name}), {@code hf://org/name[@revision][/path]}
 * or a Hub URL ({@code https://huggingface.co/org/name/tree/main/sub}, cut at tree, blob, resolve, commit or
 * discussions as seed 001 cuts it). Only model repositories.
 *
 * @param repoId {@code org/name}
 * @param revision a branch, tag or 40-hex commit ({@code main} by default)
 * @param path a file or folder inside the repository, or "" for the whole repository
 */
public record HubReference(String repoId, String revision, String path) {
    private static final Pattern REPO_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Bare {@code dir/file} names that are surely meant as local files, not repository ids. */
    private static final Pattern FILE_NAME = Pattern.compile(
            "\\.(safetensors|json|onnx|npy|npz|bin|pt|pth|ckpt|gguf|data)$", Pattern.CASE_INSENSITIVE);
    private static final List<String> CUTS = List.of("tree", "blob", "resolve", "commit", "discussions");
    private static final List<String> HOSTS = List.of("huggingface.co", "hf.co", "www.huggingface.co");

    /** Validates: two name parts, and a path without {@code ..} or an absolute start. */
    public HubReference {
        String[] parts = repoId.split("/", -1);
        if (parts.length != 2 || !REPO_PART.matcher(parts[0]).matches() || !REPO_PART.matcher(parts[1]).matches()) {
            throw new IllegalArgumentException("'" + repoId + "' is not a Hub repo id (org/name)");
        }
        revision = revision == null || revision.isEmpty() ? "main" : revision;
        path = path == null ? "" : path;
        for (String seg : path.split("/")) {
            if (seg.equals("..")) {
                throw new IllegalArgumentException("'" + path + "': a path inside a repository cannot contain '..'");
            }
        }
        if (path.startsWith("/") || path.contains("\\")) {
            throw new IllegalArgumentException("'" + path + "': a path inside a repository is relative, with '/'");
        }
    }

    /**
     * Parses a Hub location, or returns null when {@code text} is none: {@code hf://...} and Hub URLs always
     * are (an error when malformed); a bare {@code org/name} only when {@code bareIds} is true (callers pass
     * true when no local file of that name exists).
     */
    public static HubReference parse(String text, boolean bareIds) {
        return parse(text, bareIds, "main");
    }

    /** {@link #parse(String, boolean)}, with the revision of references that name none. */
    public static HubReference parse(String text, boolean bareIds, String defaultRevision) {
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        // A java.nio Path collapses "//": accept "hf:/org/name" and "https:/huggingface.co/..." as well.
        for (String prefix : List.of("hf://", "hf:/")) {
            if (lower.startsWith(prefix)) {
                return fromHfUri(t.substring(prefix.length()), defaultRevision);
            }
        }
        for (String scheme : List.of("https://", "https:/", "http://", "http:/")) {
            if (lower.startsWith(scheme)) {
                String rest = t.substring(scheme.length());
                int slash = rest.indexOf('/');
                String host = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT);
                if (!HOSTS.contains(host)) {
                    return null;
                }
                return fromUrlPath(slash < 0 ? "" : rest.substring(slash + 1), t, defaultRevision);
            }
        }
        if (bareIds && t.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*") && !FILE_NAME.matcher(t).find()) {
            return new HubReference(t, defaultRevision, "");
        }
        return null;
    }

    private static HubReference fromHfUri(String rest, String defaultRevision) {
        String[] parts = rest.split("/", 3);
        if (parts.length < 2) {
            throw new IllegalArgumentException("hf://" + rest + ": expected hf://org/name[@revision][/path]");
        }
        String name = parts[1];
        String revision = defaultRevision;
        int at = name.indexOf('@');
        if (at >= 0) {
            revision = name.substring(at + 1);
            name = name.substring(0, at);
        }
        return new HubReference(parts[0] + "/" + name, revision, parts.length > 2 ? parts[2] : "");
    }

    private static HubReference fromUrlPath(String urlPath, String text, String defaultRevision) {
        String p = urlPath.replaceAll("[?#].*$", "");
        String[] seg = p.split("/");
        if (seg.length < 2) {
            throw new IllegalArgumentException(text + ": a Hub URL names a repository (https://huggingface.co/org/name)");
        }
        String revision = defaultRevision;
        String path = "";
        if (seg.length > 3 && CUTS.contains(seg[2])) {
            if (seg[2].equals("tree") || seg[2].equals("blob") || seg[2].equals("resolve")) {
                revision = seg[3];
                path = String.join("/", List.of(seg).subList(4, seg.length));
            }
        }
        return new HubReference(seg[0] + "/" + seg[1], revision, path);
    }

    /** The cache folder name of the repository: {@code models--org--name}. */
    public String cacheFolder() {
        return "models--" + repoId.replace("/", "--");
    }

    @Override
    public String toString() {
        return "hf://" + repoId + (revision.equals("main") ? "" : "@" + revision) + (path.isEmpty() ? "" : "/" + path);
    }
}
