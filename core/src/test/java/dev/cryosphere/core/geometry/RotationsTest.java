package dev.cryosphere.core.geometry;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RotationsTest {
    /** The matrix written out in the RELION oracle's README (A for phi = rot, theta = tilt, psi). */
    private static double[] readmeMatrix(double phi, double theta, double psi) {
        double cf = Math.cos(phi), sf = Math.sin(phi), ct = Math.cos(theta), st = Math.sin(theta);
        double cp = Math.cos(psi), sp = Math.sin(psi);
        return new double[]{
                cp * ct * cf - sp * sf, cp * ct * sf + sp * cf, -cp * st,
                -sp * ct * cf - cp * sf, -sp * ct * sf + cp * cf, sp * st,
                st * cf, st * sf, ct};
    }

    @Test
    void eulerMatchesRelionFormulaAndRoundTrips() {
        Random rng = new Random(1);
        for (int i = 0; i < 200; i++) {
            double rot = rng.nextDouble() * 360 - 180, tilt = rng.nextDouble() * 180, psi = rng.nextDouble() * 360 - 180;
            double[] a = Euler.toMatrix(rot, tilt, psi);
            assertArrayEquals(readmeMatrix(Math.toRadians(rot), Math.toRadians(tilt), Math.toRadians(psi)), a, 1e-12);
            double[] back = Euler.toMatrix(Euler.fromMatrix(a)[0], Euler.fromMatrix(a)[1], Euler.fromMatrix(a)[2]);
            assertArrayEquals(a, back, 1e-9);
        }
        // gimbal lock: tilt 0 and 180
        for (double tilt : new double[]{0, 180}) {
            double[] a = Euler.toMatrix(30, tilt, 40);
            double[] e = Euler.fromMatrix(a);
            assertArrayEquals(a, Euler.toMatrix(e[0], e[1], e[2]), 1e-9);
        }
    }

    @Test
    void rotationVectorQuaternionMatrixAgree() {
        Random rng = new Random(2);
        for (int i = 0; i < 200; i++) {
            double[] r = Rotations.uniform(rng);
            assertArrayEquals(Rotations.multiply(r, Rotations.transpose(r)), new double[]{1, 0, 0, 0, 1, 0, 0, 0, 1}, 1e-12);
            double[] v = Rotations.toRotationVector(r);
            assertArrayEquals(r, Rotations.fromRotationVector(v[0], v[1], v[2]), 1e-9);
            assertArrayEquals(r, Rotations.fromQuaternion(Rotations.toQuaternion(r)), 1e-12);
        }
        // 90 degrees about z maps x to y
        double[] rz = Rotations.fromRotationVector(0, 0, Math.PI / 2);
        assertArrayEquals(new double[]{0, 1, 0}, Rotations.apply(rz, new double[]{1, 0, 0}), 1e-15);
        // unnormalised quaternion with real part 1 (the decoder's parametrisation): angle 2 atan|v|
        double[] v = Rotations.quaternionToRotationVector(new double[]{1, 0, 0, 1});
        assertEquals(Math.PI / 2, v[2], 1e-15);
    }

    @Test
    void uniformRotationsHaveHaarMoments() {
        // For Haar-distributed R, E[R_ij] = 0 and E[R_ij^2] = 1/3
        Random rng = new Random(3);
        int n = 40000;
        double[] mean = new double[9], sq = new double[9];
        for (int i = 0; i < n; i++) {
            double[] r = Rotations.uniform(rng);
            for (int k = 0; k < 9; k++) { mean[k] += r[k] / n; sq[k] += r[k] * r[k] / n; }
        }
        for (int k = 0; k < 9; k++) {
            assertEquals(0, mean[k], 0.015);
            assertEquals(1.0 / 3, sq[k], 0.015);
        }
    }
}
