package dev.cryosphere.trainer.run;

import dev.cryosphere.core.format.AtomicModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The end-of-training segment line (author numbering, chains, gaps, empty segments) and the per-epoch line. */
class TrainReportTest {
    @TempDir
    Path dir;

    /** CA-only PDB: chain, residue number and insertion code per site. */
    private AtomicModel model(String... residues) throws Exception {
        List<String> lines = new ArrayList<>();
        int serial = 1;
        for (String r : residues) {
            String[] f = r.split(":");
            String num = f[1];
            char ic = Character.isLetter(num.charAt(num.length() - 1)) ? num.charAt(num.length() - 1) : ' ';
            int n = Integer.parseInt(ic == ' ' ? num : num.substring(0, num.length() - 1));
            lines.add(String.format(Locale.ROOT, "ATOM  %5d  CA  ALA %s%4d%c   %8.3f%8.3f%8.3f  1.00  0.00           C",
                    serial, f[0], n, ic, 3.8 * serial, 0.0, 0.0));
            serial++;
        }
        lines.add("END");
        Path pdb = dir.resolve("m.pdb");
        Files.write(pdb, lines);
        return AtomicModel.read(pdb);
    }

    @Test
    void segmentsAreResidueRangesPerChainInAuthorNumbering() throws Exception {
        // chain A: 10-14, then 20-22 (residues 15-19 missing), 22A; chain B: 1-4
        AtomicModel m = model("A:10", "A:11", "A:12", "A:13", "A:14", "A:20", "A:21", "A:22", "A:22A",
                "B:1", "B:2", "B:3", "B:4");
        assertEquals(13, m.size());
        //             A10 A11 A12 A13 A14 A20 A21 A22 A22A B1 B2 B3 B4
        int[] owner = {0,  0,  2,  2,  2,  2,  0,  0,  0,   0, 0, 2, 2};
        // segment 1: split in A (10-11 and 21-22A) and continued into chain B; segment 2 owns nothing;
        // segment 3 spans the numbering gap 14 -> 20 (one range: the segmentation runs over the residue index)
        assertEquals("segments: 1 A:10-11,A:21-22A,B:1-2  2 empty  3 A:12-20,B:3-4", TrainReport.segmentsLine(m, owner, 3));
        assertEquals(List.of(List.of("A:10-11", "A:21-22A", "B:1-2"), List.of(), List.of("A:12-20", "B:3-4")),
                TrainReport.ranges(m, owner, 3));
        // a single residue is written once; a residue outside every part (-1) belongs to no segment
        int[] single = {1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        assertEquals("segments: 1 A:12-22A,B:1-3  2 A:10,B:4",
                TrainReport.segmentsLine(m, single, 2));
    }

    @Test
    void ownersAreTheArgmaxOfTheWeightsAndZeroRowsBelongToNoSegment() {
        double[][] w = {{0.7, 0.3}, {0.2, 0.8}, {0, 0}};
        assertEquals(List.of(0, 1, -1), java.util.Arrays.stream(TrainReport.owners(w)).boxed().toList());
    }

    @Test
    void boundaryShiftIsTheLongestRunOfResiduesThatChangedSegment() {
        int[] start = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2};
        assertEquals(0, TrainReport.boundaryShift(start, start.clone()));
        assertEquals(2, TrainReport.boundaryShift(start, new int[]{0, 0, 0, 0, 0, 0, 1, 1, 2, 2}), "boundary 4 -> 6");
        assertEquals(1, TrainReport.boundaryShift(start, new int[]{0, 0, 0, 1, 1, 1, 1, 2, 2, 2}), "two boundaries by 1");
        assertEquals(4, TrainReport.boundaryShift(start, new int[]{0, 0, 0, 0, 0, 0, 0, 0, 2, 2}), "segment 2 vanished");
    }

    @Test
    void epochLineHasEveryWeightedTermTheRateAndTheEta() {
        double[] terms = {-0.30883, 0.021338, 0, 0, 0, 8.0466e-07, 0.00086};
        String line = TrainReport.epochLine(1, 300, -0.281162, terms, 35.53, 3725, null);
        assertEquals("train: epoch 2/300 loss -0.28116 | correlation -0.3088 kl_latent 0.02134 kl_means 0 kl_stds 0 "
                + "kl_proportions 0 continuity 8.047e-07 clash 0.0008600 | 35.5 images/s, ETA 1h02m", line);
        for (String t : LossProbe.TERMS) assertTrue(line.contains(" " + t + " "), t);
        String last = TrainReport.epochLine(299, 300, -0.5, terms, 10, 0, "across the cluster, images per executor {0=64}");
        assertTrue(last.endsWith("10.0 images/s across the cluster, images per executor {0=64}"), last);
    }
}
