package dev.cryosphere.trainer.run;

import dev.cryosphere.trainer.model.ModelConfig;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A batch split across threads ({@link SplitBatchStep}) takes the step DL4J's own {@code fit} takes on the whole batch
 * (the oracle), to float rounding; the same split repeats bit for bit; a non-finite chunk is caught by the guard.
 */
class SplitBatchStepTest {
    private static final int ROWS = 10, STEPS = 4;   // 10 rows on 3 threads: uneven chunks of 3, 3 and 4

    @Test
    void aSplitStepIsDl4jsStepOnTheWholeBatch() {
        ModelConfig c = TinyModel.config();
        BatchBuilder b = new BatchBuilder(c);
        ComputationGraph plain = TinyModel.graph(c), split = TinyModel.graph(c);
        INDArray start = plain.params().dup();
        double worstScore = 0;
        try (StepGuard guard = new StepGuard(new SplitBatchStep(split, 3))) {
            for (int s = 0; s < STEPS; s++) {
                plain.fit(b.build(TinyModel.rows(s, ROWS), 7, 1, s, 1.0));
                double score = guard.fit(split, b.build(TinyModel.rows(s, ROWS), 7, 1, s, 1.0));
                worstScore = Math.max(worstScore, Math.abs(score - plain.score()) / Math.abs(plain.score()));
            }
        }
        double moved = plain.params().sub(start).amaxNumber().doubleValue();
        double off = plain.params().sub(split.params()).amaxNumber().doubleValue();
        System.out.printf("[test] %d steps: parameters moved up to %.3g, split vs whole batch differ by up to %.3g; "
                + "scores by %.2g (relative)%n", STEPS, moved, off, worstScore);
        assertTrue(moved > 1e-4, "the steps move the parameters: " + moved);
        assertTrue(off <= 1e-3 * moved, "split vs whole batch: " + off + " of a movement of " + moved);
        assertTrue(worstScore < 1e-5, "scores: " + worstScore);
        assertEquals(STEPS, split.getConfiguration().getIterationCount(), "one optimiser iteration per step");
        double stateOff = plain.getUpdater().getStateViewArray().sub(split.getUpdater().getStateViewArray()).amaxNumber().doubleValue();
        double state = plain.getUpdater().getStateViewArray().amaxNumber().doubleValue();
        assertTrue(stateOff <= 1e-3 * state, "Adam state: " + stateOff + " of " + state);
    }

    @Test
    void theSameSplitRepeatsBitForBit() {
        ModelConfig c = TinyModel.config();
        BatchBuilder b = new BatchBuilder(c);
        ComputationGraph first = TinyModel.graph(c), second = TinyModel.graph(c);
        try (StepGuard g1 = new StepGuard(new SplitBatchStep(first, 2)); StepGuard g2 = new StepGuard(new SplitBatchStep(second, 2))) {
            for (int s = 0; s < STEPS; s++) {
                g1.fit(first, b.build(TinyModel.rows(s, ROWS), 7, 1, s, 1.0));
                g2.fit(second, b.build(TinyModel.rows(s, ROWS), 7, 1, s, 1.0));
            }
        }
        assertArrayEquals(first.params().toFloatVector(), second.params().toFloatVector());
    }

    @Test
    void aNonFiniteLossInAReplicasChunkRestoresTheStateBeforeTheStep() {
        ModelConfig c = TinyModel.config();
        BatchBuilder b = new BatchBuilder(c);
        ComputationGraph g = TinyModel.graph(c);
        try (StepGuard guard = new StepGuard(new SplitBatchStep(g, 2))) {
            assertTrue(Double.isFinite(guard.fit(g, b.build(TinyModel.rows(0, ROWS), 7, 1, 0, 1.0))));
            INDArray params = g.params().dup(), state = g.getUpdater().getStateViewArray().dup();
            MultiDataSet bad = b.build(TinyModel.rows(1, ROWS), 7, 1, 1, 1.0);
            bad.getFeatures(0).putScalar(ROWS - 1, 0, Float.NaN);   // the last row: the second thread's chunk
            bad.getLabels(0).putScalar(ROWS - 1, 0, Float.NaN);
            assertTrue(Double.isNaN(guard.fit(g, bad)));
            assertArrayEquals(params.toFloatVector(), g.params().toFloatVector());
            assertArrayEquals(state.toFloatVector(), g.getUpdater().getStateViewArray().toFloatVector());
            assertTrue(Double.isFinite(guard.fit(g, b.build(TinyModel.rows(2, ROWS), 7, 1, 2, 1.0))));
        }
    }

    @Test
    void theDefaultUsesEveryCoreButNoFewerThan64ImagesPerThread() {
        assertEquals(1, SplitBatchStep.auto(32, 2));
        assertEquals(1, SplitBatchStep.auto(64, 2));
        assertEquals(2, SplitBatchStep.auto(128, 2));
        assertEquals(2, SplitBatchStep.auto(512, 2));
        assertEquals(8, SplitBatchStep.auto(512, 16));
        assertEquals(1, SplitBatchStep.auto(128, 1));
    }
}
