package dev.cryosphere.trainer.model;

import dev.cryosphere.core.geometry.ResidueTransforms;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Deformation#transforms}: the per-residue affine maps reproduce the decoder's deformation as the reference
 * writes it (rotate the point about the origin by each segment's w·θ in turn, segment 0 first, then add Σ w t),
 * written out here point by point, independently of the matrices.
 */
class DeformationTransformsTest {
    /** The reference deformation of one point (model/utils.py deform_structure), by successive Rodrigues rotations. */
    static double[] reference(double x, double y, double z, double[] w, double[] decoded) {
        double tx = 0, ty = 0, tz = 0;
        for (int s = 0; s < w.length; s++) {
            double vx = decoded[6 * s + 3], vy = decoded[6 * s + 4], vz = decoded[6 * s + 5];
            double n = Math.sqrt(vx * vx + vy * vy + vz * vz);
            if (n > 0 && w[s] != 0) {
                double ax = vx / n, ay = vy / n, az = vz / n, phi = w[s] * 2 * Math.atan(n);
                double c = Math.cos(phi), sn = Math.sin(phi), dot = ax * x + ay * y + az * z;
                double cx = ay * z - az * y, cy = az * x - ax * z, cz = ax * y - ay * x;
                double nx = x * c + cx * sn + ax * dot * (1 - c), ny = y * c + cy * sn + ay * dot * (1 - c), nz = z * c + cz * sn + az * dot * (1 - c);
                x = nx; y = ny; z = nz;
            }
            tx += w[s] * decoded[6 * s];
            ty += w[s] * decoded[6 * s + 1];
            tz += w[s] * decoded[6 * s + 2];
        }
        return new double[]{x + tx, y + ty, z + tz};
    }

    @Test
    void everyAtomOfAResidueMovesAsTheReferenceMovesIt() {
        SplittableRandom r = new SplittableRandom(7);
        int residues = 30, k = 4;
        double[][] w = new double[residues][k];
        for (double[] row : w) {
            double s = 0;
            for (int j = 0; j < k; j++) s += row[j] = Math.exp(3 * r.nextDouble());
            for (int j = 0; j < k; j++) row[j] /= s;
        }
        w[0] = new double[]{1, 0, 0, 0};     // a hard assignment
        double[] decoded = new double[6 * k];
        for (int i = 0; i < decoded.length; i++) decoded[i] = (i % 6 < 3 ? 8 : 0.6) * (2 * r.nextDouble() - 1);
        decoded[6 * 2 + 3] = decoded[6 * 2 + 4] = decoded[6 * 2 + 5] = 0;   // a segment without rotation
        ResidueTransforms t = Deformation.transforms(w, decoded);
        // three atoms per residue, scattered around a site up to 50 Å from the origin
        int[] residueOf = new int[3 * residues];
        double[] atoms = new double[9 * residues];
        for (int a = 0; a < residueOf.length; a++) {
            residueOf[a] = a / 3;
            for (int d = 0; d < 3; d++) atoms[3 * a + d] = 50 * (2 * r.nextDouble() - 1);
        }
        double[] moved = t.applyToAtoms(atoms, residueOf);
        for (int a = 0; a < residueOf.length; a++) {
            double[] e = reference(atoms[3 * a], atoms[3 * a + 1], atoms[3 * a + 2], w[residueOf[a]], decoded);
            for (int d = 0; d < 3; d++) assertEquals(e[d], moved[3 * a + d], 1e-9, "atom " + a);
        }
        double[] sites = new double[3 * residues];
        for (int i = 0; i < residues; i++) System.arraycopy(atoms, 9 * i, sites, 3 * i, 3);
        double[] viaApply = Deformation.apply(sites, w, decoded);
        for (int i = 0; i < residues; i++)
            for (int d = 0; d < 3; d++) assertEquals(moved[9 * i + d], viaApply[3 * i + d], 1e-12);
    }
}
