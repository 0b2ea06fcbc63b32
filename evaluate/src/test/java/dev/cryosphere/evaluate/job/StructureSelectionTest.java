package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** {@code --structures}: all, every=N and indices=FILE (the first column of a CSV file, parsed by Commons CSV). */
class StructureSelectionTest {
    @TempDir
    Path dir;

    private StructureSelection indices(String text) throws Exception {
        Path f = dir.resolve("indices.csv");
        Files.writeString(f, text);
        return StructureSelection.parse("indices=" + f);
    }

    private static void assertSelects(StructureSelection s, long... expected) {
        for (long p = 0; p < 20; p++) {
            boolean in = false;
            for (long e : expected) in |= e == p;
            assertEquals(in, s.contains(p), "particle " + p);
        }
    }

    @Test
    void allEveryAndNone() {
        assertFalse(StructureSelection.none().any());
        assertSelects(StructureSelection.parse("every=5"), 0, 5, 10, 15);
        assertTrue(StructureSelection.parse(" all ").contains(7));
        assertThrows(InputException.class, () -> StructureSelection.parse("every=0"));
        assertThrows(InputException.class, () -> StructureSelection.parse("some"));
    }

    @Test
    void theFormatsTheHandWrittenReaderAccepted() throws Exception {
        assertSelects(indices("7\n3\n\n12\n"), 3, 7, 12);                        // no header, an empty line
        assertSelects(indices("particle_index\n4\n 9 \n   \n1"), 1, 4, 9);        // particles.txt; blanks; no last line end
        assertSelects(indices("particle_index,map\n0,conformation_000.mrc\n10,bin_001.mrc\n"), 0, 10);   // labels.csv
    }

    @Test
    void aQuotedNameWithACommaOrALineBreakInALaterColumnIsOneValue() throws Exception {
        // labels.csv as CSVPrinter writes a map name with a comma, a quote and a line break
        assertSelects(indices("particle_index,map\n3,\"open, closed.mrc\"\n5,\"a \"\"b\"\"\nc.mrc\"\n8,x.mrc\n"), 3, 5, 8);
    }

    @Test
    void aNonNumericRowAfterTheFirstNamesItsLine() throws Exception {
        InputException e = assertThrows(InputException.class, () -> indices("particle_index\n1\n\nabc,2\n"));
        assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("'abc'"), e.getMessage());
        e = assertThrows(InputException.class, () -> indices("particle_index,map\n1,\"x\ny\"\nzz\n"));
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
    }
}
