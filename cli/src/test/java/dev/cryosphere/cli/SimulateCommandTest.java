package dev.cryosphere.cli;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.simulate.DiscreteConformations;
import dev.cryosphere.core.simulate.SimulatedParticle;
import dev.cryosphere.core.simulate.SimulationSpec;
import dev.cryosphere.core.simulate.Simulator;
import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.core.util.ImageStats;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** `cryosphere simulate` output read back by our own readers (issue acceptance 5). */
class SimulateCommandTest {
    @TempDir
    static Path dir;
    static Path sim;

    @BeforeAll
    static void simulate() {
        sim = dir.resolve("sim");
        Cli c = Cli.run("simulate", "--structure", SharedData.structures("1ztu.pdb").toString(), "--center", "-n", "120",
                "--box", "48", "--apix", "2.5", "--snr", "0.1", "--seed", "3", "--write-clean", "--out", sim.toString());
        assertEquals(0, c.exitCode(), c.err());
    }

    @Test
    void starFileGivesExactlyTheSimulatedPosesAndCtfs() throws Exception {
        // The same simulation, run directly: its truth records are the oracle for what the STAR file must hold.
        AtomicModel base = AtomicModel.read(sim.resolve("base.pdb"));
        List<SimulatedParticle> truth = new ArrayList<>();
        new Simulator(new SimulationSpec(120, 48, 2.5, 2.0, 0.1, 2.0, 10000, 25000, 500, 300, 2.7, 0.07, true, 3),
                new DiscreteConformations(List.of(base.coordinates())), base.amplitudes())
                .run((t, c, n) -> truth.add(t), d -> {});
        ParticleSet set = ParticleSet.read(sim.resolve("particles.star"));
        assertEquals(120, set.size());
        for (Particle p : set.particles()) {
            SimulatedParticle t = truth.get(p.row());
            assertEquals(t.rot(), p.rot(), 0);
            assertEquals(t.tilt(), p.tilt(), 0);
            assertEquals(t.psi(), p.psi(), 0);
            assertEquals(t.originX(), p.originXAngst(), 0);
            assertEquals(t.originY(), p.originYAngst(), 0);
            assertEquals(t.ctf(), p.ctf());
            assertEquals(2.5, p.pixelSize(), 0);
            assertEquals(48, p.box());
            assertEquals(p.row(), p.imageIndex());
        }
        List<String> csv = Files.readAllLines(sim.resolve("ground_truth.csv"));
        assertEquals(121, csv.size());
        String[] row7 = csv.get(8).split(",");
        assertEquals(7, Integer.parseInt(row7[0]));
        assertEquals(truth.get(7).rot(), Double.parseDouble(row7[3]), 1e-6);
        assertEquals(truth.get(7).ctf().defocusU(), Double.parseDouble(row7[8]), 1e-3);
    }

    @Test
    void noiseFreeImagesEqualRenderOfTheSameRowsAndSnrIsAsRequested() throws Exception {
        Path rendered = dir.resolve("rendered.mrcs");
        Cli c = Cli.run("render", "--structure", sim.resolve("base.pdb").toString(), "--particles",
                sim.resolve("particles.star").toString(), "--out", rendered.toString());
        assertEquals(0, c.exitCode(), c.err());
        double clean = 0, noise = 0;
        try (MrcReader r = MrcReader.open(rendered); MrcReader cl = MrcReader.open(sim.resolve("particles_clean.mrcs"));
             MrcReader noisy = MrcReader.open(sim.resolve("particles.mrcs"))) {
            assertEquals(120, r.count());
            for (long i = 0; i < r.count(); i++) {
                float[] a = r.readImage(i), b = cl.readImage(i), n = noisy.readImage(i);
                double max = 0, diff = 0;
                for (int k = 0; k < a.length; k++) { max = Math.max(max, Math.abs(b[k])); diff = Math.max(diff, Math.abs(a[k] - b[k])); }
                assertTrue(diff <= 1e-5 * max, "image " + i + ": max difference " + diff + " of " + max);
                float[] d = new float[n.length];
                for (int k = 0; k < n.length; k++) d[k] = n[k] - b[k];
                clean += ImageStats.variance(b);
                noise += ImageStats.variance(d);
            }
        }
        double snr = clean / noise;
        assertEquals(0.1, snr, 0.005, "measured SNR " + snr);
    }

    @Test
    void sameSeedGivesIdenticalFiles() throws Exception {
        Path again = dir.resolve("again");
        Cli c = Cli.run("simulate", "--structure", SharedData.structures("1ztu.pdb").toString(), "--center", "-n", "120",
                "--box", "48", "--apix", "2.5", "--snr", "0.1", "--seed", "3", "--out", again.toString());
        assertEquals(0, c.exitCode(), c.err());
        assertArrayEquals(Files.readAllBytes(sim.resolve("particles.mrcs")), Files.readAllBytes(again.resolve("particles.mrcs")));
        assertEquals(Files.readString(sim.resolve("particles.star")), Files.readString(again.resolve("particles.star")));
    }

    @Test
    void hingeMotionMovesOnlyTheSelectedDomain() throws Exception {
        Path hinge = dir.resolve("hinge");
        Cli c = Cli.run("simulate", "--structure", SharedData.structures("1ztu.pdb").toString(), "--center", "-n", "40",
                "--box", "48", "--apix", "2.5", "--hinge", "A:250-320", "--hinge-axis", "A:249,A:200",
                "--hinge-angles", "-30:30", "--out", hinge.toString());
        assertEquals(0, c.exitCode(), c.err());
        List<String> csv = Files.readAllLines(hinge.resolve("ground_truth.csv"));
        double min = 99, max = -99;
        for (String line : csv.subList(1, csv.size())) {
            double a = Double.parseDouble(line.split(",")[2]);
            min = Math.min(min, a);
            max = Math.max(max, a);
        }
        assertTrue(min >= -30 && max <= 30 && max - min > 20, "hinge angles " + min + ".." + max);
    }
}
