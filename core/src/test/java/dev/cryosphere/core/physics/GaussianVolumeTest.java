package dev.cryosphere.core.physics;

import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.geometry.Euler;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GaussianVolumeTest {
    @Test
    void projectionAlongZEqualsTheImageRendererTimesTheZIntegral() {
        // sum_z exp(-(z - z_r)^2 / 2 s^2) ~= sqrt(2 pi) s / apix for a well-sampled Gaussian (s >= apix)
        Random rng = new Random(5);
        int r = 25, n = 40;
        double apix = 1.5, sigma = 2.0;
        double[] xyz = new double[3 * r], amp = new double[r];
        for (int i = 0; i < r; i++) {
            for (int k = 0; k < 3; k++) xyz[3 * i + k] = rng.nextGaussian() * 6;
            amp[i] = 20 + rng.nextInt(40);
        }
        Volume v = GaussianVolume.render(xyz, amp, n, apix, sigma);
        assertEquals(-20 * apix, v.origin()[0], 0);
        float[] proj = new float[n * n];
        for (int z = 0; z < n; z++) for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) proj[y * n + x] += v.at(x, y, z);
        float[] img = new GaussianRenderer(n, apix, sigma).project(xyz, amp, Euler.toMatrix(0, 0, 0), 0, 0);
        double scale = Math.sqrt(2 * Math.PI) * sigma / apix;
        for (int i = 0; i < img.length; i++) img[i] *= (float) scale;
        assertArrayEquals(img, proj, 1e-3f * 60);
        // a single residue at the origin peaks at voxel (n/2, n/2, n/2) with its amplitude
        Volume one = GaussianVolume.render(new double[]{0, 0, 0}, new double[]{7}, 9, 2.0, 2.0);
        assertEquals(7, one.at(4, 4, 4), 1e-6);
        assertEquals(7 * Math.exp(-0.5), one.at(5, 4, 4), 1e-6);
    }
}
