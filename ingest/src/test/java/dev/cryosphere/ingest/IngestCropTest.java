package dev.cryosphere.ingest;

import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.ParticleBatch;
import dev.cryosphere.core.format.MrcStackWriter;
import dev.cryosphere.core.physics.Fft;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Acceptance 2: --box Fourier-crops band-limited images exactly and scales the pixel size. */
class IngestCropTest extends SparkTest {
    @TempDir
    Path tmp;

    private static final int N = 64, M = 32;

    /** A sum of plane waves with integer frequencies |u|, |v| ≤ 15 cycles per box: band-limited below the new Nyquist. */
    record Wave(int u, int v, double amplitude, double phase) {}

    static List<Wave> waves(long seed) {
        Random r = new Random(seed);
        List<Wave> w = new java.util.ArrayList<>();
        w.add(new Wave(0, 0, 0.3, 0));
        for (int k = 0; k < 7; k++) w.add(new Wave(r.nextInt(31) - 15, r.nextInt(31) - 15, r.nextDouble(), 2 * Math.PI * r.nextDouble()));
        return w;
    }

    /** The function at fine-grid coordinates (x, y), centre at (N/2, N/2). */
    static double f(List<Wave> waves, double x, double y) {
        double s = 0;
        for (Wave w : waves)
            s += w.amplitude * Math.cos(2 * Math.PI * (w.u * (x - N / 2.0) + w.v * (y - N / 2.0)) / N + w.phase);
        return s;
    }

    @Test
    void bandLimitedImagesKeepTheirCoefficientsAndValues() {
        int count = 3;
        float[][] fine = new float[count][N * N];
        try (MrcStackWriter w = MrcStackWriter.open(tmp.resolve("bl.mrcs"), N, N, 1.25)) {
            for (int i = 0; i < count; i++) {
                List<Wave> ws = waves(i);
                for (int y = 0; y < N; y++)
                    for (int x = 0; x < N; x++) fine[i][y * N + x] = (float) f(ws, x, y);
                w.append(fine[i]);
            }
        }
        Path star = TestSets.star(tmp.resolve("bl.star"), List.of(new TestSets.Group(1, 1.25, N)), true,
                TestSets.refs("bl.mrcs", count, 1));
        Path out = tmp.resolve("out");
        IngestOptions o = IngestOptions.of(star.toString(), out.toString());
        o.box = M;
        IngestJob.run(o, jsc());

        DatasetReader ds = DatasetReader.open(out);
        DatasetInfo info = ds.info();
        assertEquals(M, info.box());
        assertEquals(2.5, info.pixelSize(), 1e-12);
        assertEquals(2.5, info.opticsGroups().get(0).pixelSize(), 1e-12);
        assertEquals(1.25, info.opticsGroups().get(0).sourcePixelSize(), 1e-12);
        assertEquals(N, info.opticsGroups().get(0).sourceBox());
        ParticleBatch b;
        try (var s = ds.batches(10)) {
            b = s.next();
        }
        assertEquals(count, b.size);
        assertEquals(M, b.box);
        for (int i = 0; i < count; i++) {
            assertEquals(2.5, b.pixelSize[i], 1e-12);
            float[] c = b.images[i];
            assertEquals(M * M, c.length);
            // real space: coarse pixel j sits at fine coordinate 2j (centre M/2 ↔ N/2), values preserved
            List<Wave> ws = waves(i);
            for (int y = 0; y < M; y++)
                for (int x = 0; x < M; x++)
                    assertEquals(f(ws, 2 * x, 2 * y), c[y * M + x], 1e-5, "image " + i + " pixel (" + x + "," + y + ")");
            // Fourier space: every coefficient strictly inside the new Nyquist equals the fine one × (M/N)²
            double[] fc = Fft.forward2d(c, M), ff = Fft.forward2d(fine[i], N);
            double scale = (double) M * M / ((double) N * N), max = 0;
            for (double v : fc) max = Math.max(max, Math.abs(v));
            int compared = 0;
            for (int v = -M / 2 + 1; v < M / 2; v++)
                for (int u = -M / 2 + 1; u < M / 2; u++) {
                    int ic = 2 * ((v + M / 2) * M + u + M / 2), jf = 2 * ((v + N / 2) * N + u + N / 2);
                    assertEquals(ff[jf] * scale, fc[ic], 1e-5 * max, "Re F(" + u + "," + v + ")");
                    assertEquals(ff[jf + 1] * scale, fc[ic + 1], 1e-5 * max, "Im F(" + u + "," + v + ")");
                    compared++;
                }
            assertEquals((M - 1) * (M - 1), compared);
            assertTrue(max > 1, "the test image has energy");
        }
    }
}
