package dev.cryosphere.core.physics;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link CryoBenchFsc} and {@link SoftMask} against closed forms and against numpy/scipy re-implementations of
 * CryoBench's {@code get_fsc_curve}, sklearn's {@code auc} and {@code get_fsc_cutoff} (skipped when python3 with numpy
 * and scipy is missing).
 */
class CryoBenchFscTest {
    @TempDir
    Path dir;

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * n * n];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /** cos(2π k·(x − shift)/n) summed over the given wave vectors (k in cycles per box), on an n³ grid. */
    private static float[] waves(int n, int[][] k, double[] shiftX) {
        float[] v = new float[n * n * n];
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++) {
                    double s = 0;
                    for (int w = 0; w < k.length; w++)
                        s += Math.cos(2 * Math.PI * (k[w][0] * (x - shiftX[w]) + k[w][1] * y + k[w][2] * z) / n);
                    v[(z * n + y) * n + x] = (float) s;
                }
        return v;
    }

    @Test
    void identicalMapsScoreOneEverywhereAndTheAucIsTheSpanOfPixres() {
        int n = 16;
        float[] a = random(n, 1);
        CryoBenchFsc.Curve c = CryoBenchFsc.compute(a, a.clone(), n, 3.0, null);
        assertEquals(n / 2, c.fsc().length);                       // points 0 … N/2−1
        for (int i = 0; i < n / 2; i++) {
            assertEquals(i / 16.0, c.pixres()[i], 1e-15);
            assertEquals(1.0, c.fsc()[i], 1e-12);
        }
        assertEquals(7.0 / 16, c.auc(), 1e-12);                     // (N/2 − 1)/N
        assertEquals(6.0, c.resolutionAt(0.143), 1e-12);            // never below: 2 px = 6 Å
        assertEquals(6.0, c.resolutionAt(0.5), 1e-12);
    }

    @Test
    void aNegatedMapHasFscMinusOneAndTheSameAbsoluteAuc() {
        int n = 16;
        float[] a = random(n, 2), b = a.clone();
        for (int i = 0; i < b.length; i++) b[i] = -b[i];
        CryoBenchFsc.Curve c = CryoBenchFsc.compute(a, b, n, 2.0, null);
        assertEquals(1.0, c.fsc()[0]);                              // point 0 is 1 by definition
        for (int i = 1; i < n / 2; i++) assertEquals(-1.0, c.fsc()[i], 1e-12);
        assertEquals(7.0 / 16, c.auc(), 1e-12);                     // |FSC|: the signed area would be −6/16 + …
        assertEquals(2.0 * 16, c.resolutionAt(0.5), 1e-12);          // first point below: i = 1, 1/pixres = 16 px
    }

    /**
     * Two cosines of 3 cycles/box along x and along y (both in point 4: 3 ≤ |k| &lt; 4); the second map moves the x wave by
     * s = 2 voxels, a phase φ = 2π·3·2/16 = 135°. Closed form: FSC(point 4) = (1 + cos φ)/2 = 0.1464466. (The other
     * points hold only float rounding of the two maps, so their value is arbitrary.)
     */
    @Test
    void aShiftedWaveGivesTheClosedFormCorrelation() {
        int n = 16;
        int[][] k = {{3, 0, 0}, {0, 3, 0}};
        CryoBenchFsc.Curve c = CryoBenchFsc.compute(waves(n, k, new double[]{0, 0}), waves(n, k, new double[]{2, 0}), n, 1.5, null);
        double expected = (1 + Math.cos(2 * Math.PI * 3 * 2 / 16.0)) / 2;
        assertEquals(0.14644661, expected, 1e-8);
        assertEquals(expected, c.fsc()[4], 1e-6);
    }

    /**
     * AUC and cut-offs of a hand-made curve, N = 16, 1.5 Å/px: |FSC| = 1 except 0.1464466 at point 4 (pixres 4/16).
     * AUC = 7/16 − (1 − 0.1464466)/16 = 0.3841529 (two trapezoids each lose (1 − 0.1464)/2 · 1/16); the signed value
     * −0.1464466 there gives the same |FSC| AUC. FSC 0.5: first point below is 4, 1/pixres = 4 px = 6 Å; FSC 0.143:
     * 0.1464 ≥ 0.143 never drops below, 2 px = 3 Å; with −0.1464 it does, at point 4: 6 Å.
     */
    @Test
    void aucAndCutoffsOfAHandMadeCurve() {
        double[] pixres = new double[8], fsc = new double[8];
        for (int i = 0; i < 8; i++) { pixres[i] = i / 16.0; fsc[i] = 1; }
        fsc[4] = 0.1464466;
        CryoBenchFsc.Curve c = new CryoBenchFsc.Curve(pixres, fsc, 16, 1.5);
        assertEquals(0.3841529, c.auc(), 1e-7);
        assertEquals(6.0, c.resolutionAt(0.5), 1e-12);
        assertEquals(3.0, c.resolutionAt(0.143), 1e-12);
        fsc[4] = -0.1464466;
        assertEquals(0.3841529, c.auc(), 1e-7);
        assertEquals(6.0, c.resolutionAt(0.143), 1e-12);
    }

    /** One wave moved by s voxels: FSC = cos(2π·k·s/n) in its point. k = 5, s = 1, n = 32: cos(56.25°) = 0.5555702. */
    @Test
    void aSingleShiftedWaveGivesCosineOfThePhase() {
        int n = 32;
        int[][] k = {{5, 0, 0}};
        CryoBenchFsc.Curve c = CryoBenchFsc.compute(waves(n, k, new double[]{0}), waves(n, k, new double[]{1}), n, 1, null);
        assertEquals(0.5555702, c.fsc()[6], 1e-6);                  // 5 ≤ |k| < 6: point 6
    }

    @Test
    void independentNoiseCorrelatesNearZero() {
        int n = 32;
        CryoBenchFsc.Curve c = CryoBenchFsc.compute(random(n, 3), random(n, 4), n, 1, null);
        for (int i = 6; i < n / 2; i++) assertTrue(Math.abs(c.fsc()[i]) < 0.3, "point " + i + ": " + c.fsc()[i]);
        double mean = 0;
        for (int i = 6; i < n / 2; i++) mean += c.fsc()[i] / (n / 2 - 6);
        assertEquals(0, mean, 0.1);
    }

    @Test
    void aMaskIsMultipliedIntoBothMaps() {
        int n = 16;
        float[] a = random(n, 5), b = random(n, 6), m = random(n, 7);
        float[] am = a.clone(), bm = b.clone();
        for (int i = 0; i < a.length; i++) { am[i] *= m[i]; bm[i] *= m[i]; }
        assertArrayEquals(CryoBenchFsc.compute(am, bm, n, 1, null).fsc(), CryoBenchFsc.compute(a, b, n, 1, m).fsc(), 1e-12);
    }

    @Test
    void softMaskAroundOneVoxelIsTheRaisedCosineOfTheDistance() {
        int n = 16, c = 8;
        float[] map = new float[n * n * n];
        map[(c * n + c) * n + c] = 10;
        float[] m = SoftMask.fromMap(map, n, 0.5, 3, 3);
        // distance 0, 3: inside (1); 4: 0.5 + 0.5 cos(π/3) = 0.75; √27 = 5.196: 0.5 + 0.5 cos(π·2.196/3) = 0.1669; 6 and beyond: 0
        assertEquals(1.0, m[(c * n + c) * n + c], 0);
        assertEquals(1.0, m[(c * n + c) * n + c + 3], 0);
        assertEquals(0.75, m[(c * n + c + 4) * n + c], 1e-6);
        assertEquals(0.5 + 0.5 * Math.cos(Math.PI * (Math.sqrt(27) - 3) / 3), m[((c + 3) * n + c + 3) * n + c + 3], 1e-6);
        assertEquals(0.16693, m[((c + 3) * n + c + 3) * n + c + 3], 1e-4);
        assertEquals(0.0, m[(c * n + c) * n + c + 6], 0);
        assertEquals(0.0, m[0], 0);
    }

    // ---------------------------------------------------------------- numpy / scipy oracle

    private static final String ORACLE = """
            import sys, numpy as np
            from scipy import ndimage
            n = int(sys.argv[1]); d = sys.argv[2]
            rd = lambda f: np.fromfile(d + '/' + f, dtype='<f4').reshape(n, n, n)
            a, b, m = rd('a'), rd('b'), rd('m')   # float32: masks are multiplied in single precision, as ours
            # CryoBench metrics/fsc/utils/volumes.py get_fsc_curve, re-implemented with numpy
            def curve(v1, v2):
                f1 = np.fft.fftshift(np.fft.fftn(np.fft.fftshift(v1.astype(np.float64))))
                f2 = np.fft.fftshift(np.fft.fftn(np.fft.fftshift(v2.astype(np.float64))))
                x = np.arange(-n // 2, n // 2)
                x2, x1, x0 = np.meshgrid(x, x, x, indexing='ij')
                dist = np.sqrt(x0 ** 2 + x1 ** 2 + x2 ** 2)
                out, prev = [1.0], np.zeros(dist.shape, bool)
                for i in range(1, n // 2):
                    cur = dist < i
                    s = cur & ~prev
                    u, w = f1[s], f2[s]
                    var = (np.vdot(u, u) * np.vdot(w, w)) ** 0.5
                    out.append(float((np.vdot(u, w) / var).real) if var else 1.0)
                    prev = cur
                return np.arange(n // 2) / n, np.array(out)
            def auc(x, y):  # sklearn.metrics.auc: trapezoid
                return float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2))
            def cutoff(x, y, t):  # get_fsc_cutoff, in pixels
                k = np.where(y < t)[0]
                return x[k[0]] ** -1 if len(k) > 0 else 2.0
            for v1, v2 in ((a, b), (a * m, b * m)):
                x, y = curve(v1, v2)
                print(' '.join(repr(float(v)) for v in y))
                print(auc(x, np.abs(y)), cutoff(x, y, 0.5), cutoff(x, y, 0.143))
            # soft mask: threshold 0.3 of the max, extend 2, soft 3, via scipy's exact Euclidean distance transform
            init = a >= 0.3 * a.max()
            dd = ndimage.distance_transform_edt(~init)
            mk = np.where(dd <= 2, 1.0, np.where(dd >= 5, 0.0, 0.5 + 0.5 * np.cos(np.pi * (dd - 2) / 3)))
            print(' '.join(repr(float(v)) for v in mk.ravel()))
            """;

    private static void write(Path f, float[] v) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) bb.putFloat(x);
        Files.write(f, bb.array());
    }

    static List<String> python(Path dir, String script, String... args) throws IOException, InterruptedException {
        Path py = dir.resolve("oracle.py");
        Files.writeString(py, script);
        List<String> cmd = new ArrayList<>(List.of("python3", py.toString()));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("python3 not available: " + e.getMessage());
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        Assumptions.assumeFalse(out.contains("ModuleNotFoundError"), "numpy/scipy missing: " + out);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static double[] numbers(String line) {
        String[] f = line.trim().split("\\s+");
        double[] v = new double[f.length];
        for (int i = 0; i < f.length; i++) v[i] = Double.parseDouble(f[i]);
        return v;
    }

    /** A smooth blob plus noise, so that FSCs take every value, and a random positive mask. */
    @Test
    void matchesANumpyReimplementationOfCryoBench() throws Exception {
        int n = 24;
        double apix = 2.5;
        float[] a = random(n, 11), b = random(n, 12), m = random(n, 13);
        Random r = new Random(14);
        for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
                for (int x = 0; x < n; x++) {
                    int i = (z * n + y) * n + x;
                    double blob = 8 * Math.exp(-((x - 12) * (x - 12) + (y - 10) * (y - 10) + (z - 13) * (z - 13)) / 18.0);
                    a[i] = (float) (blob + 0.5 * a[i]);
                    b[i] = (float) (blob + 0.7 * b[i]);
                    m[i] = (float) r.nextDouble();
                }
        write(dir.resolve("a"), a);
        write(dir.resolve("b"), b);
        write(dir.resolve("m"), m);
        List<String> out = python(dir, ORACLE, String.valueOf(n), dir.toString());
        for (int pass = 0; pass < 2; pass++) {
            CryoBenchFsc.Curve c = CryoBenchFsc.compute(a, b, n, apix, pass == 0 ? null : m);
            double[] expected = numbers(out.get(2 * pass)), summary = numbers(out.get(2 * pass + 1));
            assertArrayEquals(expected, c.fsc(), 1e-9, "pass " + pass);
            assertEquals(summary[0], c.auc(), 1e-9);
            assertEquals(summary[1] * apix, c.resolutionAt(0.5), 1e-9);
            assertEquals(summary[2] * apix, c.resolutionAt(0.143), 1e-9);
            assertTrue(summary[0] > 0.05 && summary[0] < 0.45, "an informative case: AUC " + summary[0]);
        }
        assertArrayEquals(numbers(out.get(4)), toDouble(SoftMask.fromMap(a, n, 0.3, 2, 3)), 1e-6);
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
