package dev.cryosphere.core.simulate;

import dev.cryosphere.core.physics.CtfParams;

/**
 * Ground truth of one simulated particle.
 *
 * @param index        0-based particle index (= row in the written STAR file)
 * @param conformation conformation index (discrete sets) or -1
 * @param hingeAngle   hinge angle in degrees (hinge motions) or NaN
 * @param rot          RELION Euler angles of the pose, degrees
 * @param originX      RELION rlnOriginXAngst, Å
 * @param ctf          CTF parameters (null when simulated without CTF)
 */
public record SimulatedParticle(int index, int conformation, double hingeAngle, double rot, double tilt, double psi,
                                double originX, double originY, CtfParams ctf) {}
