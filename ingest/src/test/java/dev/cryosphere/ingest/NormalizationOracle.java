package dev.cryosphere.ingest;

import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;

import java.util.Set;

/**
 * The reference's f_std, computed directly: a naive separable DFT (no FFT library) of ifftshift(image) for each sampled
 * image (the output fftshift only permutes coefficients), then the std (n−1) of all complex coefficients.
 */
final class NormalizationOracle {
    private NormalizationOracle() {}

    static double fStd(ParticleSet set, Set<Integer> sample) {
        double sr = 0, si = 0, sq = 0;
        long m = 0;
        for (int i : sample) {
            Particle p = set.particles().get(i);
            float[] img;
            int n;
            try (MrcReader r = MrcReader.open(p.stack())) {
                float[] raw = r.readImage(p.imageIndex());
                n = r.nx();
                img = new float[n * n];   // numpy ifftshift: out[i] = in[(i + n/2) mod n] on each axis
                for (int y = 0; y < n; y++)
                    for (int x = 0; x < n; x++) img[y * n + x] = raw[((y + n / 2) % n) * n + (x + n / 2) % n];
            }
            double[] cos = new double[n], sin = new double[n];
            for (int k = 0; k < n; k++) {
                cos[k] = Math.cos(2 * Math.PI * k / n);
                sin[k] = Math.sin(2 * Math.PI * k / n);
            }
            // separable DFT: rows then columns
            double[] re = new double[n * n], im = new double[n * n];
            for (int y = 0; y < n; y++)
                for (int u = 0; u < n; u++) {
                    double a = 0, b = 0;
                    for (int x = 0; x < n; x++) {
                        int ph = (u * x) % n;
                        a += img[y * n + x] * cos[ph];
                        b -= img[y * n + x] * sin[ph];
                    }
                    re[y * n + u] = a;
                    im[y * n + u] = b;
                }
            for (int u = 0; u < n; u++)
                for (int v = 0; v < n; v++) {
                    double a = 0, b = 0;
                    for (int y = 0; y < n; y++) {
                        int ph = (v * y) % n;
                        double c = cos[ph], s = -sin[ph];
                        a += re[y * n + u] * c - im[y * n + u] * s;
                        b += re[y * n + u] * s + im[y * n + u] * c;
                    }
                    sr += a;
                    si += b;
                    sq += a * a + b * b;
                    m++;
                }
        }
        double mr = sr / m, mi = si / m;
        return Math.sqrt((sq - m * (mr * mr + mi * mi)) / (m - 1));
    }
}
