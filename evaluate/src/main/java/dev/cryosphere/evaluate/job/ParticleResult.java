package dev.cryosphere.evaluate.job;

import java.io.Serializable;

/**
 * What an executor returns for one particle: small numbers only, except {@code coordinates} (only for the particles
 * selected with --structures, and never collected on the driver) and {@code fsc} (summed by a Spark reduce).
 *
 * @param z           latent mean
 * @param distances   one per --distance, Å
 * @param res05       FSC=0.5 resolution against the truth map, Å (NaN without one)
 * @param res0143     FSC=0.143 resolution, Å
 * @param auc         area under the FSC curve over frequency in cycles/pixel (0 … 0.5)
 * @param fsc         the FSC curve per shell, or null
 * @param coordinates predicted structure, flat Å, or null
 */
public record ParticleResult(long index, String imageName, double[] z, double[] distances, double res05, double res0143,
                             double auc, double[] fsc, float[] coordinates) implements Serializable {

    /** The same row without the bulky fields, for collecting on the driver. */
    public ParticleResult light() {
        return new ParticleResult(index, imageName, z, distances, res05, res0143, auc, null, null);
    }

    public boolean hasTruth() { return fsc != null; }
}
