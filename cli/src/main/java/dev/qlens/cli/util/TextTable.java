package dev.qlens.cli.util;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns. Cells may carry ANSI colour codes; widths are computed
 * on the visible text.
 */
public final class TextTable {
    private final List<String> headers;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    /**
     * @param headers column titles; a title starting with '>' is right-aligned (the '>' is not printed)
     */
    public TextTable(String... headers) {
        this.headers = new ArrayList<>();
        this.rightAligned = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            boolean right = headers[i].startsWith(">");
            rightAligned[i] = right;
            this.headers.add(right ? headers[i].substring(1) : headers[i]);
        }
    }

    /** Adds a row; missing trailing cells are blank. */
    public TextTable row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            r.add(i < cells.length && cells[i] != null ? cells[i].toString() : "");
        }
        rows.add(r);
        return this;
    }

    /** Number of data rows. */
    public int size() {
        return rows.size();
    }

    /** Renders the table, one line per row, with a header underline. */
    public String render() {
        int n = headers.size();
        int[] width = new int[n];
        for (int i = 0; i < n; i++) {
            width[i] = visibleLength(headers.get(i));
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], visibleLength(r.get(i)));
            }
        }
        StringBuilder sb = new StringBuilder();
        appendLine(sb, headers, width);
        List<String> rule = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rule.add("-".repeat(width[i]));
        }
        appendLine(sb, rule, width);
        for (List<String> r : rows) {
            appendLine(sb, r, width);
        }
        return sb.toString();
    }

    private void appendLine(StringBuilder sb, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            int pad = width[i] - visibleLength(c);
            if (i > 0) {
                line.append("  ");
            }
            if (rightAligned[i]) {
                line.append(" ".repeat(pad)).append(c);
            } else {
                line.append(c);
                if (i < cells.size() - 1) {
                    line.append(" ".repeat(pad));
                }
            }
        }
        sb.append(line.toString().replaceAll("\\s+$", "")).append('\n');
    }

    /** Length of the text without ANSI escape sequences. */
    public static int visibleLength(String s) {
        return Ansi.strip(s).length();
    }
}
