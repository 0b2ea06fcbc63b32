package dev.cryosphere.core.geometry;

import java.util.Arrays;

/**
 * One affine map per residue, x' = R_r x + t_r (Å, box frame): how a per-residue motion (a hinge, the decoder's
 * blend of segment motions) moves every atom of a residue, not only its CA site. Applying the same map to the site
 * and to the residue's other atoms is what makes a full-atom structure follow a coarse-grained (one site per residue)
 * prediction exactly at its sites.
 *
 * <p>Layout: 12 numbers per residue, the rotation part row-major (9) then the translation (3).
 */
public final class ResidueTransforms {
    private final double[] m;

    private ResidueTransforms(double[] m) {
        this.m = m;
    }

    /** Every residue left in place. */
    public static ResidueTransforms identity(int residues) {
        double[] m = new double[12 * residues];
        for (int r = 0; r < residues; r++) {
            m[12 * r] = 1;
            m[12 * r + 4] = 1;
            m[12 * r + 8] = 1;
        }
        return new ResidueTransforms(m);
    }

    /** From 12 numbers per residue (copied). */
    public static ResidueTransforms of(double[] matrices) {
        if (matrices.length % 12 != 0) throw new IllegalArgumentException("expected 12 numbers per residue, got " + matrices.length);
        return new ResidueTransforms(matrices.clone());
    }

    public int residues() { return m.length / 12; }

    /** Sets residue r's map to rotation {@code rot} (row-major 3×3) and translation {@code t}. */
    public void set(int r, double[] rot, double tx, double ty, double tz) {
        System.arraycopy(rot, 0, m, 12 * r, 9);
        m[12 * r + 9] = tx;
        m[12 * r + 10] = ty;
        m[12 * r + 11] = tz;
    }

    /** The map of residue r: 12 numbers (rotation row-major, translation). */
    public double[] of(int r) {
        return Arrays.copyOfRange(m, 12 * r, 12 * r + 12);
    }

    /** {@code next} after this: x' = next_r(this_r(x)) for every residue. */
    public ResidueTransforms then(ResidueTransforms next) {
        if (next.residues() != residues()) throw new IllegalArgumentException("residue counts differ: " + residues() + " vs " + next.residues());
        double[] out = new double[m.length];
        for (int r = 0; r < residues(); r++) {
            int o = 12 * r;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double s = 0;
                    for (int k = 0; k < 3; k++) s += next.m[o + 3 * i + k] * m[o + 3 * k + j];
                    out[o + 3 * i + j] = s;
                }
                double t = next.m[o + 9 + i];
                for (int k = 0; k < 3; k++) t += next.m[o + 3 * i + k] * m[o + 9 + k];
                out[o + 9 + i] = t;
            }
        }
        return new ResidueTransforms(out);
    }

    /** The moved sites: one point per residue, flat x, y, z. */
    public double[] applyToSites(double[] xyz) {
        if (xyz.length != 3 * residues()) throw new IllegalArgumentException(xyz.length / 3 + " sites for " + residues() + " residues");
        int[] residueOf = new int[residues()];
        for (int r = 0; r < residueOf.length; r++) residueOf[r] = r;
        return applyToAtoms(xyz, residueOf);
    }

    /** The moved atoms: atom a (flat x, y, z) moves with residue {@code residueOf[a]}. */
    public double[] applyToAtoms(double[] xyz, int[] residueOf) {
        if (xyz.length != 3 * residueOf.length) throw new IllegalArgumentException("coordinates and residue indices disagree");
        double[] out = new double[xyz.length];
        for (int a = 0; a < residueOf.length; a++) {
            int o = 12 * residueOf[a];
            double x = xyz[3 * a], y = xyz[3 * a + 1], z = xyz[3 * a + 2];
            out[3 * a] = m[o] * x + m[o + 1] * y + m[o + 2] * z + m[o + 9];
            out[3 * a + 1] = m[o + 3] * x + m[o + 4] * y + m[o + 5] * z + m[o + 10];
            out[3 * a + 2] = m[o + 6] * x + m[o + 7] * y + m[o + 8] * z + m[o + 11];
        }
        return out;
    }
}
