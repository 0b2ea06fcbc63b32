package dev.cryosphere.trainer.run;

import dev.cryosphere.trainer.model.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The NaN guard with reused copies (issue 20: no per-step allocation off the Java heap) trains exactly as before. */
class StepGuardTest {
    private static ModelConfig config() {
        return TinyModel.config();
    }

    private static ComputationGraph graph(ModelConfig c) {
        return TinyModel.graph(c);
    }

    private static List<BatchBuilder.Row> rows(int seed) {
        return TinyModel.rows(seed, TinyModel.BATCH);
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
