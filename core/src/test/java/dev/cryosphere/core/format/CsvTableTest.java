package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** CsvTable against hand-made RFC 4180 text: quoting, empty lines, missing values, line numbers in errors. */
class CsvTableTest {
    @TempDir
    Path dir;

    @Test
    void quotedFieldsMayHoldCommasQuotesAndLineBreaks() throws IOException {
        Path f = Files.writeString(dir.resolve("t.csv"), "particle_index,image_name,z0\n"
                + "0,\"000001@a,b.mrcs\",0.5\n"
                + "\n"
                + "1,\"say \"\"hi\"\"\",\n"
                + "2,\"two\nlines\",nan\n"
                + "3,plain,-1.25e-3\n");
        CsvTable t = CsvTable.read(f);
        assertEquals(List.of("particle_index", "image_name", "z0"), t.header());
        assertEquals(4, t.size(), "the empty line is no row");
        assertEquals("000001@a,b.mrcs", t.text(0, "image_name"));
        assertEquals("say \"hi\"", t.text(1, "image_name"));
        assertEquals("two\nlines", t.text(2, "image_name"));
        assertArrayEquals(new double[]{0.5, Double.NaN, Double.NaN, -1.25e-3}, t.numbers("z0"), 0, "empty and nan are missing");
        assertEquals(List.of(2L, 4L, 5L, 7L), List.of(t.line(0), t.line(1), t.line(2), t.line(3)), "first line of each row");
        assertEquals(3, t.integer(3, "particle_index"));
    }

    @Test
    void problemsNameTheFileLineAndColumn() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.csv"), "epoch,loss\n1,-0.2\n2,oops\n");
        CsvTable t = CsvTable.read(f);
        InputException e = assertThrows(InputException.class, () -> t.numbers("loss"));
        assertEquals(f + ", line 3, column loss: not a number: 'oops'", e.getMessage());
        e = assertThrows(InputException.class, () -> t.column("wall_s"));
        assertEquals(f + ", header: no column wall_s", e.getMessage());
        Path dup = Files.writeString(dir.resolve("dup.csv"), "a,a\n1,2\n");
        e = assertThrows(InputException.class, () -> CsvTable.read(dup));
        assertTrue(e.getMessage().startsWith(dup + ", header: not a CSV table with one header row"), e.getMessage());
        Path open = Files.writeString(dir.resolve("open.csv"), "a,b\n1,\"never closed\n");
        e = assertThrows(InputException.class, () -> CsvTable.read(open));
        assertTrue(e.getMessage().startsWith(open + ": not a readable CSV table"), e.getMessage());
    }
}
