package dev.cryosphere.benchmark;

import dev.cryosphere.core.format.CsvTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The benchmark's scores on hand-made inputs. */
class BenchmarkTruthTest {
    @TempDir
    Path dir;

    @Test
    void labelsAreWrittenAsTheHandWrittenFormatDidAndANameWithACommaReadsBack() throws Exception {
        Path f = dir.resolve("labels.csv");
        BenchmarkTruth.writeLabels(f, new long[]{0, 25, 50}, new String[]{"conformation_000.mrc", "bin_001.mrc", "bin_001.mrc"});
        assertEquals("particle_index,map\n0,conformation_000.mrc\n25,bin_001.mrc\n50,bin_001.mrc\n", Files.readString(f));

        BenchmarkTruth.writeLabels(f, new long[]{3, 7}, new String[]{"open, closed.mrc", "say \"hi\".mrc"});
        assertEquals("particle_index,map\n3,\"open, closed.mrc\"\n7,\"say \"\"hi\"\".mrc\"\n", Files.readString(f));
        CsvTable t = CsvTable.read(f);
        assertEquals(2, t.size());
        assertEquals(3, t.integer(0, "particle_index"));
        assertEquals("open, closed.mrc", t.text(0, "map"));
        assertEquals("say \"hi\".mrc", t.text(1, "map"));
    }

    @Test
    void spearmanUsesAverageRanksAndSkipsNonFinitePairs() {
        assertEquals(1.0, BenchmarkTruth.spearman(new double[]{1, 2, 3, 4}, new double[]{10, 20, 30, 1000}), 1e-12);
        assertEquals(-1.0, BenchmarkTruth.spearman(new double[]{1, 2, 3, Double.NaN}, new double[]{3, 2, 1, 0}), 1e-12);
        assertArrayEquals(new double[]{1, 2.5, 2.5, 4}, SpearmanReference.ranks(new double[]{0, 5, 5, 9}), 1e-12);
        // x = 1,2,3,4 against y with a tie: ranks 1, 2.5, 2.5, 4 → Pearson of the ranks
        double r = BenchmarkTruth.spearman(new double[]{1, 2, 3, 4}, new double[]{0, 5, 5, 9});
        assertEquals(4.5 / Math.sqrt(5 * 4.5), r, 1e-12);
        // fewer than two finite pairs: NaN; a constant side: 0 (as before commons-math3)
        assertTrue(Double.isNaN(BenchmarkTruth.spearman(new double[]{1, Double.NaN}, new double[]{2, 3})));
        assertEquals(0.0, BenchmarkTruth.spearman(new double[]{1, 2, 3}, new double[]{7, 7, 7}), 0);
    }

    @Test
    void spearmanAgreesWithTheFormerHandWrittenRanks() {
        java.util.Random rng = new java.util.Random(5);
        for (int trial = 0; trial < 50; trial++) {
            int n = 2 + rng.nextInt(300);
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                // rounded values give many ties; a few non-finite values are skipped pairwise
                x[i] = Math.round(rng.nextGaussian() * 5);
                y[i] = trial % 2 == 0 ? x[i] + Math.round(rng.nextGaussian() * 3) : rng.nextGaussian();
                if (rng.nextInt(20) == 0) y[i] = Double.NaN;
                if (rng.nextInt(40) == 0) x[i] = Double.POSITIVE_INFINITY;
            }
            double ours = BenchmarkTruth.spearman(x, y), former = SpearmanReference.spearman(x, y);
            if (Double.isNaN(former)) assertTrue(Double.isNaN(ours), "trial " + trial);
            else assertEquals(former, ours, 1e-12, "trial " + trial);
        }
    }

    @Test
    void clusterAccuracyTakesTheBestOneToOneAssignment() {
        // clusters are labelled the other way round: still 5/6 right
        assertEquals(5.0 / 6, BenchmarkTruth.clusterAccuracy(new int[]{1, 1, 1, 0, 0, 1}, new int[]{0, 0, 0, 1, 1, 1}), 1e-12);
        // three clusters on two states: the third cluster counts as wrong
        assertEquals(4.0 / 6, BenchmarkTruth.clusterAccuracy(new int[]{0, 0, 2, 1, 1, 2}, new int[]{0, 0, 0, 1, 1, 1}), 1e-12);
        assertEquals(0.5, BenchmarkTruth.median(new double[]{1, 0, Double.NaN}), 1e-12);
    }

    @Test
    void segmentSeparationCountsMovingResiduesInSegmentsThatAreAtLeast90PercentMoving() {
        // residues 0-9 fixed, 10-19 moving
        int[] moving = java.util.stream.IntStream.range(10, 20).toArray();
        int[] exact = new int[20], shifted = new int[20], merged = new int[20];
        for (int r = 0; r < 20; r++) {
            exact[r] = r < 10 ? 0 : 1;
            shifted[r] = r < 9 ? 0 : 1;          // segment 1 = 1 fixed + 10 moving: 91 % moving, still separate
            merged[r] = r < 5 ? 0 : 1;           // segment 1 = 5 fixed + 10 moving: not separate
        }
        assertEquals(1.0, BenchmarkTruth.segmentSeparation(exact, moving), 1e-12);
        assertEquals(1.0, BenchmarkTruth.segmentSeparation(shifted, moving), 1e-12);
        assertEquals(0.0, BenchmarkTruth.segmentSeparation(merged, moving), 1e-12);
        // the moving residues split over a pure segment (12-19) and a mixed one (5-11: 5 fixed + 2 moving)
        int[] split = new int[20];
        for (int r = 0; r < 20; r++) split[r] = r < 5 ? 0 : r < 12 ? 1 : 2;
        assertEquals(0.8, BenchmarkTruth.segmentSeparation(split, moving), 1e-12);
    }
}
