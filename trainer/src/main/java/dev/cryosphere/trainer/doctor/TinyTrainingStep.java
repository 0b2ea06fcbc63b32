package dev.cryosphere.trainer.doctor;

import dev.cryosphere.core.geometry.Rotations;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.trainer.model.BaseStructure;
import dev.cryosphere.trainer.model.CryoSphereGraph;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.BatchBuilder;
import dev.cryosphere.trainer.run.Trainer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One real optimiser step of the project's own model, made tiny (24 residues, 16 px, K = 2, batch 4) on random
 * data: the same graph, batch builder and NaN-guarded fit as {@code cryosphere train}, so it exercises every ND4J/DL4J
 * op training needs on this backend and device, in seconds.
 */
public final class TinyTrainingStep {
    /** The step's loss (NaN when it was not finite) and the seconds spent building the model and on the step. */
    public record Result(double loss, double buildSeconds, double stepSeconds) {}

    private TinyTrainingStep() {}

    public static Result run() {
        Random rng = new Random(7);
        int residues = 24;
        long t0 = System.nanoTime();
        ModelConfig config = ModelConfig.defaults(16, 4.0, residues, 2)
                .withNetworks(2, List.of(16, 16), List.of(16)).withBatchSize(4).withSeed(7);
        ComputationGraph graph = CryoSphereGraph.create(CryoSphereGraph.configuration(config, chain(residues, rng)));
        BatchBuilder builder = new BatchBuilder(config);
        List<BatchBuilder.Row> rows = new ArrayList<>();
        for (int i = 0; i < config.batchSize(); i++) {
            float[] image = new float[config.pixels()];
            for (int p = 0; p < image.length; p++) image[p] = (float) rng.nextGaussian();
            rows.add(new BatchBuilder.Row(i, image, Rotations.uniform(rng), rng.nextGaussian(), rng.nextGaussian(),
                    CtfParams.of(10000, 12000, 30, 300, 2.7, 0.1)));
        }
        // epoch 1's loss weights, so that every loss term is computed
        MultiDataSet batch = builder.build(rows, 7, 1, 0, 1.0);
        long t1 = System.nanoTime();
        double loss = Trainer.guardedFit(graph, batch);
        long t2 = System.nanoTime();
        return new Result(loss, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }

    /** A compact random chain: residues 3.8 Å apart inside a ball of 12 Å. */
    private static BaseStructure chain(int residues, Random rng) {
        double[] xyz = new double[3 * residues], amp = new double[residues];
        double[] p = {0, 0, 0};
        for (int i = 0; i < residues; i++) {
            if (i > 0) {
                for (int tries = 0; ; tries++) {
                    double[] d = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
                    double n = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                    double[] q = {p[0] + 3.8 * d[0] / n, p[1] + 3.8 * d[1] / n, p[2] + 3.8 * d[2] / n};
                    if (Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]) < 12 || tries > 50) {
                        p = q;
                        break;
                    }
                }
            }
            System.arraycopy(p, 0, xyz, 3 * i, 3);
            amp[i] = 6;
        }
        return BaseStructure.chain(xyz, amp);
    }
}
