package dev.cryosphere.evaluate.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A self-contained HTML page (inline CSS, SVG and, where a section needs one, inline scripts; no network, no other
 * file) built section by section. Opens in any browser, also offline and from a cluster's shared file system. With
 * {@link #withContents()}, every {@code <h2>} gets an anchor and a link in a contents line under the title.
 */
public final class HtmlReport {
    private static final String STYLE = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
            + "nav{font-size:13px;margin-bottom:1em}nav a{margin-right:1em}"
            + "figure{display:inline-block;margin:0.5em;vertical-align:top}figcaption{font-size:12px;color:#555;max-width:520px}"
            + "table{border-collapse:collapse;font-size:13px;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
            + "td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}"
            + ".viewer-controls{font-size:13px;margin:0.5em 0}.viewer-controls label{margin-right:1em}"
            + ".viewer-frame{display:inline-block;border:1px solid #ccc}.viewer-canvas{position:relative;width:900px;height:520px}"
            + ".viewer-label{font-size:13px;color:#333}.viewer-off{padding:1em;color:#a00}"
            + "details{font-size:12px;color:#555;margin-top:2em}";

    private final StringBuilder body = new StringBuilder();
    private final List<String[]> contents = new ArrayList<>();
    private final String title;
    private boolean withContents;

    public HtmlReport(String title) {
        this.title = title;
    }

    /** Adds a line of links to the sections under the title (for a long page). */
    public HtmlReport withContents() {
        withContents = true;
        return this;
    }

    public HtmlReport heading(String text) {
        String id = "s" + (contents.size() + 1) + "-" + text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        contents.add(new String[]{id, text});
        body.append("<h2 id=\"").append(id).append("\">").append(Svg.esc(text)).append("</h2>\n");
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

    /**
     * A table; cells are escaped, a cell starting with "link:" becomes a relative link to that path, a cell that reads
     * as a number is right-aligned.
     */
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
                    body.append(c.matches("[-+]?[0-9.,]+( ?[%Å])?") ? "<td class=\"num\">" : "<td>").append(Svg.esc(c)).append("</td>");
                }
            }
            body.append("</tr>\n");
        }
        body.append("</tbody></table>\n");
        return this;
    }

    /** Markup a section builds itself (trusted: produced by this code, never from input text). */
    public HtmlReport raw(String html) {
        body.append(html);
        if (!html.endsWith("\n")) body.append('\n');
        return this;
    }

    /** Data for a page script: {@code value} as JSON in a non-executed script element with id {@code id}. */
    public HtmlReport json(String id, Object value) {
        try {
            // "</" could close the element early; "<\/" is the same JSON string
            String json = new ObjectMapper().writeValueAsString(value).replace("</", "<\\/");
            body.append("<script type=\"application/json\" id=\"").append(Svg.esc(id)).append("\">").append(json).append("</script>\n");
            return this;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An inline script; refused if it contains "</script", which would end the element early. */
    public HtmlReport script(String js) {
        if (js.toLowerCase(Locale.ROOT).contains("</script"))
            throw new IllegalArgumentException("an inline script cannot contain \"</script\"");
        body.append("<script>").append(js).append("</script>\n");
        return this;
    }

    public String html() {
        StringBuilder nav = new StringBuilder();
        if (withContents && !contents.isEmpty()) {
            nav.append("<nav>");
            for (String[] c : contents) nav.append("<a href=\"#").append(c[0]).append("\">").append(Svg.esc(c[1])).append("</a>");
            nav.append("</nav>\n");
        }
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Svg.esc(title) + "</title>\n"
                + "<style>" + STYLE + "</style></head><body>\n<h1>" + Svg.esc(title) + "</h1>\n"
                + "<p class=\"generated\">generated " + Instant.now() + "</p>\n" + nav + body + "</body></html>\n";
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
