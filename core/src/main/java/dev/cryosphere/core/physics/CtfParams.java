package dev.cryosphere.core.physics;

/**
 * CTF parameters of one particle, RELION convention and units.
 *
 * @param defocusU     defocus along the astigmatism axis, Å (underfocus positive)
 * @param defocusV     defocus perpendicular to it, Å
 * @param defocusAngle astigmatism angle, degrees (RELION rlnDefocusAngle)
 * @param voltage      acceleration voltage, kV
 * @param cs           spherical aberration, mm
 * @param ampContrast  amplitude contrast Q0 (fraction, 0..1)
 * @param phaseShift   phase-plate phase shift, degrees (0 when the metadata has none; never NaN)
 * @param bFactor      CTF B-factor, Å^2 (RELION rlnCtfBfactor; envelope exp(-B k^2 / 4))
 * @param scale        CTF scale factor (RELION rlnCtfScalefactor)
 */
public record CtfParams(double defocusU, double defocusV, double defocusAngle, double voltage, double cs,
                        double ampContrast, double phaseShift, double bFactor, double scale) {

    public CtfParams {
        if (Double.isNaN(phaseShift)) phaseShift = 0.0;
        if (Double.isNaN(bFactor)) bFactor = 0.0;
        if (Double.isNaN(scale)) scale = 1.0;
    }

    /** Without phase shift, B-factor or scale (the common case). */
    public static CtfParams of(double defocusU, double defocusV, double defocusAngle, double voltage, double cs,
                               double ampContrast) {
        return new CtfParams(defocusU, defocusV, defocusAngle, voltage, cs, ampContrast, 0, 0, 1);
    }
}
