package dev.qlens.core.io.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP answer: status, headers (names case-insensitive), the URI that answered, and the body, which the
 * receiver reads or closes.
 *
 * @param statusCode the HTTP status
 * @param headers the response headers
 * @param uri the request URI that gave this answer
 * @param body the body (empty for HEAD and bodiless answers)
 */
record HubResponse(int statusCode, Headers headers, URI uri, InputStream body) {
    /** Response headers by case-insensitive name. */
    static final class Headers {
        private final Map<String, List<String>> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        Headers(Map<String, List<String>> raw) {
            raw.forEach((k, v) -> {
                if (k != null) {
                    values.put(k, List.copyOf(v));
                }
            });
        }

        /** The first value of a header. */
        Optional<String> firstValue(String name) {
            List<String> v = values.get(name);
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }

        /** Every value of a header. */
        List<String> allValues(String name) {
            return values.getOrDefault(name, List.of());
        }
    }

    /** Closes the body (the connection goes back to the keep-alive pool when it was read to the end). */
    void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }
}
