package dev.cryosphere.core.format;

import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 15, structures: a residue given twice is an error naming chain, residue and line (it would be counted twice);
 * alternate locations are one residue, read at the first altloc; a byte-order mark is no part of the text; a named
 * pipe is refused instead of read forever.
 */
class StructureBadInputTest {
    @TempDir
    Path dir;

    private static String atom(int serial, String name, char altloc, String residue, String chain, int number, char icode,
                               double x, String element) {
        String padded = element.length() == 1 && name.length() < 4 ? " " + name : name;
        return String.format(Locale.ROOT, "ATOM  %5d %-4s%c%3s %1s%4d%c   %8.3f%8.3f%8.3f%6.2f%6.2f          %2s",
                serial, padded, altloc, residue, chain, number, icode, x, 0.0, 0.0, 1.0, 0.0, element);
    }

    /** The four backbone atoms of one residue (27 electrons), its CA at x + 1. */
    private static List<String> residue(int[] serial, char altloc, String name, int number, char icode, double x) {
        List<String> l = new ArrayList<>();
        l.add(atom(serial[0]++, "N", altloc, name, "A", number, icode, x, "N"));
        l.add(atom(serial[0]++, "CA", altloc, name, "A", number, icode, x + 1, "C"));
        l.add(atom(serial[0]++, "C", altloc, name, "A", number, icode, x + 2, "C"));
        l.add(atom(serial[0]++, "O", altloc, name, "A", number, icode, x + 3, "O"));
        return l;
    }

