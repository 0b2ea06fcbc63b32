package dev.cryosphere.core.simulate;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.ResidueSelection;
import dev.cryosphere.core.geometry.ResidueTransforms;
import dev.cryosphere.core.geometry.Rotations;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.Ranges;

import java.util.SplittableRandom;

/**
 * A rigid hinge: the residues in {@code moving} rotate by an angle drawn uniformly in [minDeg, maxDeg] about the axis
 * through two points (typically the CA atoms of two hinge residues); everything else stays put.
 */
public final class HingeMotion implements Motion {
    private final double[] base;
    private final int[] moving;
    private final double[] p0;
    private final double[] axis;
    private final double minDeg, maxDeg;

    public HingeMotion(double[] base, int[] moving, double[] axisFrom, double[] axisTo, double minDeg, double maxDeg) {
        double dx = axisTo[0] - axisFrom[0], dy = axisTo[1] - axisFrom[1], dz = axisTo[2] - axisFrom[2];
        double len = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (!(len > 1e-6)) throw new IllegalArgumentException("hinge axis points coincide");
        if (moving.length == 0) throw new IllegalArgumentException("no moving residues");
        if (maxDeg < minDeg) throw new IllegalArgumentException("hinge angle range is empty: " + minDeg + ":" + maxDeg);
        this.base = base.clone();
        this.moving = moving.clone();
        this.p0 = axisFrom.clone();
        this.axis = new double[]{dx / len, dy / len, dz / len};
        this.minDeg = minDeg;
        this.maxDeg = maxDeg;
    }

    /**
     * The motion of {@code --hinge SEL --hinge-axis RES,RES --hinge-angles MIN:MAX} on {@code base} (the structure as
     * written to OUT/base.pdb); {@code at(angle)} gives the true structure of a particle from its ground_truth.csv angle.
     */
    public static HingeMotion of(AtomicModel base, String hinge, String hingeAxis, String hingeAngles) {
        if (hingeAxis == null) throw new InputException(null, "--hinge-axis", "required with --hinge (two residues, e.g. A:121,A:160)");
        String[] ax = hingeAxis.split(",");
        if (ax.length != 2) throw new InputException(null, "--hinge-axis", "expected two residues separated by a comma: " + hingeAxis);
        double[] xyz = base.coordinates();
        int a = ResidueSelection.parse(ax[0]).single(base), b = ResidueSelection.parse(ax[1]).single(base);
        double[] range = Ranges.parse("--hinge-angles", hingeAngles);
        try {
            return new HingeMotion(xyz, ResidueSelection.parse(hinge).indices(base),
                    new double[]{xyz[3 * a], xyz[3 * a + 1], xyz[3 * a + 2]},
                    new double[]{xyz[3 * b], xyz[3 * b + 1], xyz[3 * b + 2]}, range[0], range[1]);
        } catch (IllegalArgumentException e) {
            throw new InputException(null, "--hinge", e.getMessage());
        }
    }

    /** Indices (model order) of the residues that move. */
    public int[] moving() {
        return moving.clone();
    }

    /** The structure with the moving residues rotated by {@code angleDeg}. */
    public double[] at(double angleDeg) {
        double[] r = Rotations.fromAxisAngle(axis[0], axis[1], axis[2], Math.toRadians(angleDeg));
        double[] out = base.clone();
        for (int i : moving) {
            double[] v = {base[3 * i] - p0[0], base[3 * i + 1] - p0[1], base[3 * i + 2] - p0[2]};
            double[] w = Rotations.apply(r, v);
            out[3 * i] = w[0] + p0[0];
            out[3 * i + 1] = w[1] + p0[1];
            out[3 * i + 2] = w[2] + p0[2];
        }
        return out;
    }

    /**
     * The same motion as {@link #at} as one affine map per residue (x' = R(x − p0) + p0 for the moving residues, the
     * identity for the others), so that every atom of a residue can be moved with its site.
     */
    public ResidueTransforms transformsAt(double angleDeg) {
        double[] r = Rotations.fromAxisAngle(axis[0], axis[1], axis[2], Math.toRadians(angleDeg));
        double[] rp = Rotations.apply(r, p0);
        ResidueTransforms t = ResidueTransforms.identity(base.length / 3);
        for (int i : moving) t.set(i, r, p0[0] - rp[0], p0[1] - rp[1], p0[2] - rp[2]);
        return t;
    }

    @Override
    public Conformation sample(SplittableRandom rng) {
        double angle = minDeg == maxDeg ? minDeg : minDeg + (maxDeg - minDeg) * rng.nextDouble();
        return new Conformation(at(angle), -1, angle);
    }
}
