package dev.cryosphere.core.format;

import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicModelTest {
    private static final String BASE = "cryosphere_base_structure_flex_centered.pdb";

    @Test
    void referenceBaseStructureHasOneSitePerResidueAndDocumentedMeanAmplitude() throws IOException {
        Path file = SharedData.structures(BASE);
        long t0 = System.nanoTime();
        AtomicModel model = AtomicModel.read(file);
        System.out.printf("read %s: %d residues in %.0f ms%n", BASE, model.size(), (System.nanoTime() - t0) / 1e6);

        assertEquals(1006, model.size());
        assertEquals(503, model.residueRange("A", Integer.MIN_VALUE, Integer.MAX_VALUE).length);
        assertEquals(503, model.residueRange("B", Integer.MIN_VALUE, Integer.MAX_VALUE).length);
        assertEquals(0, model.skippedResidues());

        int[] chainA = model.residueRange("A", 1, 503);
        double mean = Arrays.stream(chainA).mapToDouble(i -> model.amplitudes()[i]).average().orElseThrow();
        assertEquals(57.6, mean, 0.1, "cryoSPHERE documents a mean amplitude of 57.6 for this 503-residue chain");

        // First residue, SER A 1, counted by hand from its 13 ATOM lines:
        // N (7) + H, H2, H3, HA, HB2, HB3, HG (7 × 1) + CA, C, CB (3 × 6) + O, OG (2 × 8) = 48 electrons.
        assertEquals("SER", model.residueName(0));
        assertEquals(48.0, model.amplitudes()[0]);
        assertArrayEquals(new double[] {-54.357, -28.945, -21.058}, Arrays.copyOf(model.coordinates(), 3), 1e-9);

        assertMatchesLineScan(file, model);
        assertEquals(2 * 502, model.consecutivePairs().size());
        // The moving region of the reference's MD-dissociation example.
        int[] moving = model.residueRange("A", 321, 503);
        assertEquals(183, moving.length);
        assertEquals(320, moving[0]);
        assertEquals(502, moving[182]);
    }

    @Test
    void phytochromeKeepsSelenomethioninesAndDropsWatersAndBiliverdin() throws IOException {
        Path file = SharedData.structures("1ztu.pdb");
        AtomicModel model = AtomicModel.read(file);

        long caLines = Files.readAllLines(file).stream()
                .filter(l -> l.startsWith("ATOM  ") || l.startsWith("HETATM"))
                .filter(l -> l.substring(12, 16).equals(" CA ") && (l.charAt(16) == ' ' || l.charAt(16) == 'A'))
                .filter(l -> !l.substring(17, 20).equals("HOH") && !l.substring(17, 20).equals("BLA"))
                .count();
        assertEquals(313, caLines);
        assertEquals(caLines, model.size());
        long mse = java.util.stream.IntStream.range(0, model.size()).filter(i -> model.residueName(i).equals("MSE")).count();
        assertEquals(5, mse, "the five selenomethionine HETATM residues of the chain are kept");
        for (int i = 0; i < model.size(); i++) assertEquals("A", model.chain(i));

        assertMatchesLineScan(file, model);
        // Numbering jumps 106 -> 109 and 130 -> 137: two breaks in 313 residues.
        assertEquals(313 - 1 - 2, model.consecutivePairs().size());
        for (int[] pair : model.consecutivePairs()) {
            assertEquals(pair[0] + 1, pair[1]);
            assertEquals(model.residueNumber(pair[0]) + 1, model.residueNumber(pair[1]));
        }
    }

    @Test
    void pdbAndMmcifOfTheSameEntryGiveTheSameResidues() throws IOException {
        AtomicModel pdb = AtomicModel.read(SharedData.structures("1igy.pdb"));
        AtomicModel cif = AtomicModel.read(SharedData.structures("1igy.cif"));
        assertEquals(1294, pdb.size());
        assertSameResidues(pdb, cif, 1e-9);
        assertArrayEquals(pdb.amplitudes(), cif.amplitudes());
        assertMatchesLineScan(SharedData.structures("1igy.pdb"), pdb);
        assertEquals(List.of("A", "B", "C", "D"), chainsInOrder(pdb));
        // Kabat numbering: 82, 82A, 82B, 82C, 83 is one unbroken run.
        int i82a = indexOf(pdb, "B", 82, 'A');
        assertTrue(pdb.consecutivePairs().stream().anyMatch(p -> p[0] == i82a - 1 && p[1] == i82a));
    }

    @Test
    void otherMmcifEntriesRead() {
        AtomicModel lysozyme = AtomicModel.read(SharedData.structures("1aki.cif"));
        assertEquals(129, lysozyme.size());
        assertEquals(List.of("A"), chainsInOrder(lysozyme));

        // Ls-AChBP decamer: 2023 polymer residues; alternate conformations must not duplicate sites.
        AtomicModel achbp = AtomicModel.read(SharedData.structures("3wip.cif"));
        assertEquals(2023, achbp.size());
        assertEquals(List.of("A", "B", "C", "D", "E", "F", "G", "H", "I", "J"), chainsInOrder(achbp));
        for (int i = 0; i < achbp.size(); i++) assertEquals("CA", achbp.siteAtom(i));
    }

    @Test
    void gzippedFilesReadLikePlainOnes(@TempDir Path dir) throws IOException {
        Path plain = SharedData.structures("1aki.cif");
        Path gz = dir.resolve("1aki.cif.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(plain, out);
        }
        assertSameResidues(AtomicModel.read(plain), AtomicModel.read(gz), 0);
    }

    @Test
    void nucleotidesSitAtC1PrimeAndResiduesWithoutSiteAtomAreCounted(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("mixed.pdb");
        Files.writeString(file, String.join("\n",
                atom(1, "N", "ALA", "A", 1, 0, 0, 0, "N"), atom(2, "CA", "ALA", "A", 1, 1, 0, 0, "C"),
                atom(3, "C", "ALA", "A", 1, 2, 0, 0, "C"), atom(4, "O", "ALA", "A", 1, 2, 1, 0, "O"),
                atom(5, "CB", "ALA", "A", 1, 1, -1, 0, "C"),
                atom(6, "N", "GLY", "A", 2, 3, 0, 0, "N"), atom(7, "CA", "GLY", "A", 2, 4, 0, 0, "C"),
                atom(8, "C", "GLY", "A", 2, 5, 0, 0, "C"), atom(9, "O", "GLY", "A", 2, 5, 1, 0, "O"),
                atom(10, "N", "GLY", "A", 4, 9, 0, 0, "N"), atom(11, "CA", "GLY", "A", 4, 10, 0, 0, "C"),
                atom(12, "C", "GLY", "A", 4, 11, 0, 0, "C"), atom(13, "O", "GLY", "A", 4, 11, 1, 0, "O"),
                "TER",
                atom(14, "P", "A", "B", 1, 20, 0, 0, "P"), atom(15, "C4'", "A", "B", 1, 21, 0, 0, "C"),
                atom(16, "C1'", "A", "B", 1, 22, 1.5, -2.25, "C"), atom(17, "N9", "A", "B", 1, 23, 0, 0, "N"),
                atom(18, "P", "U", "B", 2, 26, 0, 0, "P"), atom(19, "C1'", "U", "B", 2, 27, 0, 0, "C"),
                atom(20, "N1", "U", "B", 2, 28, 0, 0, "N"),
                atom(21, "P", "U", "B", 3, 30, 0, 0, "P"), atom(22, "OP1", "U", "B", 3, 31, 0, 0, "O"),
                "TER",
                hetatm(23, "O", "HOH", "C", 101, 40, 0, 0, "O"),
                hetatm(24, "CA", "CA", "C", 102, 41, 0, 0, "CA"),
                "END", ""));
        AtomicModel model = AtomicModel.read(file);

        assertEquals(5, model.size(), "3 amino acids + 2 nucleotides; U B 3 has no C1', water and Ca2+ dropped");
        assertEquals(1, model.skippedResidues());
        assertEquals("CA", model.siteAtom(0));
        assertEquals("C1'", model.siteAtom(3));
        assertEquals("A", model.residueName(3));
        assertArrayEquals(new double[] {22, 1.5, -2.25}, Arrays.copyOfRange(model.coordinates(), 9, 12), 1e-9);
        // ALA: N 7 + CA, C, CB 3 × 6 + O 8 = 33; GLY: 7 + 12 + 8 = 27; A (P, C4', C1', N9): 15 + 12 + 7 = 34.
        assertArrayEquals(new double[] {33, 27, 27, 34, 28}, model.amplitudes());
        List<int[]> pairs = model.consecutivePairs();
        assertEquals(2, pairs.size(), "A1-A2 and B1-B2; A2-A4 is a gap");
        assertArrayEquals(new int[] {0, 1}, pairs.get(0));
        assertArrayEquals(new int[] {3, 4}, pairs.get(1));
        assertArrayEquals(new int[] {1, 2}, model.residueRange("A", 2, 4));
        assertArrayEquals(new int[] {}, model.residueRange("C", 0, 1000));

        Path written = dir.resolve("mixed_sites.pdb");
        model.writePdb(written);
        AtomicModel back = AtomicModel.read(written);
        assertSameResidues(model, back, 1e-3);
        assertEquals("C1'", back.siteAtom(3));
    }

    @Test
    void atomCloudHoldsEveryAtomOfTheKeptResiduesAndTheirElectrons(@TempDir Path dir) {
        for (String name : List.of("1ztu.pdb", "1igy.pdb")) {
            AtomicModel model = AtomicModel.read(SharedData.structures(name));
            AtomCloud atoms = AtomCloud.read(SharedData.structures(name));
            // the residues' electron counts are the sums over their atoms: same molecule, waters and ligands dropped
            assertEquals(Arrays.stream(model.amplitudes()).sum(), Arrays.stream(atoms.electrons()).sum(), 1e-9, name);
            assertTrue(atoms.size() > 5 * model.size(), name + ": " + atoms.size() + " atoms, " + model.size() + " residues");
            // every residue site is one of the atoms
            double[] a = atoms.xyz(), r = model.coordinates();
            int found = 0;
            for (int i = 0; i < model.size(); i++)
                for (int j = 0; j < atoms.size(); j++)
                    if (a[3 * j] == r[3 * i] && a[3 * j + 1] == r[3 * i + 1] && a[3 * j + 2] == r[3 * i + 2]) { found++; break; }
            assertEquals(model.size(), found, name);
        }
        // our one-site-per-residue files give their sites with the residue amplitudes
        AtomicModel model = AtomicModel.read(SharedData.structures("1ztu.pdb"));
        Path ca = dir.resolve("ca.pdb");
        model.writePdb(ca);
        AtomCloud sites = AtomCloud.read(ca);
        assertArrayEquals(model.amplitudes(), sites.electrons(), 1e-9);
        assertArrayEquals(model.coordinates(), sites.xyz(), 1e-3);
    }

    @Test
    void onlyTheFirstModelIsUsed(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("nmr.pdb"), String.join("\n",
                "MODEL        1", atom(1, "CA", "GLY", "A", 1, 1, 2, 3, "C"), atom(2, "CA", "GLY", "A", 2, 4, 5, 6, "C"), "ENDMDL",
                "MODEL        2", atom(1, "CA", "GLY", "A", 1, 7, 8, 9, "C"), atom(2, "CA", "GLY", "A", 2, 9, 9, 9, "C"), "ENDMDL",
                "END", ""));
        AtomicModel model = AtomicModel.read(file);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, model.coordinates(), 1e-9);
    }

    @Test
    void writtenPdbReadsBackWithSameSites(@TempDir Path dir) throws IOException {
        for (String name : List.of("1ztu.pdb", "1igy.pdb")) {
            AtomicModel model = AtomicModel.read(SharedData.structures(name));
            Path out = dir.resolve("ca_" + name);
            model.writePdb(out);
            AtomicModel back = AtomicModel.read(out);
            assertSameResidues(model, back, 1e-3 / 2 + 1e-9);
            // The amplitude travels in the B-factor column.
            String first = Files.readAllLines(out).stream().filter(l -> l.startsWith("ATOM")).findFirst().orElseThrow();
            assertEquals(model.amplitudes()[0], Double.parseDouble(first.substring(60, 66)), 1e-9);
            // ... and is read back from there, since the other atoms of the residue are gone
            assertArrayEquals(model.amplitudes(), back.amplitudes(), 1e-9);
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "temporary file left behind");
            }
        }
    }

    @Test
    void movedCoordinatesAreWrittenAndReadBack(@TempDir Path dir) {
        AtomicModel model = AtomicModel.read(SharedData.structures(BASE));
        double[] moved = model.coordinates();
        Random random = new Random(7);
        for (int i = 0; i < moved.length; i++) moved[i] += random.nextGaussian() * 3;
        AtomicModel shifted = model.withCoordinates(moved);
        assertArrayEquals(moved, shifted.coordinates());
        assertArrayEquals(model.amplitudes(), shifted.amplitudes());
        assertTrue(model.coordinates()[0] != moved[0], "the original is untouched");

        Path pdb = dir.resolve("moved.pdb");
        shifted.writePdb(pdb);
        assertSameResidues(shifted, AtomicModel.read(pdb), 1e-3 / 2 + 1e-9);
        shifted.writePdb(pdb);   // overwriting an existing file works
        Path cif = dir.resolve("moved.cif");
        shifted.writeCif(cif);
        assertTrue(readText(cif).startsWith("data_cryosphere_sites"), "named CIF data block");
        assertSameResidues(shifted, AtomicModel.read(cif), 1e-3 / 2 + 1e-9);
        assertArrayEquals(shifted.amplitudes(), AtomicModel.read(cif).amplitudes(), 1e-3);

        assertThrows(IllegalArgumentException.class, () -> model.withCoordinates(new double[3]));
    }

    @Test
    void writtenMmcifKeepsInsertionCodesAndChains(@TempDir Path dir) {
        AtomicModel model = AtomicModel.read(SharedData.structures("1igy.cif"));
        Path out = dir.resolve("ca_1igy.cif");
        model.writeCif(out);
        assertSameResidues(model, AtomicModel.read(out), 1e-3 / 2 + 1e-9);
    }

    @Test
    void readsNeverTouchTheNetwork() {
        // Any java.net URL connection (BioJava's chem-comp download included) asks the default ProxySelector first.
        ProxySelector original = ProxySelector.getDefault();
        List<URI> requested = new ArrayList<>();
        ProxySelector.setDefault(new ProxySelector() {
            @Override public List<Proxy> select(URI uri) {
                requested.add(uri);
                throw new IllegalStateException("network access attempted: " + uri);
            }
            @Override public void connectFailed(URI uri, SocketAddress sa, IOException e) {}
        });
        try {
            for (String name : List.of("1ztu.pdb", "1igy.pdb", "1igy.cif", "3wip.cif", "1aki.cif", "1ake.pdb")) {
                assertTrue(AtomicModel.read(SharedData.structures(name)).size() > 0, name);
            }
        } finally {
            ProxySelector.setDefault(original);
        }
        assertEquals(List.of(), requested);
    }

    @Test
    void badInputsNameTheFileAndTheProblem(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.pdb"), "");
        assertInputError(empty, "no atom records");

        Path waters = Files.writeString(dir.resolve("waters.pdb"), String.join("\n",
                hetatm(1, "O", "HOH", "A", 1, 0, 0, 0, "O"), hetatm(2, "O", "HOH", "A", 2, 3, 0, 0, "O"),
                hetatm(3, "O", "HOH", "A", 3, 6, 0, 0, "O"), "END", ""));
        assertInputError(waters, "no protein or nucleic-acid residues (3 waters/ligands dropped)");

        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        assertInputError(Files.write(dir.resolve("garbage.pdb"), noise), "no atom records");
        InputException cif = assertInputError(Files.write(dir.resolve("garbage.cif"), noise), "");
        assertNotNull(cif.getMessage());

        assertInputError(dir.resolve("missing.pdb"), "file not found");
        // CHARMM-style file without element column: elements would be guessed from names (CA = calcium).
        InputException charmm = assertInputError(SharedData.structures("adk_closed.pdb"), "without element symbol");
        assertTrue(charmm.where().startsWith("line "), charmm.where());
        assertInputError(Files.writeString(dir.resolve("model.xyz"), "1\n"), "unknown structure file extension");
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static InputException assertInputError(Path file, String problem) {
        InputException e = assertThrows(InputException.class, () -> AtomicModel.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals(file.toString(), e.file());
        return e;
    }

    /** Every residue the line scan sees with a site atom (and not a water) is in the model, with the same electrons. */
    private static void assertMatchesLineScan(Path pdb, AtomicModel model) throws IOException {
        List<PdbLineScan.Residue> expected = new ArrayList<>();
        for (PdbLineScan.Residue r : PdbLineScan.scan(pdb).values()) {
            boolean ligand = r.name.equals("HOH") || (r.hetatm && !r.name.equals("MSE"));
            if (!ligand && r.site != null) expected.add(r);
        }
        assertEquals(expected.size(), model.size());
        double[] xyz = model.coordinates();
        for (int i = 0; i < model.size(); i++) {
            PdbLineScan.Residue r = expected.get(i);
            String at = r.chain + ":" + r.name + r.number + r.insertion;
            assertEquals(r.chain, model.chain(i), at);
            assertEquals(r.number, model.residueNumber(i), at);
            assertEquals(r.insertion, model.insertionCode(i), at);
            assertEquals(r.name, model.residueName(i), at);
            assertEquals(r.electrons, model.amplitudes()[i], at);
            assertArrayEquals(r.site, Arrays.copyOfRange(xyz, 3 * i, 3 * i + 3), 1e-9, at);
        }
    }

    private static void assertSameResidues(AtomicModel expected, AtomicModel actual, double tolerance) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.chain(i), actual.chain(i), "chain of residue " + i);
            assertEquals(expected.residueNumber(i), actual.residueNumber(i), "number of residue " + i);
            assertEquals(expected.insertionCode(i), actual.insertionCode(i), "insertion code of residue " + i);
            assertEquals(expected.residueName(i), actual.residueName(i), "name of residue " + i);
            assertEquals(expected.siteAtom(i), actual.siteAtom(i), "site of residue " + i);
        }
        assertArrayEquals(expected.coordinates(), actual.coordinates(), tolerance);
    }

    private static List<String> chainsInOrder(AtomicModel model) {
        List<String> chains = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            if (chains.isEmpty() || !chains.get(chains.size() - 1).equals(model.chain(i))) chains.add(model.chain(i));
        }
        return chains;
    }

    private static int indexOf(AtomicModel model, String chain, int number, char insertion) {
        for (int i = 0; i < model.size(); i++) {
            if (model.chain(i).equals(chain) && model.residueNumber(i) == number && model.insertionCode(i) == insertion) return i;
        }
        throw new AssertionError("no residue " + chain + ":" + number + insertion);
    }

    private static String atom(int serial, String name, String resName, String chain, int number,
                               double x, double y, double z, String element) {
        return record("ATOM  ", serial, name, resName, chain, number, x, y, z, element);
    }

    private static String hetatm(int serial, String name, String resName, String chain, int number,
                                 double x, double y, double z, String element) {
        return record("HETATM", serial, name, resName, chain, number, x, y, z, element);
    }

    /** A fixed-column PDB atom record (atom names of one-letter elements start in column 14). */
    private static String record(String type, int serial, String name, String resName, String chain, int number,
                                 double x, double y, double z, String element) {
        String paddedName = element.length() == 1 && name.length() < 4 ? " " + name : name;
        return String.format(java.util.Locale.ROOT, "%s%5d %-4s %3s %1s%4d    %8.3f%8.3f%8.3f%6.2f%6.2f          %2s",
                type, serial, paddedName, resName, chain, number, x, y, z, 1.0, 0.0, element);
    }

}
