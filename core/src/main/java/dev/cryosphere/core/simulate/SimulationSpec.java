package dev.cryosphere.core.simulate;

/**
 * Parameters of a synthetic particle set. Lengths in Å, voltage in kV, Cs in mm, angles in degrees.
 *
 * @param count          number of particles
 * @param box            image side, pixels
 * @param pixelSize      Å per pixel
 * @param sigma          Gaussian width per residue, Å
 * @param snr            signal-to-noise ratio: noise variance = mean clean-image variance / snr; 0 or ∞ = no noise
 * @param shiftSd        standard deviation of the per-axis particle shift, Å (RELION origin)
 * @param defocusMin     defocus U drawn uniformly in [defocusMin, defocusMax], Å
 * @param defocusMax     see defocusMin
 * @param astigmatism    defocus V = U − a with a uniform in [0, astigmatism], Å; the angle is uniform in [0, 180)
 * @param voltage        kV
 * @param cs             mm
 * @param ampContrast    amplitude contrast Q0
 * @param applyCtf       false to simulate without CTF
 * @param seed           seed of everything random; particle i uses its own stream, so results do not depend on threads
 */
public record SimulationSpec(int count, int box, double pixelSize, double sigma, double snr, double shiftSd,
                             double defocusMin, double defocusMax, double astigmatism, double voltage, double cs,
                             double ampContrast, boolean applyCtf, long seed) {
    public SimulationSpec {
        if (count <= 0) throw new IllegalArgumentException("particle count must be positive: " + count);
        if (box < 8) throw new IllegalArgumentException("box must be at least 8 pixels: " + box);
        if (!(pixelSize > 0)) throw new IllegalArgumentException("pixel size must be positive: " + pixelSize);
        if (!(snr >= 0)) throw new IllegalArgumentException("SNR must be >= 0 (0 = no noise): " + snr);
        if (defocusMax < defocusMin) throw new IllegalArgumentException("defocus range is empty");
    }

    public boolean noisy() {
        return snr > 0 && !Double.isInfinite(snr);
    }
}
