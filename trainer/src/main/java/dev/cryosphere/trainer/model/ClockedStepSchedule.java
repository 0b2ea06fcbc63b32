package dev.cryosphere.trainer.model;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Arrays;

/**
 * Step decay of a learning rate keyed by the {@link TrainingClock}'s progress t (epochs): base · min(1, t / warmup) ·
 * decay^(number of milestones ≤ t); with whole-epoch milestones and no warm-up the reference's MultiStepLR stepped
 * once per epoch. Carried inside the updater's configuration, so every
 * replica (driver, Spark workers) evaluates it against the clock of its own JVM and its own step count.
 */
public final class ClockedStepSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    @JsonProperty private double base;
    @JsonProperty private double[] milestones;
    @JsonProperty private double decay;
    /** Epochs of linear warm-up from 0 (0 = none; absent in configurations saved before it existed). */
    @JsonProperty private double warmup;

    /** For JSON. */
    private ClockedStepSchedule() {}

    public ClockedStepSchedule(double base, double[] milestones, double decay) {
        this(base, milestones, decay, 0);
    }

    public ClockedStepSchedule(double base, double[] milestones, double decay, double warmup) {
        this.base = base;
        this.milestones = milestones.clone();
        this.decay = decay;
        this.warmup = warmup;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double t = TrainingClock.progressAt(iteration, epoch);
        return base * ModelConfig.LrSchedule.factor(t, milestones, decay, warmup);
    }

    @Override
    public ISchedule clone() {
        return new ClockedStepSchedule(base, milestones, decay, warmup);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClockedStepSchedule s && s.base == base && s.decay == decay && s.warmup == warmup && Arrays.equals(s.milestones, milestones);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(base) * 31 + Arrays.hashCode(milestones);
    }
}
