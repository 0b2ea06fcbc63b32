package dev.cryosphere.trainer.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Where each replica's learning-rate schedule reads the run's progress (one JVM, gradient sharing, averaging). */
class TrainingClockTest {
    @AfterEach
    void clear() {
        TrainingClock.clear();
        TrainingClock.setBatchProgress(null);
    }

    @Test
    void nothingPublishedFallsBackToDl4jsEpoch() {
        assertEquals(3.0, TrainingClock.progressAt(120, 3));
    }

    @Test
    void aGradientSharingReplicaCountsItsStepsFromItsFirstStepUnderThePlan() {
        // 40 steps per replica per epoch; the replica's own count is 17 when epoch 2's plan reaches it
        TrainingClock.setPlan(new TrainingClock.Plan(7, 2, 40, -1));
        assertEquals(2.0, TrainingClock.progressAt(17, 0));
        assertEquals(2.0, TrainingClock.progressAt(17, 0), "several schedules evaluated in one step read the same");
        assertEquals(2.5, TrainingClock.progressAt(37, 0));
        TrainingClock.setPlan(new TrainingClock.Plan(7, 2, 40, -1));   // the same plan from another task: no re-anchor
        assertEquals(2.5, TrainingClock.progressAt(37, 0));
        // a JVM that made none of epoch 3's batches keeps counting under epoch 2's plan
        assertEquals(3.25, TrainingClock.progressAt(67, 0));
        TrainingClock.setPlan(new TrainingClock.Plan(8, 3, 40, -1));
        assertEquals(3.0, TrainingClock.progressAt(57, 0), "a new plan anchors at the replica's next step");
        assertEquals(3.025, TrainingClock.progressAt(58, 0), 1e-12);
    }

    @Test
    void theBatchsOwnProgressWinsThenTheOneJvmTrainersThenThePlan() {
        TrainingClock.setPlan(new TrainingClock.Plan(1, 5, 10, 100));
        assertEquals(5.5, TrainingClock.progressAt(105, 0));
        TrainingClock.setProgress(1.25);
        assertEquals(1.25, TrainingClock.progressAt(105, 0));
        TrainingClock.setBatchProgress(0.75);
        assertEquals(0.75, TrainingClock.progressAt(105, 0));
        TrainingClock.setBatchProgress(null);
        assertEquals(1.25, TrainingClock.progressAt(105, 0));
    }

    @Test
    void aPlanWithoutStepsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TrainingClock.Plan(1, 0, 0, -1));
    }
}
