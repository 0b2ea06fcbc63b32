package dev.cryosphere.core.geometry;

import dev.cryosphere.core.simulate.HingeMotion;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class ResidueTransformsTest {
    private static double[] random(SplittableRandom r, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * (2 * r.nextDouble() - 1);
        return v;
    }

    /** {@code a.then(b)} moves every point as applying a, then b, does. */
    @Test
    void compositionIsSequentialApplication() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 7;
        double[] ma = new double[12 * n], mb = new double[12 * n];
        for (int i = 0; i < n; i++) {
            double[] v = random(r, 3, 2);
            System.arraycopy(Rotations.fromRotationVector(v[0], v[1], v[2]), 0, ma, 12 * i, 9);
            System.arraycopy(random(r, 3, 10), 0, ma, 12 * i + 9, 3);
            System.arraycopy(random(r, 12, 3), 0, mb, 12 * i, 12);   // any affine map, not only rigid ones
        }
        ResidueTransforms a = ResidueTransforms.of(ma), b = ResidueTransforms.of(mb);
        double[] x = random(r, 3 * n, 40);
        assertArrayEquals(b.applyToSites(a.applyToSites(x)), a.then(b).applyToSites(x), 1e-9);
        assertArrayEquals(x, ResidueTransforms.identity(n).applyToSites(x), 0);
    }

    /** Atoms follow their residue's map: an atom placed on its residue's site lands where the site does. */
    @Test
    void atomsMoveWithTheirResidue() {
        SplittableRandom r = new SplittableRandom(5);
        ResidueTransforms t = ResidueTransforms.of(random(r, 24, 3));
        double[] sites = random(r, 6, 30);
        double[] atoms = {sites[3], sites[4], sites[5], 1, 2, 3, sites[0], sites[1], sites[2]};
        double[] moved = t.applyToAtoms(atoms, new int[]{1, 0, 0}), movedSites = t.applyToSites(sites);
        assertArrayEquals(new double[]{movedSites[3], movedSites[4], movedSites[5]}, java.util.Arrays.copyOfRange(moved, 0, 3), 1e-12);
        assertArrayEquals(new double[]{movedSites[0], movedSites[1], movedSites[2]}, java.util.Arrays.copyOfRange(moved, 6, 9), 1e-12);
    }

    /** A hinge's per-residue maps give the structure {@link HingeMotion#at} gives. */
    @Test
    void hingeTransformsReproduceTheHingeMotion() {
        SplittableRandom r = new SplittableRandom(11);
        double[] base = random(r, 3 * 20, 25);
        HingeMotion h = new HingeMotion(base, new int[]{3, 4, 5, 12}, new double[]{1, 2, 3}, new double[]{-4, 7, 2}, -30, 30);
        for (double deg : new double[]{-27.5, 0, 13})
            assertArrayEquals(h.at(deg), h.transformsAt(deg).applyToSites(base), 1e-9);
    }
}
