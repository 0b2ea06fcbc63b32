package dev.cryosphere.trainer.model;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Arrays;

/**
 * Step decay of a learning rate keyed by the {@link TrainingClock}'s progress t (epochs): base · decay^(number of
 * milestones ≤ t); with whole-epoch milestones the reference's MultiStepLR stepped once per epoch. Carried inside the updater's configuration, so every
 * replica (driver, Spark workers) evaluates it against the clock of its own JVM.
 */
public final class ClockedStepSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    @JsonProperty private double base;
    @JsonProperty private double[] milestones;
    @JsonProperty private double decay;

    /** For JSON. */
    private ClockedStepSchedule() {}

    public ClockedStepSchedule(double base, double[] milestones, double decay) {
        this.base = base;
        this.milestones = milestones.clone();
        this.decay = decay;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double t = TrainingClock.progressOr(epoch);
        double v = base;
        for (double m : milestones) if (m <= t) v *= decay;
        return v;
    }

    @Override
    public ISchedule clone() {
        return new ClockedStepSchedule(base, milestones, decay);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClockedStepSchedule s && s.base == base && s.decay == decay && Arrays.equals(s.milestones, milestones);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(base) * 31 + Arrays.hashCode(milestones);
    }
}
