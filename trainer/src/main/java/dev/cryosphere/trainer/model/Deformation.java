package dev.cryosphere.trainer.model;

import dev.cryosphere.core.geometry.ResidueTransforms;
import dev.cryosphere.core.geometry.Rotations;

/**
 * Plain-Java rigid-body deformation of the base structure (double precision), the reference for the SameDiff
 * layer and the decoder of structures after training.
 *
 * <p>Decoder output per segment k: six numbers, translation t_k (Å) then v_k, the vector part of the
 * unnormalised quaternion (1, v_k). Its rotation has axis v/|v| and angle θ_k = 2·atan|v_k| ∈ [0, π).
 * Residue r is rotated about the box origin successively by the segments' axis-angles w_rk θ_k axis_k,
 * segment 0 first, then translated by Σ_k w_rk t_k (reference model/utils.py deform_structure).
 */
public final class Deformation {
    private Deformation() {}

    /**
     * @param xyz     base coordinates, flat x, y, z per residue (Å)
     * @param weights [residue][segment] segmentation weights
     * @param decoded decoder output, 6 per segment (t_x, t_y, t_z, v_x, v_y, v_z)
     * @return deformed coordinates, flat
     */
    public static double[] apply(double[] xyz, double[][] weights, double[] decoded) {
        return transforms(weights, decoded).applyToSites(xyz);
    }

    /**
     * The deformation as one affine map per residue: R_r = R_{K−1}(w_{r,K−1} θ_{K−1}) ⋯ R_0(w_{r0} θ_0) (segment 0
     * applied first, as in the class comment), t_r = Σ_k w_rk t_k. The maps are linear in the coordinates, so every
     * atom of residue r moves with the same map as its site: what full-atom maps of predicted structures use.
     *
     * @param weights [residue][segment] segmentation weights
     * @param decoded decoder output, 6 per segment (t_x, t_y, t_z, v_x, v_y, v_z)
     */
    public static ResidueTransforms transforms(double[][] weights, double[] decoded) {
        int r = weights.length;
        int k = decoded.length / 6;
        ResidueTransforms out = ResidueTransforms.identity(r);
        for (int i = 0; i < r; i++) {
            double[] m = {1, 0, 0, 0, 1, 0, 0, 0, 1};
            double tx = 0, ty = 0, tz = 0;
            for (int s = 0; s < k; s++) {
                double w = weights[i][s];
                double vx = decoded[6 * s + 3], vy = decoded[6 * s + 4], vz = decoded[6 * s + 5];
                double n = Math.sqrt(vx * vx + vy * vy + vz * vz);
                if (n > 0 && w != 0) {
                    // Rodrigues: R = c I + s [a]x + (1 − c) a aᵀ
                    double ax = vx / n, ay = vy / n, az = vz / n;
                    double phi = w * 2 * Math.atan(n);
                    double c = Math.cos(phi), sn = Math.sin(phi), u = 1 - c;
                    double[] rot = {c + ax * ax * u, ax * ay * u - az * sn, ax * az * u + ay * sn,
                            ay * ax * u + az * sn, c + ay * ay * u, ay * az * u - ax * sn,
                            az * ax * u - ay * sn, az * ay * u + ax * sn, c + az * az * u};
                    m = Rotations.multiply(rot, m);
                }
                tx += w * decoded[6 * s];
                ty += w * decoded[6 * s + 1];
                tz += w * decoded[6 * s + 2];
            }
            out.set(i, m, tx, ty, tz);
        }
        return out;
    }
}
