package dev.cryosphere.trainer.model;

import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.physics.GaussianRenderer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SameDiff image equals the core renderer's (GaussianRenderer + Ctf) within 1e-4 relative
 * (max |diff| / max |image|), for the identity deformation and for a nonzero one checked against
 * {@link Segmentation} + {@link Deformation} in Java.
 */
class RendererEquivalenceTest {
    private static final int BOX = 32, RES = 30, K = 3, BATCH = 6;
    private static final double APIX = 2.0;

    @Test
    void identityDeformationMatchesGaussianRenderer() {
        check(false, DataType.DOUBLE, 1e-4);
    }

    @Test
    void nonzeroDeformationMatchesJavaDeformationThenRenderer() {
        check(true, DataType.DOUBLE, 1e-4);
    }

    @Test
    void floatGraphMatchesToo() {
        check(true, DataType.FLOAT, 1e-4);
    }

    /** With −log s_k in the weights; the per-image std draws differ, so the weights differ from the reference's. */
    @Test
    void normalisedPosteriorMatchesJavaSegmentation() {
        double moved = check(true, DataType.DOUBLE, 1e-4, List.of(ModelConfig.Part.whole(RES, K)), "normalised");
        assertTrue(moved > 1e-3, "the −log s_k term changed no weight by more than " + moved + ": the test would not see it");
    }

    @Test
    void partsWithUntouchedResidues() {
        // residues 0-4 and 15-17 belong to no part and must keep their base position
        check(true, DataType.DOUBLE, 1e-4, List.of(new ModelConfig.Part(5, 10, 2, 3), new ModelConfig.Part(18, 12, 1, 0)), "reference");
    }

    private static void check(boolean deform, DataType dt, double tol) {
        check(deform, dt, tol, List.of(ModelConfig.Part.whole(RES, K)), "reference");
    }

    /** @return the largest change of a weight between the configuration's posterior and the reference's */
    private static double check(boolean deform, DataType dt, double tol, List<ModelConfig.Part> parts, String posterior) {
        Random rng = new Random(7);
        BaseStructure s = TinyModels.randomChain(RES, 14, rng);
        ModelConfig c = TinyModels.tinyConfig(BOX, APIX, RES, K, 2, 8).withParts(parts).withSegmentationPosterior(posterior);
        ComputationGraph net = TinyModels.graph(c, s, dt);
        double[] decoded = new double[6 * c.segments()];
        if (deform) {
            for (int i = 0; i < decoded.length; i++) decoded[i] = (i % 6 < 3 ? 3.0 : 0.4) * rng.nextGaussian();
        }
        net.getParam(CryoSphereGraph.DEC_OUT + "_W").assign(0);
        net.getParam(CryoSphereGraph.DEC_OUT + "_b").assign(Nd4j.create(decoded, new long[]{1, decoded.length}, dt));

        double[][] rot = new double[BATCH][], origin = new double[BATCH][], noise = new double[BATCH][];
        CtfParams[] ctf = new CtfParams[BATCH];
        INDArray[] in = TinyModels.randomInputs(c, BATCH, new double[6], rng, dt, rot, origin, ctf, noise);
        INDArray pred = net.output(false, in)[0];

        GaussianRenderer renderer = new GaussianRenderer(BOX, APIX, c.sigma());
        double worst = 0, moved = 0;
        for (int b = 0; b < BATCH; b++) {
            double[] xyz = s.xyz();
            if (deform) {
                double[][] w = Segmentation.weights(c.startValues(), c, RES, noise[b], c.tau());
                double[][] ref = Segmentation.weights(c.startValues(), c.withSegmentationPosterior("reference"), RES, noise[b], c.tau());
                for (int r = 0; r < RES; r++)
                    for (int j = 0; j < w[r].length; j++) moved = Math.max(moved, Math.abs(w[r][j] - ref[r][j]));
                xyz = Deformation.apply(xyz, w, decoded);
            }
            float[] expected = renderer.render(xyz, s.amplitudes(), rot[b], origin[b][0], origin[b][1], ctf[b]);
            double maxAbs = 0, maxDiff = 0;
            for (int i = 0; i < expected.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
                maxDiff = Math.max(maxDiff, Math.abs(expected[i] - pred.getDouble(b, i)));
            }
            double rel = maxDiff / maxAbs;
            worst = Math.max(worst, rel);
            assertTrue(maxAbs > 1, "image " + b + " is empty");
            assertTrue(rel < tol, "image " + b + ": relative max error " + rel);
        }
        System.out.printf("renderer equivalence (deform=%s, %s, %s): worst relative error %.3g%n", deform, dt, posterior, worst);
        return moved;
    }
}
