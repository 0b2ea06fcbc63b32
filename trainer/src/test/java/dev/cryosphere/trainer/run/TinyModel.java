package dev.cryosphere.trainer.run;

import dev.cryosphere.core.geometry.Rotations;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.trainer.model.BaseStructure;
import dev.cryosphere.trainer.model.CryoSphereGraph;
import dev.cryosphere.trainer.model.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A 30-residue helix-like chain, 16-px images and small networks: a whole model whose steps take milliseconds. */
final class TinyModel {
    static final int BOX = 16, BATCH = 8;

    private TinyModel() {}

    static ModelConfig config() {
        return ModelConfig.defaults(BOX, 4.0, 30, 3).withNetworks(3, List.of(16, 8), List.of(8)).withBatchSize(BATCH).withSeed(7);
    }

    static BaseStructure structure() {
        Random rng = new Random(3);
        double[] xyz = new double[90], amp = new double[30];
        for (int i = 0; i < 30; i++) {
            xyz[3 * i] = 3.8 * (i - 15) * 0.5;
            xyz[3 * i + 1] = 6 * Math.sin(i / 3.0);
            xyz[3 * i + 2] = 6 * Math.cos(i / 3.0);
            amp[i] = 4 + 6 * rng.nextDouble();
        }
        return BaseStructure.chain(xyz, amp);
    }

    static ComputationGraph graph(ModelConfig c) {
        return CryoSphereGraph.create(CryoSphereGraph.configuration(c, structure()));
    }

    /** {@code count} noise images with uniform random poses, shifts and CTFs. */
    static List<BatchBuilder.Row> rows(int seed, int count) {
        Random rng = new Random(seed);
        List<BatchBuilder.Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] img = new float[BOX * BOX];
            for (int p = 0; p < img.length; p++) img[p] = (float) rng.nextGaussian();
            rows.add(new BatchBuilder.Row(i, img, Rotations.uniform(rng), rng.nextGaussian(), rng.nextGaussian(),
                    CtfParams.of(8000 + 4000 * rng.nextDouble(), 8000, 10, 300, 2.7, 0.1)));
        }
        return rows;
    }
}
