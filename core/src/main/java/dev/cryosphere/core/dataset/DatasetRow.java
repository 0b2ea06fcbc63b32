package dev.cryosphere.core.dataset;

import dev.cryosphere.core.physics.CtfParams;

/**
 * One row of an ingested dataset (see {@link DatasetSchema} for units and conventions).
 *
 * @param particleIndex 0-based row in the source metadata
 * @param imageName     image reference as written in the metadata
 * @param opticsGroup   RELION optics group number
 * @param image         box×box pixels, row-major [y][x]; null in metadata-only reads
 * @param box           image side, pixels
 * @param pixelSize     Å per pixel
 * @param rotation      RELION rotation matrix A, row-major (9 values)
 * @param rot           rlnAngleRot, degrees
 * @param tilt          rlnAngleTilt, degrees
 * @param psi           rlnAnglePsi, degrees
 * @param originXAngst  rlnOriginXAngst, Å (particle centre = image centre − origin)
 * @param originYAngst  rlnOriginYAngst, Å
 * @param ctf           CTF parameters
 */
public record DatasetRow(long particleIndex, String imageName, int opticsGroup, float[] image, int box, double pixelSize,
                         double[] rotation, double rot, double tilt, double psi, double originXAngst,
                         double originYAngst, CtfParams ctf) {
}
