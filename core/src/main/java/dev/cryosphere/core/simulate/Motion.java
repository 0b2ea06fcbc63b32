package dev.cryosphere.core.simulate;

import java.util.SplittableRandom;

/** How the simulated structure varies from particle to particle. */
public interface Motion {
    /** One conformation drawn with {@code rng}. */
    Conformation sample(SplittableRandom rng);

    /**
     * A drawn conformation.
     *
     * @param coordinates residue coordinates, Å, flat x0,y0,z0,...
     * @param index       conformation index for discrete sets, -1 for continuous motions
     * @param angleDeg    hinge angle in degrees for hinge motions, NaN otherwise
     */
    record Conformation(double[] coordinates, int index, double angleDeg) {}
}
