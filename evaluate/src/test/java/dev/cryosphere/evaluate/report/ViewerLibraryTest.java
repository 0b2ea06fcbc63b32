package dev.cryosphere.evaluate.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The build bundled 3Dmol.js from the npm registry (evaluate/pom.xml), and it can be inlined into a page. */
class ViewerLibraryTest {
    @Test
    void theBundledLibraryIsThePinnedReleaseWithItsLicence() {
        ViewerLibrary l = ViewerLibrary.load();
        assertEquals("2.5.5", l.version());
        assertEquals("BSD-3-Clause", l.licenseId());
        assertTrue(l.script().length() > 100_000, "the minified library");
        assertTrue(l.licence().contains("University of Pittsburgh"), "the BSD licence text to reproduce");
        // inlined as is: it must not contain the end tag of its script element
        assertFalse(l.script().toLowerCase().contains("</script"));
        assertDoesNotThrow(() -> new HtmlReport("t").script(l.script()));
    }
}
