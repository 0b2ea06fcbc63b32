package dev.cryosphere.evaluate.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A self-contained HTML page (inline CSS and SVG, no scripts, no network) built section by section. Opens in any
 * browser, also offline and from a cluster's shared file system.
 */
public final class HtmlReport {
    private final StringBuilder body = new StringBuilder();
    private final String title;

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport heading(String text) {
        body.append("<h2>").append(Svg.esc(text)).append("</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(Svg.esc(text)).append("</p>\n");
        return this;
    }

    /** Inline SVG produced by {@link Svg}. */
    public HtmlReport figure(String svg, String caption) {
        body.append("<figure>").append(svg).append("<figcaption>").append(Svg.esc(caption)).append("</figcaption></figure>\n");
        return this;
    }

    /** A table; cells are escaped, a cell starting with "link:" becomes a relative link to that path. */
    public HtmlReport table(List<String> header, List<List<String>> rows) {
        body.append("<table><thead><tr>");
        for (String h : header) body.append("<th>").append(Svg.esc(h)).append("</th>");
        body.append("</tr></thead><tbody>\n");
        for (List<String> r : rows) {
            body.append("<tr>");
            for (String c : r) {
                if (c.startsWith("link:")) {
                    String p = c.substring(5);
                    body.append("<td><a href=\"").append(Svg.esc(p)).append("\">").append(Svg.esc(p)).append("</a></td>");
                } else {
                    body.append("<td>").append(Svg.esc(c)).append("</td>");
                }
            }
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n");
        return this;
    }

    public String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Svg.esc(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                + "figure{display:inline-block;margin:0.5em}figcaption{font-size:12px;color:#555;max-width:520px}"
                + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
                + "th{background:#f3f3f3}</style></head><body>\n<h1>" + Svg.esc(title) + "</h1>\n"
                + "<p class=\"generated\">generated " + Instant.now() + "</p>\n" + body + "</body></html>\n";
    }

    public void write(Path file) {
        try {
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, html());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
