package dev.cryosphere.core.physics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fourier pad and real-space window against an analytic band-limited image (plane waves below the source Nyquist). */
class PixelResampleTest {
    static final int N = 32, M = 40;

    /** Sum of plane waves with |u|, |v| ≤ 15 cycles per N-pixel box, at source-pixel coordinates (x, y), centre N/2. */
    static double f(double x, double y) {
        Random r = new Random(3);
        double s = 0.2;
        for (int k = 0; k < 6; k++) {
            int u = r.nextInt(31) - 15, v = r.nextInt(31) - 15;
            s += r.nextDouble() * Math.cos(2 * Math.PI * (u * (x - N / 2.0) + v * (y - N / 2.0)) / N + 6 * r.nextDouble());
        }
        return s;
    }

    @Test
    void fourierPadSamplesTheSameFunctionOnAFinerGrid() {
        float[] img = new float[N * N];
        for (int y = 0; y < N; y++) for (int x = 0; x < N; x++) img[y * N + x] = (float) f(x, y);
        float[] pad = PixelResample.resizeFourier(img, N, M);
        // fine pixel j sits at source coordinate N/2 + (j − M/2) · N / M
        for (int y = 0; y < M; y++)
            for (int x = 0; x < M; x++)
                assertEquals(f(N / 2.0 + (x - M / 2) * (double) N / M, N / 2.0 + (y - M / 2) * (double) N / M),
                        pad[y * M + x], 1e-5, "(" + x + "," + y + ")");
    }

    @Test
    void planAndWindow() {
        PixelResample.Plan p = PixelResample.plan(96, 1.25, 1.0, 100);
        assertEquals(120, p.fourierBox());
        assertEquals(1.0, p.achievedPixel(), 1e-12);
        assertEquals(0, p.edgeErrorPx(), 1e-12);
        PixelResample.Plan q = PixelResample.plan(256, 0.83, 1.0, 128);   // 212 px → 1.00226 Å/px
        assertEquals(212, q.fourierBox());
        assertEquals(64 * (0.83 * 256 / 212 - 1), q.edgeErrorPx(), 1e-12);
        float[] img = new float[5 * 5];
        for (int i = 0; i < img.length; i++) img[i] = i;
        float[] crop = PixelResample.window(img, 5, 3);               // centre 2 → 1
        assertEquals(img[2 * 5 + 2], crop[1 * 3 + 1]);
        assertEquals(img[1 * 5 + 1], crop[0]);
        float[] pad = PixelResample.window(img, 5, 8);                // centre 2 → 4
        assertEquals(img[2 * 5 + 2], pad[4 * 8 + 4]);
        double ring = 0;
        for (int y = 0; y < 5; y++) for (int x = 0; x < 5; x++) if (x % 4 == 0 || y % 4 == 0) ring += img[y * 5 + x];
        assertEquals(ring / 16, pad[0], 1e-5);
        assertTrue(PixelResample.plan(80, 1.25, 1.25, 80).identity());
    }
}
