package dev.cryosphere.core.format;

import dev.cryosphere.core.physics.CtfParams;

import java.nio.file.Path;

/**
 * One particle as read from RELION STAR or cryoSPARC .cs metadata, in one convention whatever the source.
 *
 * @param row         0-based row in the source metadata table (the particle index used everywhere downstream)
 * @param imageName   the image reference as written in the metadata (e.g. "000003@Particles/stack.mrcs")
 * @param stack       the resolved stack file
 * @param imageIndex  0-based index of the image inside {@code stack} (RELION's "k@" is 1-based)
 * @param opticsGroup RELION optics group number (1-based; 1 when the file has no optics table)
 * @param rot         RELION rlnAngleRot, degrees (ZYZ Euler; see {@code dev.cryosphere.core.geometry.Euler})
 * @param tilt        RELION rlnAngleTilt, degrees
 * @param psi         RELION rlnAnglePsi, degrees
 * @param originXAngst RELION rlnOriginXAngst, Å: the particle centre is at image centre − origin
 * @param originYAngst RELION rlnOriginYAngst, Å
 * @param ctf         CTF parameters
 * @param pixelSize   pixel size of the image, Å
 * @param box         image side, pixels (from the optics group, or -1 when the metadata does not say)
 */
public record Particle(int row, String imageName, Path stack, long imageIndex, int opticsGroup,
                       double rot, double tilt, double psi, double originXAngst, double originYAngst,
                       CtfParams ctf, double pixelSize, int box) {
}
