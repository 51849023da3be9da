package dev.qlens.cli.plot;

import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML page: the charts as inline SVG, a table of key facts, no script, and a
 * content-security policy that forbids loading anything, so the page opens offline and fetches
 * nothing even if a label contained markup.
 */
public final class HtmlReport {
    /** The policy: nothing external; inline styles only; images only from data: URIs. */
    public static final String CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    private HtmlReport() {
    }

    /**
     * The page.
     *
     * @param title page title and heading
     * @param facts key facts shown as a table under the heading (in order)
     * @param figures the charts
     */
    public static String render(String title, Map<String, String> facts, List<Figure> figures) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(SvgCanvas.escape(title)).append("</title>\n")
                .append("<style>body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:24px;color:#222}"
                        + "h1{font-size:22px}table{border-collapse:collapse;margin:8px 0 20px}"
                        + "td,th{border:1px solid #ddd;padding:3px 10px;text-align:left;font-size:13px}"
                        + "figure{margin:0 0 28px}figcaption{font-size:13px;color:#555;max-width:960px;margin-top:4px}"
                        + "svg{max-width:100%;height:auto}</style>\n</head><body>\n");
        sb.append("<h1 id=\"title\">").append(SvgCanvas.escape(title)).append("</h1>\n");
        if (!facts.isEmpty()) {
            sb.append("<table id=\"facts\">\n");
            facts.forEach((k, v) -> sb.append("<tr><th>").append(SvgCanvas.escape(k)).append("</th><td>")
                    .append(SvgCanvas.escape(v)).append("</td></tr>\n"));
            sb.append("</table>\n");
        }
        for (Figure f : figures) {
            sb.append("<figure id=\"fig-").append(f.id()).append("\">\n").append(f.svgElement());
            if (f.caption() != null && !f.caption().isEmpty()) {
                sb.append("<figcaption>").append(SvgCanvas.escape(f.caption())).append("</figcaption>\n");
            }
            sb.append("</figure>\n");
        }
        sb.append("<p style=\"font-size:12px;color:#777\">made by qlens</p>\n</body></html>\n");
        return sb.toString();
    }
}
