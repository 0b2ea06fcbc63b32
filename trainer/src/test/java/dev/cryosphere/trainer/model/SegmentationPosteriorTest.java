package dev.cryosphere.trainer.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The two forms of the segment weights against hand-computed values: a narrow segment (mean 10, std 2) beside a wide
 * one (mean 30, std 20), equal proportions, τ = 1, no noise. At residue 14 the reference's weights (no −log s_k)
 * favour the wide segment, 20 residues away: exp(−0.32) against exp(−2). The GMM's posterior charges the wide one
 * log 20 and gives the residue to the narrow segment it lies 2 stds from.
 */
class SegmentationPosteriorTest {
    private static final ModelConfig.Part PART = ModelConfig.Part.whole(40, 2);
    private static final double FLOOR = 1e-3;

    @Test
    void normalisedPosteriorChargesAWideSegmentForItsWidth() {
        double x1 = StdTransform.inverse(2, FLOOR), x2 = StdTransform.inverse(20, FLOOR);
        ModelConfig.GmmValues q = new ModelConfig.GmmValues(new double[]{10, 30}, new double[]{0, 0},
                new double[]{x1, x2}, new double[]{0, 0}, new double[]{0, 0}, new double[]{0, 0});
        double[] noise = new double[6];
        double[][] reference = Segmentation.weights(q, List.of(PART), 40, noise, 1.0, FLOOR, false);
        double[][] normalised = Segmentation.weights(q, List.of(PART), 40, noise, 1.0, FLOOR, true);

        double l1 = -0.5 * 2 * 2, l2 = -0.5 * 0.8 * 0.8;                 // (14 − 10)/2, (14 − 30)/20
        assertEquals(Math.exp(l1) / (Math.exp(l1) + Math.exp(l2)), reference[14][0], 1e-12);
        assertEquals(0.1571, reference[14][0], 1e-4);
        double n1 = l1 - Math.log(2), n2 = l2 - Math.log(20);
        assertEquals(Math.exp(n1) / (Math.exp(n1) + Math.exp(n2)), normalised[14][0], 1e-12);
        assertEquals(0.6508, normalised[14][0], 1e-4);
        for (int r = 0; r < 40; r++) assertEquals(1.0, normalised[r][0] + normalised[r][1], 1e-12);
    }
}