    private Path pdb(String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name), lines);
    }

    private static InputException fails(Path file, String... mentions) {
        InputException e = assertThrows(InputException.class, () -> AtomicModel.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String m : mentions) assertTrue(e.getMessage().contains(m), "'" + m + "' not in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
        return e;
    }

    @Test
    void aResidueGivenAgainLaterIsAnErrorWithBothLines() throws IOException {
        int[] s = {1};
        List<String> l = new ArrayList<>(residue(s, ' ', "ALA", 1, ' ', 0));
        l.addAll(residue(s, ' ', "GLY", 2, ' ', 10));
        l.addAll(residue(s, ' ', "ALA", 1, ' ', 20));   // lines 9-12
        InputException e = fails(pdb("again.pdb", l), "residue A:1 (ALA) appears twice", "first at line 1, again at line 9",
                "counted twice");
        assertEquals("line 9", e.where());
    }

    @Test
    void aResidueRepeatedRightAwayIsAnError() throws IOException {
        // BioJava merges adjacent copies into one group: without the check the residue would get 54 electrons
        int[] s = {1};
        List<String> l = new ArrayList<>(residue(s, ' ', "ALA", 1, ' ', 0));
        l.addAll(residue(s, ' ', "ALA", 1, ' ', 20));   // lines 5-8
        l.addAll(residue(s, ' ', "GLY", 2, ' ', 10));
        fails(pdb("twice.pdb", l), "A:1 (ALA) appears twice", "again at line 5");

        s[0] = 1;
        l = new ArrayList<>(residue(s, ' ', "ALA", 1, ' ', 0));
        l.addAll(residue(s, ' ', "SER", 1, ' ', 20));   // another residue under the same number, no altloc
        l.addAll(residue(s, ' ', "GLY", 2, ' ', 10));
        fails(pdb("renamed.pdb", l), "A:1 (ALA) appears twice", "again at line 5");
    }

    @Test
    void aResidueAfterTerIsAnError() throws IOException {
        int[] s = {1};
        List<String> l = new ArrayList<>(residue(s, ' ', "ALA", 1, ' ', 0));
        l.addAll(residue(s, ' ', "GLY", 2, ' ', 10));
        l.add("TER");
        l.addAll(residue(s, ' ', "ALA", 1, ' ', 20));   // lines 10-13
        fails(pdb("ter.pdb", l), "A:1 (ALA)", "again at line 10");
    }

    @Test
    void alternateLocationsAreOneResidueAtTheFirstAltloc() throws IOException {
        int[] s = {1};
        List<String> l = new ArrayList<>(residue(s, 'A', "ALA", 1, ' ', 0));
        l.addAll(residue(s, 'B', "ALA", 1, ' ', 20));
        l.addAll(residue(s, ' ', "GLY", 2, ' ', 10));
        AtomicModel m = AtomicModel.read(pdb("altloc.pdb", l));
        assertEquals(2, m.size());
        assertEquals(27, m.amplitudes()[0], 1e-9, "electrons of the first altloc only");
        assertEquals(1.0, m.coordinates()[0], 1e-9, "site at the first altloc's CA");

        // microheterogeneity: two residue types under altlocs A and B; the first is used
        s[0] = 1;
        l = new ArrayList<>(residue(s, 'A', "ALA", 1, ' ', 0));
        l.addAll(residue(s, 'B', "SER", 1, ' ', 20));
        l.addAll(residue(s, ' ', "GLY", 2, ' ', 10));
        m = AtomicModel.read(pdb("microhet.pdb", l));
        assertEquals(2, m.size());
        assertEquals("ALA", m.residueName(0));
        assertEquals(27, m.amplitudes()[0], 1e-9);
    }

    @Test
    void insertionCodesAreDistinctResidues() throws IOException {
        int[] s = {1};
        List<String> l = new ArrayList<>(residue(s, ' ', "ALA", 1, ' ', 0));
        l.addAll(residue(s, ' ', "ALA", 1, 'A', 20));
        l.addAll(residue(s, ' ', "GLY", 2, ' ', 10));
        AtomicModel m = AtomicModel.read(pdb("icode.pdb", l));
        assertEquals(3, m.size());
        assertEquals('A', m.insertionCode(1));
    }

    @Test
    void mmcifResidueGivenTwiceIsAnErrorWithItsLine() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.structures("1aki.cif"));
        int lys1 = lines.indexOf(lines.stream().filter(x -> x.startsWith("ATOM   1 ")).findFirst().orElseThrow());
        List<String> copy = new ArrayList<>();
        for (int i = lys1; i < lys1 + 9; i++) copy.add(lines.get(i).replaceFirst("^ATOM   \\d+", "ATOM   " + (5000 + i)));
        int lastAtom = 0;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("ATOM ")) lastAtom = i;
        List<String> edited = new ArrayList<>(lines);
        edited.addAll(lastAtom + 1, copy);
        Path cif = Files.write(dir.resolve("1aki_dup.cif"), edited);
        fails(cif, "residue A:1 (LYS) appears twice", "first at line " + (lys1 + 1) + ", again at line " + (lastAtom + 2));

        edited = new ArrayList<>(lines);
        edited.addAll(lys1 + 9, copy);   // right after the original
        cif = Files.write(dir.resolve("1aki_adjacent.cif"), edited);
        fails(cif, "residue A:1 (LYS) appears twice", "again at line " + (lys1 + 10));
    }

    @Test
    void mmcifAtomRowDamageIsNamedByLine() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.structures("1aki.cif"));
        int row = 0;   // the 101st atom row (0-based line index)
        for (int i = 0, atoms = 0; i < lines.size(); i++) if (lines.get(i).startsWith("ATOM ") && ++atoms == 101) row = i;
        String good = lines.get(row);
        String[] f = good.trim().split("\\s+");
        assertEquals(21, f.length, good);

        List<String> edited = new ArrayList<>(lines);
        edited.set(row, String.join(" ", java.util.Arrays.copyOf(f, 20)));   // the model number cut off
        fails(Files.write(dir.resolve("short.cif"), edited), "short.cif, line " + (row + 1) + ": an _atom_site row has 20 "
                + "values, the loop declares 21 columns");

        String[] g = f.clone();
        g[11] = g[11].substring(0, 1) + "x" + g[11].substring(2);   // Cartn_y, as a typo would leave it
        edited.set(row, String.join(" ", g));
        fails(Files.write(dir.resolve("letter.cif"), edited), "letter.cif, line " + (row + 1) + ": _atom_site.Cartn_y is not "
                + "a number: '" + g[11] + "'");

        g = f.clone();
        g[2] = "?";
        edited.set(row, String.join(" ", g));
        fails(Files.write(dir.resolve("noelement.cif"), edited), "noelement.cif, line " + (row + 1) + ": atom without "
                + "element symbol (_atom_site.type_symbol is '?')");

        // unknown occupancy and B-factor, and a number with its uncertainty, are valid CIF: they read
        g = f.clone();
        g[13] = "?";
        g[14] = ".";
        g[10] = g[10] + "(3)";
        edited.set(row, String.join(" ", g));
        assertEquals(AtomicModel.read(SharedData.structures("1aki.cif")).size(),
                AtomicModel.read(Files.write(dir.resolve("unknowns.cif"), edited)).size());
    }

    @Test
    void aByteOrderMarkIsNoPartOfTheText() throws IOException {
        int[] s = {1};
        List<String> l = new ArrayList<>(residue(s, ' ', "ALA", 1, ' ', 0));
        l.addAll(residue(s, ' ', "GLY", 2, ' ', 10));
        Path plain = pdb("plain.pdb", l);
        Path bom = dir.resolve("bom.pdb");
        byte[] text = Files.readAllBytes(plain);
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withBom, 3, text.length);
        Files.write(bom, withBom);
        AtomicModel a = AtomicModel.read(plain), b = AtomicModel.read(bom);
        assertEquals(2, b.size(), "the first ATOM line is kept");
        assertArrayEquals(a.amplitudes(), b.amplitudes(), 1e-12);
        assertArrayEquals(a.coordinates(), b.coordinates(), 1e-12);

        Path cif = dir.resolve("bom.cif");
        byte[] ctext = Files.readAllBytes(SharedData.structures("1aki.cif"));
        byte[] cbom = new byte[ctext.length + 3];
        System.arraycopy(withBom, 0, cbom, 0, 3);
        System.arraycopy(ctext, 0, cbom, 3, ctext.length);
        Files.write(cif, cbom);
        assertEquals(AtomicModel.read(SharedData.structures("1aki.cif")).size(), AtomicModel.read(cif).size());
        assertTrue(new String(cbom, 0, 8, StandardCharsets.UTF_8).startsWith("\uFEFF"));
    }

    @Test
    void aNamedPipeIsRefusedNotReadForever() throws Exception {
        Path fifo = dir.resolve("model.pdb");
        assumeFifo(fifo);
        fails(fifo, "not a regular file", "named pipe");
        fails(dir, "not a regular file", "directory");
    }

    static void assumeFifo(Path fifo) throws Exception {
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0 && Files.exists(fifo), "mkfifo not available");
    }

    @Test
    void everySharedStructureStillReads() {
        for (String f : List.of("1ake.pdb", "1igy.pdb", "1igy.cif", "1ztu.pdb", "3wip.cif", "1aki.cif", "adk_open_std.pdb",
                "adk_closed_std.pdb", "cryosphere_base_structure_flex_centered.pdb"))
            assertTrue(AtomicModel.read(SharedData.structures(f)).size() > 0, f);
    }

    @Test
    void aCoordinateThatIsNotANumberIsNamedByLineAndColumns() throws IOException {
        int[] s = {1};
        List<String> l = new ArrayList<>(residue(s, ' ', "ALA", 1, ' ', 0));
        l.addAll(residue(s, ' ', "GLY", 2, ' ', 10));
        String bad = l.get(5);                                   // the second residue's CA
        l.set(5, bad.substring(0, 38) + "   1.x00" + bad.substring(46));
        fails(pdb("letter.pdb", l), "line 6", "y coordinate (columns 39-46)", "'1.x00'");
        assertEquals(1, AtomicModel.read(pdb("fine.pdb", residue(new int[]{1}, ' ', "ALA", 1, ' ', 0))).size(), "the same record with numbers reads");
    }
}
