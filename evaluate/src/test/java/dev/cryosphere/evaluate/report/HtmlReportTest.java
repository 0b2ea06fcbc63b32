package dev.cryosphere.evaluate.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class HtmlReportTest {
    @Test
    void embeddedDataCannotCloseItsScriptElement() {
        String html = new HtmlReport("t").json("d", Map.of("pdb", "REMARK </script><b>")).html();
        assertTrue(html.contains("<\\/script>"), html);
        assertEquals(1, html.split("</script>").length - 1, "only the element's own end tag");
    }

    @Test
    void scriptsThatWouldEndEarlyAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HtmlReport("t").script("var s = '</script>';"));
    }

    @Test
    void contentsLinkEveryHeadingOnlyWhenAsked() {
        HtmlReport r = new HtmlReport("t").withContents();
        r.heading("Latent space").heading("FSC");
        String html = r.html();
        assertTrue(html.contains("<a href=\"#s1-latent-space\">Latent space</a>"));
        assertTrue(html.contains("<h2 id=\"s2-fsc\">FSC</h2>"));
        assertFalse(new HtmlReport("t").heading("A").html().contains("<nav>"));
    }

    @Test
    void numbersAreRightAlignedAndLinksRelative() {
        String html = new HtmlReport("t").table(List.of("a", "b", "c"), List.of(List.of("link:clusters/cluster_00.pdb", "3.20", "12.5 %"))).html();
        assertTrue(html.contains("<a href=\"clusters/cluster_00.pdb\">"));
        assertTrue(html.contains("<td class=\"num\">3.20</td>") && html.contains("<td class=\"num\">12.5 %</td>"));
    }
}
