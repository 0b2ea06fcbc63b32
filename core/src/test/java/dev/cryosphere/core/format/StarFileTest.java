package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class StarFileTest {

    private static final String SAMPLE = """
            # written by hand
            data_general
            _rlnImageSize   128   # a comment
            _rlnComment 'two words'

            data_table
            loop_
            _rlnImageName #1
            _rlnMicrographName #2
            _rlnDefocusU #3
            1@a.mrcs "mic one.mrc" 10000.5
            2@a.mrcs mic2.mrc 11000   # trailing comment

            3@a.mrcs 'it''s.mrc' 12000
            """;

    @Test
    void parsesBlocksPairsLoopsQuotesAndComments() {
        StarFile star = StarFile.parse("sample.star", SAMPLE);
        assertEquals(2, star.blocks().size());
        StarBlock general = star.block("general").orElseThrow();
        assertEquals("128", general.pairs().get("rlnImageSize"));
        assertEquals("two words", general.pairs().get("rlnComment"));
        assertTrue(general.loop().isEmpty());

        StarLoop loop = star.block("table").orElseThrow().loop().orElseThrow();
        assertEquals(3, loop.size());
        assertEquals(java.util.List.of("rlnImageName", "rlnMicrographName", "rlnDefocusU"), loop.columns());
        assertEquals("mic one.mrc", loop.value(0, 1));
        assertEquals("11000", loop.value(1, 2));
        // a quote only ends a value when followed by whitespace
        assertEquals("it''s.mrc", loop.value(2, 1));
        assertEquals(11, loop.line(0));
        assertEquals(14, loop.line(2));
    }

    @Test
    void keyValueAfterLoopEndsTheLoop() {
        StarFile star = StarFile.parse("s.star", "data_x\nloop_\n_a\n_b\n1 2\n3 4\n_c 5\n");
        StarBlock b = star.block("x").orElseThrow();
        assertEquals(2, b.loop().orElseThrow().size());
        assertEquals("5", b.pairs().get("c"));
    }

    @Test
    void bareDataBlockHasEmptyName() {
        StarFile star = StarFile.parse("s.star", "data_\nloop_\n_rlnImageName\n1@x.mrcs\n");
        assertEquals("", star.blocks().get(0).name());
    }

    @Test
    void rowWithWrongValueCountNamesFileAndLine() {
        var e = assertThrows(InputException.class,
                () -> StarFile.parse("bad.star", "data_p\nloop_\n_a #1\n_b #2\n1 2\n3\n"));
        assertTrue(e.getMessage().contains("bad.star"), e.getMessage());
        assertTrue(e.getMessage().contains("line 6"), e.getMessage());
        assertTrue(e.getMessage().contains("row 2"), e.getMessage());
    }

    @Test
    void unterminatedQuoteNamesLine() {
        var e = assertThrows(InputException.class,
                () -> StarFile.parse("bad.star", "data_p\nloop_\n_a #1\n'open\n"));
        assertTrue(e.getMessage().contains("bad.star, line 4"), e.getMessage());
    }

    @Test
    void textOutsideAnyTableIsAnError() {
        var e = assertThrows(InputException.class, () -> StarFile.parse("bad.star", "data_p\nhello world\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        var e2 = assertThrows(InputException.class, () -> StarFile.parse("bad.star", "loop_\n_a\n"));
        assertTrue(e2.getMessage().contains("line 1"), e2.getMessage());
    }

    @Test
    void fileWithoutBlocksIsNotStar() {
        var e = assertThrows(InputException.class, () -> StarFile.parse("empty.star", "# nothing\n\n"));
        assertTrue(e.getMessage().contains("empty.star"), e.getMessage());
    }

    @Test
    void duplicatedColumnNamesTheColumnAndTheFile() {
        var e = assertThrows(InputException.class, () -> StarFile.parse("dup.star",
                "data_particles\nloop_\n_rlnImageName #1\n_rlnDefocusU #2\n_rlnDefocusU #3\n1@a.mrcs 10000 12000\n"));
        assertEquals("line 5, column _rlnDefocusU", e.where());
        assertTrue(e.getMessage().startsWith("dup.star, line 5, column _rlnDefocusU: column _rlnDefocusU appears twice in the "
                + "loop_ of data_particles (as column #2 and #3)"), e.getMessage());
    }

    @Test
    void duplicatedKeyIsAnError() {
        var e = assertThrows(InputException.class, () -> StarFile.parse("dupkey.star",
                "data_general\n_rlnImageSize 64\n_rlnImageSize 128\n"));
        assertTrue(e.getMessage().startsWith("dupkey.star, line 3, key _rlnImageSize: key _rlnImageSize is given twice"),
                e.getMessage());
    }

    @Test
    void aByteOrderMarkIsStripped() {
        StarFile star = StarFile.parse("bom.star", "\uFEFFdata_particles\nloop_\n_rlnDefocusU #1\n10000\n");
        assertEquals("particles", star.blocks().get(0).name());
        assertEquals(1, star.block("particles").orElseThrow().loop().orElseThrow().size());
    }

    @Test
    void invisibleCharactersInMessagesAreShownAsCodePoints() {
        var e = assertThrows(InputException.class, () -> StarFile.parse("zw.star", "data_p\n\u200Bhello\n"));
        assertTrue(e.getMessage().contains("'<U+200B>hello'"), e.getMessage());
        e = assertThrows(InputException.class, () -> StarFile.parse("bom2.star", "data_p\n\uFEFFloop_\n"));
        assertTrue(e.getMessage().contains("<U+FEFF>loop_"), e.getMessage());
    }

    @Test
    void namedPipeAndDeviceAreRefusedInsteadOfReadForever(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path fifo = dir.resolve("particles.star");
        StructureBadInputTest.assumeFifo(fifo);
        var e = assertThrows(InputException.class, () -> StarFile.read(fifo));
        assertEquals(fifo + ": not a regular file (a named pipe (FIFO)); give the file itself", e.getMessage());
        java.nio.file.Path zero = java.nio.file.Path.of("/dev/zero");
        if (java.nio.file.Files.exists(zero)) {
            e = assertThrows(InputException.class, () -> StarFile.read(zero));
            assertTrue(e.getMessage().contains("not a regular file (a character device)"), e.getMessage());
        }
        e = assertThrows(InputException.class, () -> StarFile.read(dir.resolve("absent.star")));
        assertTrue(e.getMessage().endsWith("absent.star: file not found"), e.getMessage());
    }
}
