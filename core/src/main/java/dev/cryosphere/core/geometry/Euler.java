package dev.cryosphere.core.geometry;

/**
 * RELION's ZYZ Euler convention, exactly as RELION's {@code Euler_angles2matrix} / {@code Euler_matrix2angles}
 * (src/euler.cpp). The matrix A maps model coordinates to the projection frame: a map is projected along z after
 * the atoms are moved by x' = A x. Angles in degrees: rot (phi), tilt (theta), psi.
 * Matrices are row-major double[9].
 */
public final class Euler {
    private Euler() {}

    /** RELION's A(rot, tilt, psi), row-major. */
    public static double[] toMatrix(double rotDeg, double tiltDeg, double psiDeg) {
        double a = Math.toRadians(rotDeg), b = Math.toRadians(tiltDeg), g = Math.toRadians(psiDeg);
        double ca = Math.cos(a), cb = Math.cos(b), cg = Math.cos(g);
        double sa = Math.sin(a), sb = Math.sin(b), sg = Math.sin(g);
        double cc = cb * ca, cs = cb * sa, sc = sb * ca, ss = sb * sa;
        return new double[]{
                cg * cc - sg * sa, cg * cs + sg * ca, -cg * sb,
                -sg * cc - cg * sa, -sg * cs + cg * ca, sg * sb,
                sc, ss, cb};
    }

    /** RELION's Euler_matrix2angles: {rot, tilt, psi} in degrees for a rotation matrix A (row-major). */
    public static double[] fromMatrix(double[] m) {
        final double fltEps = 1.19209e-07;
        double alpha, beta, gamma;
        double absSb = Math.sqrt(m[2] * m[2] + m[5] * m[5]);
        if (absSb > 16 * fltEps) {
            gamma = Math.atan2(m[5], -m[2]);
            alpha = Math.atan2(m[7], m[6]);
            double signSb;
            if (Math.abs(Math.sin(gamma)) < fltEps) signSb = Math.signum(-m[2] / Math.cos(gamma));
            else signSb = Math.sin(gamma) > 0 ? Math.signum(m[5]) : -Math.signum(m[5]);
            beta = Math.atan2(signSb * absSb, m[8]);
        } else if (m[8] > 0) {
            alpha = 0; beta = 0; gamma = Math.atan2(-m[3], m[0]);
        } else {
            alpha = 0; beta = Math.PI; gamma = Math.atan2(m[3], -m[0]);
        }
        return new double[]{Math.toDegrees(alpha), Math.toDegrees(beta), Math.toDegrees(gamma)};
    }
}
