package dev.qlens.core.io.hub;

import java.io.IOException;
import java.util.Locale;

/**
 * A request to the Hub that failed, with a message that says what is wrong and what to do. The Hub
 * explains its refusals in the {@code X-Error-Code} and {@code X-Error-Message} headers; both are kept.
 */
public final class HubException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorCode;
    private final boolean transientFailure;
    private String commit;

    HubException(String message, int status, String errorCode, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
        this.transientFailure = transientFailure;
    }

    /** A network failure (no answer, a timeout, a broken connection) after the retries. */
    static HubException network(String what, IOException cause) {
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new HubException(what + ": the Hub could not be reached (" + why + "); check the connection, or set"
                + " HF_HUB_OFFLINE=1 to read only the local cache", 0, null, true, cause);
    }

    /**
     * The error for an HTTP status the caller cannot use, named after what was asked for ({@code what}: a
     * file, repository or revision as the user wrote it).
     */
    static HubException of(String what, String repoId, int status, HubResponse.Headers headers, boolean tokenSent) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String serverSays = headers.firstValue("X-Error-Message").map(m -> " (the Hub says: " + m + ")").orElse("");
        String page = "https://huggingface.co/" + repoId;
        String message;
        switch (status) {
            case 401:
                if (serverSays.toLowerCase(Locale.ROOT).contains("invalid credentials")) {
                    message = "the token was rejected; check HF_TOKEN or log in again (hf auth login)";
                } else if (code.equals("GatedRepo")) {
                    message = "the repository is gated: log in with a token that has access (set HF_TOKEN) after"
                            + " asking for access at " + page;
                } else {
                    message = tokenSent ? "repository not found, or the token has no access to it"
                            : "repository not found, or it is private or gated and no token was sent (set HF_TOKEN"
                            + " or log in with hf auth login)";
                }
                break;
            case 403:
                message = code.equals("GatedRepo")
                        ? "the repository is gated and this token is not in its authorized list; ask for access at "
                        + page : "access refused: the token lacks permission for this repository (an organisation"
                        + " may require a fine-grained token)";
                break;
            case 404:
                message = switch (code) {
                    case "RevisionNotFound" -> "no such revision (branch, tag or commit)";
                    case "EntryNotFound" -> "no such file in the repository at this revision";
                    case "RepoNotFound" -> "repository not found";
                    default -> "not found on the Hub";
                };
                break;
            case 416:
                message = "the server cannot serve that byte range (the file changed?)";
                break;
            case 429:
                message = "rate limited by the Hub; wait a few minutes (the limits are per 5-minute window) and send a"
                        + " token so the limit is your account's";
                break;
            default:
                message = "the Hub answered HTTP " + status;
        }
        boolean transientFailure = status == 408 || status == 429 || status >= 500;
        HubException e = new HubException(what + ": " + message + serverSays, status, code.isEmpty() ? null : code,
                transientFailure, null);
        e.commit = headers.firstValue("X-Repo-Commit").orElse(null);
        return e;
    }

    /** The commit the Hub named in its refusal ({@code X-Repo-Commit}), or null. */
    public String commit() {
        return commit;
    }

    /** The HTTP status, or 0 for a network failure. */
    public int status() {
        return status;
    }

    /** The Hub's {@code X-Error-Code}, or null. */
    public String errorCode() {
        return errorCode;
    }

    /** True for failures that may pass (network, timeouts, 408, 429, 5xx), after which a cached copy may serve. */
    public boolean isTransient() {
        return transientFailure;
    }

    /** True when the Hub said the file does not exist at the revision (a 404 that is not about the repo or revision). */
    public boolean isMissingFile() {
        return status == 404 && (errorCode == null || "EntryNotFound".equals(errorCode));
    }
}
