package dev.cryosphere.benchmark;

import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.format.MrcWriter;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A dataset entry ({@code particles:} + {@code truth:}) made from the cached external set
 * (benchmarks/external/cache/hinge-ci, made by make_sets.py with gemmi and RELION): its particles.star as the user's
 * particles, its ground_truth.csv's conformation column as labels and hinge angle as the coordinate, its conformations/
 * as the true structures. The truth it assembles must be the one the same set gives as an {@code external:} entry,
 * read from the set's own files by the external code path; bad inputs stop with one line naming the file and the
 * row, column or key.
 */
class DatasetEntryTest {
    static final Path SET = Paths.get("..").toAbsolutePath().normalize().resolve("benchmarks/external/cache/hinge-ci");

    @TempDir
    Path dir;

    /** The set's truth as a user would write it: rows shuffled (matched by particle_index), own column names. */
    private Path truthCsv(long seed) throws Exception {
        CsvTable g = CsvTable.read(SET.resolve("ground_truth.csv"));
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < g.size(); r++)
            rows.add(g.text(r, "particle_index") + "," + g.text(r, "conformation") + "," + g.text(r, "hinge_angle_deg"));
        Collections.shuffle(rows, new Random(seed));
        Path f = dir.resolve("truth.csv");
        Files.writeString(f, "particle_index,state,angle\n" + String.join("\n", rows) + "\n");
        return f;
    }

    private Path spec(String entry) throws Exception {
        Path f = dir.resolve("spec.yaml");
        Files.writeString(f, "entries:\n" + entry.replace("SET", SET.toString()));
        return f;
    }

    private static final String DATASET = """
              - name: mine
                particles: SET/particles.star
                structure: SET/base.pdb
                truth: truth.csv
                truth_label: state
                truth_coordinate: angle
                truth_structures: SET/conformations/conformation_%03d.pdb
            """;

    private static final String EXTERNAL = """
              - name: ext
                external: SET
            """;

    @Test
    void datasetEntryAssemblesTheTruthOfTheSameSetAsAnExternalEntry() throws Exception {
        truthCsv(1);
        BenchmarkSpec spec = BenchmarkSpec.read(spec(DATASET + EXTERNAL));
        BenchmarkSpec.Entry mine = spec.entries.get(0), ext = spec.entries.get(1);
        assertTrue(mine.isDataset());
        assertEquals(768, mine.nParticles());
        assertEquals(32, mine.box());
        assertEquals(4.6, mine.apix(), 1e-9);
        assertEquals(20, mine.clusters());               // one k-means cluster per label
        assertEquals(768, mine.truthParticles());
        assertFalse(mine.scoredByLabels());
        assertEquals("dataset labels(20) coordinate angle", mine.motionLabel());

        BenchmarkTruth a = BenchmarkTruth.read(mine, null), b = BenchmarkTruth.read(ext, SET);
        assertNull(a.fullAtom, "a coarse-grained base structure: Gaussian maps");
        assertNotNull(b.fullAtom);
        assertEquals(b.count(), a.count());
        assertArrayEquals(b.conformation, a.conformation);
        assertArrayEquals(b.angle, a.coordinate(), 0);
        assertArrayEquals(b.coordinate(), a.coordinate(), 0);
        assertArrayEquals(b.particles(), a.particles());
        assertTrue(a.hasLabels() && a.hasStructures());
        assertArrayEquals(b.base.coordinates(), a.base.coordinates(), 0);
        for (int i = 0; i < a.count(); i++) {
            assertArrayEquals(b.structure(i), a.structure(i), 0, "particle " + i);
            assertEquals(b.mapBin(i), a.mapBin(i));
        }
    }

    @Test
    void rowsMatchedByImageNameOrInOrderGiveTheSameTruth() throws Exception {
        List<Particle> ps = ParticleSet.read(SET.resolve("particles.star")).particles();
        CsvTable g = CsvTable.read(SET.resolve("ground_truth.csv"));
        StringBuilder byImage = new StringBuilder("image_name,label,coordinate\n"), inOrder = new StringBuilder("label\n");
        for (int r = g.size() - 1; r >= 0; r--)
            byImage.append(ps.get(r).imageName()).append(',').append(g.text(r, "conformation")).append(',')
                    .append(g.text(r, "hinge_angle_deg")).append('\n');
        for (int r = 0; r < g.size(); r++) inOrder.append(g.text(r, "conformation")).append('\n');
        Files.writeString(dir.resolve("by-image.csv"), byImage);
        Files.writeString(dir.resolve("in-order.csv"), inOrder);
        BenchmarkSpec spec = BenchmarkSpec.read(spec("""
                  - name: by-image
                    particles: SET/particles.star
                    structure: SET/base.pdb
                    truth: by-image.csv
                  - name: in-order
                    particles: SET/particles.star
                    structure: SET/base.pdb
                    truth: in-order.csv
                """));
        BenchmarkTruth img = BenchmarkTruth.read(spec.entries.get(0), null), ord = BenchmarkTruth.read(spec.entries.get(1), null);
        for (int i = 0; i < g.size(); i++) {
            assertEquals(g.integer(i, "conformation"), img.conformation[i]);
            assertEquals(g.number(i, "hinge_angle_deg"), img.coordinate()[i], 0);
            assertEquals(g.integer(i, "conformation"), ord.conformation[i]);
        }
        // default columns 'label' and 'coordinate'; no true structures or maps: nothing to compare particles with
        assertEquals("coordinate", spec.entries.get(0).dataset().coordinateColumn());
        assertEquals(0, spec.entries.get(0).truthParticles());
        assertFalse(img.hasStructures());
        assertNull(ord.coordinate());
        assertTrue(spec.entries.get(1).scoredByLabels());
        assertEquals(20, spec.entries.get(1).clusters());
    }

    /**
     * True maps given as MRC files (here the external entry's own full-atom true maps, written as a user would have
     * them) with a full-atom base structure: the dataset's true maps are those files, byte for byte, and its predicted
     * maps are full-atom, as the external entry's.
     */
    @Test
    void givenTrueMapsAreUsedAsTheyAreAndAFullAtomBaseGivesFullAtomPredictions() throws Exception {
        truthCsv(2);
        BenchmarkSpec.Entry ext = BenchmarkSpec.read(spec(EXTERNAL + "    truth_particles: 6\n")).entries.get(0);
        BenchmarkTruth b = BenchmarkTruth.read(ext, SET);
        Path maps = Files.createDirectories(dir.resolve("maps"));
        for (int k = 0; k < 20; k++)
            MrcWriter.writeVolume(maps.resolve(String.format(Locale.ROOT, "state_%02d.mrc", k)), b.fullAtom.binMap(k));
        BenchmarkSpec.Entry mine = BenchmarkSpec.read(spec(DATASET.replace("base.pdb", "base_atoms.pdb")
                + "    truth_maps: maps/state_%02d.mrc\n    truth_particles: 6\n")).entries.get(0);
        BenchmarkTruth a = BenchmarkTruth.read(mine, null);
        assertNotNull(a.fullAtom, "full-atom base structure: full-atom predicted maps");
        b.writeMaps(dir.resolve("ext-truth"));
        a.writeMaps(dir.resolve("mine-truth"));
        CsvTable la = CsvTable.read(dir.resolve("mine-truth/labels.csv")), lb = CsvTable.read(dir.resolve("ext-truth/labels.csv"));
        assertEquals(6, la.size());
        for (int r = 0; r < la.size(); r++) {
            assertEquals(lb.integer(r, "particle_index"), la.integer(r, "particle_index"));
            assertArrayEquals(Volume.read(dir.resolve("ext-truth/maps").resolve(lb.text(r, "map"))).data(),
                    Volume.read(dir.resolve("mine-truth/maps").resolve(la.text(r, "map"))).data(), 1e-6f, la.text(r, "map"));
        }
    }

    /**
     * Full-atom true structures (here each conformation's atoms as the external code path builds them, written into
     * base_atoms.pdb's lines) with a full-atom base structure: the dataset's true maps are the external entry's
     * full-atom maps. CA-only true structures with the same full-atom base: Gaussian maps, for truth and prediction.
     */
    @Test
    void fullAtomTrueStructuresGiveTheExternalSetsFullAtomMaps() throws Exception {
        truthCsv(4);
        BenchmarkTruth b = BenchmarkTruth.read(BenchmarkSpec.read(spec(EXTERNAL + "    truth_particles: 6\n")).entries.get(0), SET);
        List<String> lines = Files.readAllLines(SET.resolve("base_atoms.pdb"));
        Path atoms = Files.createDirectories(dir.resolve("atoms"));
        for (int k = 0; k < 20; k++) {
            double[] xyz = b.fullAtom.binAtoms(k);
            List<String> out = new ArrayList<>();
            int n = 0;
            for (String l : lines) {
                if (l.startsWith("ATOM  ") || l.startsWith("HETATM")) {
                    out.add(l.substring(0, 30) + String.format(Locale.ROOT, "%8.3f%8.3f%8.3f", xyz[3 * n], xyz[3 * n + 1],
                            xyz[3 * n + 2]) + l.substring(54));
                    n++;
                } else {
                    out.add(l);
                }
            }
            assertEquals(xyz.length / 3, n, "every atom of base_atoms.pdb is one of the model's");
            Files.write(atoms.resolve(String.format(Locale.ROOT, "atoms_%03d.pdb", k)), out);
        }
        String fullAtomBase = DATASET.replace("base.pdb", "base_atoms.pdb") + "    truth_particles: 6\n";
        BenchmarkTruth a = BenchmarkTruth.read(BenchmarkSpec.read(spec(fullAtomBase.replace(
                "SET/conformations/conformation_%03d.pdb", "atoms/atoms_%03d.pdb"))).entries.get(0), null);
        assertNotNull(a.fullAtom);
        b.writeMaps(dir.resolve("ext-truth"));
        a.writeMaps(dir.resolve("mine-truth"));
        CsvTable la = CsvTable.read(dir.resolve("mine-truth/labels.csv")), lb = CsvTable.read(dir.resolve("ext-truth/labels.csv"));
        for (int r = 0; r < la.size(); r++) {
            float[] x = Volume.read(dir.resolve("ext-truth/maps").resolve(lb.text(r, "map"))).data();
            float[] y = Volume.read(dir.resolve("mine-truth/maps").resolve(la.text(r, "map"))).data();
            float max = 0, diff = 0;
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i]));
                diff = Math.max(diff, Math.abs(x[i] - y[i]));
            }
            // the PDB files hold 3 decimals: the maps agree to far better than a percent
            assertTrue(diff < 1e-3 * max, "map of " + la.text(r, "map") + " differs by " + diff + " of " + max);
        }
        for (int i = 0; i < a.count(); i++) assertArrayEquals(b.structure(i), a.structure(i), 1e-3, "particle " + i);

        BenchmarkTruth gaussian = BenchmarkTruth.read(BenchmarkSpec.read(spec(fullAtomBase)).entries.get(0), null);
        assertNull(gaussian.fullAtom, "CA-only true structures: Gaussian maps");

        // a full-atom true structure without one of the base's atoms is refused when the spec is read, naming it
        Path five = atoms.resolve("atoms_005.pdb");
        List<String> l5 = new ArrayList<>(Files.readAllLines(five));
        l5.remove(l5.stream().filter(l -> l.startsWith("ATOM  ")).skip(100).findFirst().orElseThrow());
        Files.write(five, l5);
        String m = error(fullAtomBase.replace("SET/conformations/conformation_%03d.pdb", "atoms/atoms_%03d.pdb"));
        assertTrue(m.startsWith(five + ": does not have the atoms of base_atoms.pdb"), m);
    }

    private String error(String entry) throws Exception {
        Path spec = spec(entry);
        InputException e = assertThrows(InputException.class, () -> BenchmarkSpec.read(spec));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void badDatasetsAreRefusedWithOneLineNamingTheFileAndWhere() throws Exception {
        Path truth = truthCsv(3);
        List<String> lines = Files.readAllLines(truth);

        Files.write(truth, lines.subList(0, lines.size() - 1));
        String m = error(DATASET);
        assertTrue(m.startsWith(truth + ": has 767 rows, particles.star has 768 particles"), m);

        List<String> dup = new ArrayList<>(lines);
        dup.set(5, dup.get(4));
        Files.write(truth, dup);
        m = error(DATASET);
        assertTrue(m.startsWith(truth + ", line 6: particle ") && m.contains("has a row already"), m);

        List<String> bad = new ArrayList<>(lines);
        bad.set(10, bad.get(10).split(",")[0] + ",two," + bad.get(10).split(",")[2]);
        Files.write(truth, bad);
        m = error(DATASET);
        assertTrue(m.startsWith(truth + ", line 11, column state: not a whole number: 'two'"), m);

        Files.write(truth, lines);
        m = error(DATASET.replace("truth_label: state", "truth_label: conformation"));
        assertEquals(truth + ", header: no column conformation (key truth_label)", m);

        // label 7 has no structure file
        Path states = Files.createDirectories(dir.resolve("states"));
        for (int k = 0; k < 20; k++)
            if (k != 7) Files.copy(SET.resolve(String.format(Locale.ROOT, "conformations/conformation_%03d.pdb", k)),
                    states.resolve(String.format(Locale.ROOT, "s%d.pdb", k)));
        m = error(DATASET.replace("SET/conformations/conformation_%03d.pdb", "states/s%d.pdb"));
        assertTrue(m.startsWith(dir.resolve("spec.yaml") + ", entries[0] (mine), key 'truth_structures': no file for label 7 (first at line "), m);
        assertTrue(m.contains(states.resolve("s7.pdb").toString()), m);

        m = error(DATASET.replace("SET/conformations/conformation_%03d.pdb", "states/s.pdb"));
        assertTrue(m.contains("key 'truth_structures': 'states/s.pdb'".replace("states/s.pdb", dir.resolve("states/s.pdb").toString())), m);

        // a map on another grid
        Path maps = Files.createDirectories(dir.resolve("maps"));
        for (int k = 0; k < 20; k++)
            MrcWriter.writeVolume(maps.resolve(k + ".mrc"), Volume.centred(new float[k == 4 ? 16 * 16 * 16 : 32 * 32 * 32],
                    k == 4 ? 16 : 32, 4.6));
        m = error(DATASET + "    truth_maps: maps/%d.mrc\n");
        assertTrue(m.startsWith(maps.resolve("4.mrc") + ", header: 16×16×16 voxels at 4.6 Å, the particles of particles.star are 32 px at 4.6 Å/px"), m);

        m = error(DATASET.replace("    structure: SET/base.pdb\n", ""));
        assertEquals(dir.resolve("spec.yaml") + ", entries[0] (mine), key 'structure': required with particles: the base structure training starts from", m);

        m = error(DATASET.replace("    truth_label: state\n", ""));
        assertTrue(m.startsWith(dir.resolve("spec.yaml") + ", entries[0] (mine), key 'truth_structures': one file per label: needs a label column"), m);

        m = error(EXTERNAL + "    truth: truth.csv\n");
        assertTrue(m.endsWith("entries[0] (ext), key 'truth': only for an entry of your own particles (key 'particles')"), m);

        m = error(DATASET + "    motion: {hinge: A:1-10, axis: \"A:1,A:20\"}\n");
        assertTrue(m.contains("key 'motion'"), m);
    }
}
