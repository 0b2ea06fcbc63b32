package dev.cryosphere.core.format;

/**
 * A RELION optics group: the imaging parameters shared by a set of particles.
 *
 * @param number      rlnOpticsGroup (1-based)
 * @param name        rlnOpticsGroupName
 * @param pixelSize   Å per pixel of the particle images
 * @param box         image side in pixels, -1 when the metadata does not say
 * @param voltage     kV
 * @param cs          spherical aberration, mm
 * @param ampContrast amplitude contrast Q0
 */
public record OpticsGroup(int number, String name, double pixelSize, int box, double voltage, double cs,
                          double ampContrast) {

    /** Group with the default RELION name "opticsGroupN". */
    public static OpticsGroup of(int number, double pixelSize, int box, double voltage, double cs, double ampContrast) {
        return new OpticsGroup(number, "opticsGroup" + number, pixelSize, box, voltage, cs, ampContrast);
    }
}
