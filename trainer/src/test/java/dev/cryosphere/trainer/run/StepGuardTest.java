package dev.cryosphere.trainer.run;

import dev.cryosphere.core.geometry.Rotations;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.trainer.model.BaseStructure;
import dev.cryosphere.trainer.model.CryoSphereGraph;
import dev.cryosphere.trainer.model.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The NaN guard with reused copies (issue 20: no per-step allocation off the Java heap) trains exactly as before. */
class StepGuardTest {
    private static final int BOX = 16, BATCH = 8;

    private static ModelConfig config() {
        return ModelConfig.defaults(BOX, 4.0, 30, 3).withNetworks(3, List.of(16, 8), List.of(8)).withBatchSize(BATCH).withSeed(7);
    }

    private static BaseStructure structure() {
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

    private static ComputationGraph graph(ModelConfig c) {
        return CryoSphereGraph.create(CryoSphereGraph.configuration(c, structure()));
    }

    private static List<BatchBuilder.Row> rows(int seed) {
        Random rng = new Random(seed);
        List<BatchBuilder.Row> rows = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            float[] img = new float[BOX * BOX];
            for (int p = 0; p < img.length; p++) img[p] = (float) rng.nextGaussian();
            rows.add(new BatchBuilder.Row(i, img, Rotations.uniform(rng), rng.nextGaussian(), rng.nextGaussian(),
                    CtfParams.of(8000 + 4000 * rng.nextDouble(), 8000, 10, 300, 2.7, 0.1)));
        }
        return rows;
    }

    @Test
    void reusedCopiesTrainBitForBitAsAPlainFit() {
        ModelConfig c = config();
        BatchBuilder b = new BatchBuilder(c);
        ComputationGraph plain = graph(c), guarded = graph(c);
        assertArrayEquals(plain.params().toFloatVector(), guarded.params().toFloatVector());
        try (StepGuard guard = new StepGuard()) {
            for (int s = 0; s < 4; s++) {
                plain.fit(b.build(rows(s), 7, 1, s, 1.0));
                MultiDataSet mds = b.build(rows(s), 7, 1, s, 1.0);
                assertTrue(Double.isFinite(guard.fit(guarded, mds)));
                StepGuard.release(mds);
                assertTrue(mds.getFeatures(0).wasClosed(), "the batch's arrays are freed at once");
            }
        }
        assertArrayEquals(plain.params().toFloatVector(), guarded.params().toFloatVector(), "parameters after 4 steps");
        assertArrayEquals(plain.getUpdater().getStateViewArray().toFloatVector(),
                guarded.getUpdater().getStateViewArray().toFloatVector(), "Adam state");
    }

    @Test
    void aNonFiniteStepRestoresTheParametersAndOptimiserStateFromTheReusedCopies() {
        ModelConfig c = config();
        BatchBuilder b = new BatchBuilder(c);
        ComputationGraph g = graph(c);
        try (StepGuard guard = new StepGuard()) {
            for (int s = 0; s < 2; s++) assertTrue(Double.isFinite(guard.fit(g, b.build(rows(s), 7, 1, s, 1.0))));
            INDArray params = g.params().dup(), state = g.getUpdater().getStateViewArray().dup();
            MultiDataSet bad = b.build(rows(5), 7, 1, 5, 1.0);
            bad.getFeatures(0).putScalar(0, 0, Float.NaN);
            bad.getLabels(0).putScalar(0, 0, Float.NaN);
            assertTrue(Double.isNaN(guard.fit(g, bad)));
            assertArrayEquals(params.toFloatVector(), g.params().toFloatVector());
            assertArrayEquals(state.toFloatVector(), g.getUpdater().getStateViewArray().toFloatVector());
            // and it keeps working afterwards
            assertTrue(Double.isFinite(guard.fit(g, b.build(rows(6), 7, 1, 6, 1.0))));
        }
    }
}
