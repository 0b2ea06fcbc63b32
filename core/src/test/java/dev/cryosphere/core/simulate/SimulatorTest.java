package dev.cryosphere.core.simulate;

import dev.cryosphere.core.geometry.Euler;
import dev.cryosphere.core.physics.GaussianRenderer;
import dev.cryosphere.core.util.ImageStats;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorTest {
    /** A small random "protein": a chain of 60 residues in a 20 Å ball. */
    static double[] blob(int r, long seed) {
        Random rng = new Random(seed);
        double[] xyz = new double[3 * r];
        for (int i = 0; i < xyz.length; i++) xyz[i] = rng.nextGaussian() * 7;
        return xyz;
    }

    static double[] ones(int r, double a) {
        double[] v = new double[r];
        java.util.Arrays.fill(v, a);
        return v;
    }

    private static SimulationSpec spec(int n, double snr, long seed) {
        return new SimulationSpec(n, 32, 2.0, 2.0, snr, 3.0, 10000, 25000, 500, 300, 2.7, 0.07, true, seed);
    }

    @Test
    void measuredSnrMatchesTheRequestedOne() throws Exception {
        double[] xyz = blob(60, 1);
        Simulator sim = new Simulator(spec(300, 0.1, 5), new DiscreteConformations(List.of(xyz)), ones(60, 50));
        double[] sums = new double[2];
        Simulator.Summary s = sim.run((t, clean, noisy) -> {
            float[] diff = new float[clean.length];
            for (int i = 0; i < clean.length; i++) diff[i] = noisy[i] - clean[i];
            sums[0] += ImageStats.variance(clean);
            sums[1] += ImageStats.variance(diff);
        }, d -> {});
        double measured = sums[0] / sums[1];
        assertEquals(0.1, measured, 0.1 * 0.05, "measured SNR " + measured);
        assertEquals(s.meanCleanVariance() / 0.1, s.noiseSd() * s.noiseSd(), 1e-9 * s.noiseSd() * s.noiseSd());
    }

    @Test
    void cleanImagesEqualTheRendererForTheWrittenPoses() throws Exception {
        double[] xyz = blob(60, 2);
        double[] amp = ones(60, 30);
        Simulator sim = new Simulator(spec(20, 0, 7), new DiscreteConformations(List.of(xyz)), amp);
        GaussianRenderer r = new GaussianRenderer(32, 2.0, 2.0);
        sim.run((t, clean, noisy) -> {
            assertArrayEquals(clean, noisy);
            float[] again = r.render(xyz, amp, Euler.toMatrix(t.rot(), t.tilt(), t.psi()), t.originX(), t.originY(), t.ctf());
            assertArrayEquals(again, clean, 1e-4f);
        }, d -> {});
    }

    @Test
    void sameSeedSameParticlesDifferentSeedDifferent() throws Exception {
        double[] xyz = blob(40, 3);
        List<SimulatedParticle> a = new ArrayList<>(), b = new ArrayList<>(), c = new ArrayList<>();
        new Simulator(spec(50, 1, 11), new DiscreteConformations(List.of(xyz)), ones(40, 1)).run((t, x, y) -> a.add(t), d -> {});
        new Simulator(spec(50, 1, 11), new DiscreteConformations(List.of(xyz)), ones(40, 1)).run((t, x, y) -> b.add(t), d -> {});
        new Simulator(spec(50, 1, 12), new DiscreteConformations(List.of(xyz)), ones(40, 1)).run((t, x, y) -> c.add(t), d -> {});
        assertEquals(a, b);
        assertTrue(!a.get(0).equals(c.get(0)));
        for (int i = 0; i < a.size(); i++) assertEquals(i, a.get(i).index());
    }

    @Test
    void hingeRotatesOnlyTheMovingResiduesRigidly() {
        double[] xyz = blob(30, 4);
        int[] moving = {10, 11, 12, 13, 14};
        double[] p0 = {xyz[0], xyz[1], xyz[2]}, p1 = {xyz[3], xyz[4], xyz[5]};
        HingeMotion h = new HingeMotion(xyz, moving, p0, p1, -30, 30);
        double[] moved = h.at(25);
        for (int i = 0; i < 30; i++) {
            boolean mv = i >= 10 && i <= 14;
            double d = Math.abs(moved[3 * i] - xyz[3 * i]) + Math.abs(moved[3 * i + 1] - xyz[3 * i + 1]) + Math.abs(moved[3 * i + 2] - xyz[3 * i + 2]);
            if (!mv) assertEquals(0, d, 0);
            else assertTrue(d > 1e-3);
        }
        // distances inside the moving group and to the axis points are preserved
        assertEquals(dist(xyz, 10, 14), dist(moved, 10, 14), 1e-9);
        assertEquals(dist(xyz, 0, 12), dist(moved, 0, 12), 1e-9);
        assertEquals(dist(xyz, 1, 12), dist(moved, 1, 12), 1e-9);
        assertArrayEquals(xyz, h.at(0), 1e-12);
    }

    private static double dist(double[] x, int i, int j) {
        double dx = x[3 * i] - x[3 * j], dy = x[3 * i + 1] - x[3 * j + 1], dz = x[3 * i + 2] - x[3 * j + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
}
