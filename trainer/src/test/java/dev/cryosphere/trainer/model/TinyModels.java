package dev.cryosphere.trainer.model;

import dev.cryosphere.core.geometry.Rotations;
import dev.cryosphere.core.physics.CtfParams;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

/** Small synthetic structures, configs and batches for the model tests. */
final class TinyModels {
    private TinyModels() {}

    /** A random chain: steps of ~3.8 Å in random directions, inside a ball of {@code radius} Å. */
    static BaseStructure randomChain(int residues, double radius, Random rng) {
        double[] xyz = new double[3 * residues], amp = new double[residues];
        double[] p = {0, 0, 0};
        for (int i = 0; i < residues; i++) {
            for (int tries = 0; ; tries++) {
                double[] d = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
                double n = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                double[] q = {p[0] + 3.8 * d[0] / n, p[1] + 3.8 * d[1] / n, p[2] + 3.8 * d[2] / n};
                if (i == 0 || Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]) < radius || tries > 50) {
                    if (i > 0) p = q;
                    break;
                }
            }
            System.arraycopy(p, 0, xyz, 3 * i, 3);
            amp[i] = 4 + 6 * rng.nextDouble();
        }
        return BaseStructure.chain(xyz, amp);
    }

    static ModelConfig tinyConfig(int box, double apix, int residues, int k, int latent, int hidden) {
        return ModelConfig.defaults(box, apix, residues, k)
                .withNetworks(latent, List.of(hidden, hidden), List.of(hidden));
    }

    static CtfParams randomCtf(Random rng) {
        return CtfParams.of(5000 + 15000 * rng.nextDouble(), 5000 + 15000 * rng.nextDouble(), 180 * rng.nextDouble(),
                300, 2.7, 0.1);
    }

    /** Inputs (image, latentNoise, cond) for a batch with random poses, origins, CTFs and noise. */
    static INDArray[] randomInputs(ModelConfig c, int batch, double[] betas, Random rng, DataType dt,
                                   double[][] rotations, double[][] origins, CtfParams[] ctfs, double[][] gmmNoise) {
        InputLayout layout = InputLayout.of(c);
        int k = c.segments();
        double[][] cond = new double[batch][];
        double[][] image = new double[batch][c.pixels()];
        double[][] latent = new double[batch][c.latentDim()];
        for (int b = 0; b < batch; b++) {
            rotations[b] = Rotations.uniform(rng);
            origins[b] = new double[]{4 * rng.nextGaussian(), 4 * rng.nextGaussian()};
            ctfs[b] = b % 3 == 2 ? null : randomCtf(rng);
            gmmNoise[b] = new double[3 * k];
            for (int i = 0; i < 3 * k; i++) gmmNoise[b][i] = rng.nextGaussian();
            for (int i = 0; i < c.latentDim(); i++) latent[b][i] = rng.nextGaussian();
            for (int i = 0; i < c.pixels(); i++) image[b][i] = rng.nextGaussian();
            double[] grid = ctfs[b] == null ? null : InputLayout.ctfGrid(ctfs[b], c.box(), c.apix());
            cond[b] = layout.condRow(rotations[b], origins[b][0], origins[b][1], grid, gmmNoise[b], betas, c.tauAt(0));
        }
        return new INDArray[]{Nd4j.create(image).castTo(dt), Nd4j.create(latent).castTo(dt), Nd4j.create(cond).castTo(dt)};
    }

    static ComputationGraph graph(ModelConfig c, BaseStructure s, DataType dt) {
        return CryoSphereGraph.create(CryoSphereGraph.configuration(c, s, dt,
                new org.nd4j.linalg.learning.config.NoOp(), new org.nd4j.linalg.learning.config.NoOp()));
    }
}
