package dev.qlens.core.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Tensor name filters as in the seed tools: a query containing a dot is a case-insensitive prefix
 * match on dot-separated components ({@code model.layers.1} matches {@code model.layers.1.mlp.weight}
 * but not {@code model.layers.10.mlp.weight}); any other query is a case-insensitive substring. With
 * {@code regex}, each query is a Java regular expression searched in the name. A name passes when any
 * query matches; no queries match everything.
 */
public final class NameFilter {
    private final List<String> queries;
    private final List<Pattern> patterns;

    private NameFilter(List<String> queries, List<Pattern> patterns) {
        this.queries = queries;
        this.patterns = patterns;
    }

    /** Builds a filter. */
    public static NameFilter of(List<String> queries, boolean regex) {
        List<String> q = new ArrayList<>();
        List<Pattern> p = new ArrayList<>();
        for (String s : queries == null ? List.<String>of() : queries) {
            if (s == null || s.isEmpty()) {
                continue;
            }
            if (regex) {
                try {
                    p.add(Pattern.compile(s));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("invalid regular expression '" + s + "': " + e.getDescription());
                }
            } else {
                q.add(s.toLowerCase(Locale.ROOT));
            }
        }
        return new NameFilter(q, p);
    }

    /** A filter that accepts everything. */
    public static NameFilter all() {
        return new NameFilter(List.of(), List.of());
    }

    /** Whether the filter has no queries. */
    public boolean acceptsAll() {
        return queries.isEmpty() && patterns.isEmpty();
    }

    /** Whether {@code name} passes. */
    public boolean test(String name) {
        if (acceptsAll()) {
            return true;
        }
        for (Pattern p : patterns) {
            if (p.matcher(name).find()) {
                return true;
            }
        }
        String n = name.toLowerCase(Locale.ROOT);
        for (String q : queries) {
            if (q.contains(".") ? componentPrefix(n, q) : n.contains(q)) {
                return true;
            }
        }
        return false;
    }

    private static boolean componentPrefix(String name, String query) {
        String[] qs = query.split("\\.", -1);
        String[] ns = name.split("\\.", -1);
        if (qs.length > ns.length) {
            return false;
        }
        for (int i = 0; i < qs.length; i++) {
            if (!qs[i].equals(ns[i])) {
                return false;
            }
        }
        return true;
    }
}
