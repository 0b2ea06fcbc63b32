package dev.cryosphere.benchmark;

import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.physics.GaussianVolume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link CryoBenchScoring} on a small synthetic entry whose answers are known: two conformations (two positions of
 * one "domain" of a 6-site structure), 20 particles. Where the predicted structure is the true one, its map is the
 * true map and every CryoBench FSC point is 1: AUC = (N/2 − 1)/N = 15/32 at N = 32, resolution 2 px = 4 Å.
 */
class CryoBenchScoringTest {
    @TempDir
    Path dir;

    static final int N = 32;
    static final double APIX = 2, SIGMA = 2;
    static final double[] AMP = {6, 6, 6, 6, 6, 6};

    static double[] structure(int conformation) {
        double dx = conformation == 0 ? 0 : 8;   // the last two sites move 8 Å in x
        return new double[]{-6, 0, 0, -2, 0, 0, 2, 0, 0, 2, 4, 0, 6 + dx, 0, 0, 6 + dx, 4, 0};
    }

    static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    private Map<Integer, Volume> truthMaps() {
        Map<Integer, Volume> m = new HashMap<>();
        for (int c = 0; c < 2; c++) m.put(c, GaussianVolume.render(structure(c), AMP, N, APIX, SIGMA));
        return m;
    }

    @Test
    void perfectPredictionsScoreTheSpanOfPixresEverywhere() throws Exception {
        int n = 20;
        int[] bin = new int[n];
        double[][] z = new double[n][], coord = new double[n][];
        Map<Long, float[]> predicted = new HashMap<>();
        for (int i = 0; i < n; i++) {
            bin[i] = i % 2;
            coord[i] = new double[]{i};
            z[i] = new double[]{2 * i + 1, 0};
            predicted.put((long) i, toFloat(structure(bin[i])));
        }
        CryoBenchScoring.Result r = CryoBenchScoring.score(predicted, bin, truthMaps(), CryoBenchScoring.gaussian(AMP, SIGMA, N, APIX), z, coord, dir);
        assertEquals(20, r.images());
        assertEquals(15.0 / 32, r.auc(), 1e-9);
        assertEquals(15.0 / 32, r.aucMasked(), 1e-9);
        assertEquals(4.0, r.res0143(), 1e-12);
        assertEquals(4.0, r.res05Masked(), 1e-12);
        assertEquals(2, r.conformations());
        assertEquals(15.0 / 32, r.confAuc(), 1e-9);
        // the latent is an affine map of the true coordinate: (k+1)/k; 4 points per subset, k = max(1, round(0.04)) = 1
        assertEquals(2.0, r.neighbourSmall(), 1e-12);
        assertEquals(2.0, r.neighbourLarge(), 1e-12);
        assertEquals(20, CsvTable.read(dir.resolve("fsc_per_image.csv")).size());
        assertEquals(2 * 16, CsvTable.read(dir.resolve("fsc_per_conformation.csv")).size());
        // the bytes the hand-written writer gave (CSVPrinter quotes nothing here): "%.7g" numbers, "\n" line ends
        StringBuilder perImage = new StringBuilder(
                "particle_index,conformation,auc,auc_masked,res_0.5_A,res_0.143_A,res_0.5_masked_A,res_0.143_masked_A\n");
        for (int i = 0; i < n; i++) perImage.append(i).append(',').append(i % 2).append(",0.4687500,0.4687500,4.000000,4.000000,4.000000,4.000000\n");
        assertEquals(perImage.toString(), Files.readString(dir.resolve("fsc_per_image.csv")));
        String perConf = Files.readString(dir.resolve("fsc_per_conformation.csv"));
        assertTrue(perConf.startsWith("conformation,particle_index,point,pixres,frequency,fsc,fsc_masked\n"), perConf);
        CsvTable conf = CsvTable.read(dir.resolve("fsc_per_conformation.csv"));
        String p0 = conf.text(0, "particle_index");
        assertTrue(perConf.contains("\n0," + p0 + ",0,0.000000,0.000000,1.000000,1.000000\n0," + p0
                + ",1,0.03125000,0.01562500,1.000000,1.000000\n"), perConf);
        Volume mask = Volume.read(dir.resolve("mask.mrc"));
        assertEquals(1.0f, mask.at(N / 2, N / 2, N / 2));      // inside the structure
        assertEquals(0.0f, mask.at(0, 0, 0));                   // a corner, far from it
    }

    /**
     * Per conformation, only the particle nearest to the conformation's mean latent counts. Conformation 0: particles
     * 0, 2, 4 with latents 0, 5, 10 (mean 5: particle 2); conformation 1: particles 1, 3, 5 with 100, 104, 105 (mean
     * 103: particle 3). Particles 2 and 3 are predicted right, the others with the other conformation's structure: the
     * per-conformation AUC is 15/32 for both, while the per-image mean is lower (4 of 6 wrong).
     */
    @Test
    void perConformationUsesTheParticleNearestToTheMeanLatent() throws Exception {
        int[] bin = {0, 1, 0, 1, 0, 1};
        double[][] z = {{0}, {100}, {5}, {104}, {10}, {105}};
        Map<Long, float[]> predicted = new HashMap<>();
        for (int i = 0; i < 6; i++) predicted.put((long) i, toFloat(structure(i == 2 || i == 3 ? bin[i] : 1 - bin[i])));
        CryoBenchScoring.Result r = CryoBenchScoring.score(predicted, bin, truthMaps(), CryoBenchScoring.gaussian(AMP, SIGMA, N, APIX), z, null, dir);
        assertEquals(15.0 / 32, r.confAuc(), 1e-9);
        assertEquals(15.0 / 32, r.confAucMasked(), 1e-9);
        assertTrue(r.auc() < 15.0 / 32 - 0.01, "per image: " + r.auc());
        assertTrue(Double.isNaN(r.neighbourSmall()));
        var t = CsvTable.read(dir.resolve("fsc_per_conformation.csv"));
        assertEquals(2, t.integer(0, "particle_index"));
        assertEquals(3, t.integer(16, "particle_index"));
        assertTrue(Files.exists(dir.resolve("mask.mrc")));
    }
}
