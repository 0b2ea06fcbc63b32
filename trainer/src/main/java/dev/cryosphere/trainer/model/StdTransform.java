package dev.cryosphere.trainer.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The map from an unconstrained number to a standard deviation, used for the latent std and the segment widths:
 * s(x) = ELU(x) + 1 + floor, evaluated as relu(x) + exp(min(x, 0)) + floor.
 *
 * <p>Why this form: the reference's ELU(x) + 1 computes exp(x) − 1 + 1, which rounds to exactly 0 in float32 for
 * x &lt; −16.6; the segment width then divides 0 by 0 and every parameter turns NaN (K = 20 on 503 residues:
 * 3.5 % of batches). Written as relu(x) + exp(min(x, 0)) there is no cancellation, so the value equals ELU + 1
 * to rounding for every x, and the floor (default 1e-3, negligible next to widths of tens of residues or a
 * latent std near 1) keeps it away from 0 even where exp underflows (x &lt; −87). The derivative is 1 for x &gt; 0
 * and exp(x) otherwise, as for ELU + 1.
 */
public final class StdTransform {
    private StdTransform() {}

    public static double value(double x, double floor) {
        return Math.max(x, 0) + Math.exp(Math.min(x, 0)) + floor;
    }

    /** The x with {@code value(x, floor) == s}, for s &gt; floor. */
    public static double inverse(double s, double floor) {
        if (!(s > floor)) throw new IllegalArgumentException("std " + s + " is not above the floor " + floor);
        double t = s - floor;
        return t >= 1 ? t - 1 : Math.log(t);
    }

    /** ds/dx. */
    public static double derivative(double x) {
        return x > 0 ? 1.0 : Math.exp(x);
    }

    public static SDVariable apply(SameDiff sd, SDVariable x, double floor) {
        SDVariable pos = sd.nn().relu(x, 0.0);
        return pos.add(sd.math().exp(x.sub(pos))).add(floor);
    }
}
