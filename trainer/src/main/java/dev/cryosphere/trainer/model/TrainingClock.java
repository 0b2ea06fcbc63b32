package dev.cryosphere.trainer.model;

/**
 * The trainer's progress, in epochs with fractions (epoch 3, half done = 3.5), as every model replica in this JVM must
 * see it. Why not DL4J's own counter: a schedule keyed by DL4J's epoch reads the epoch count of the replica's
 * configuration, and DL4J's gradient-sharing workers build their replica once and keep it (and its count) across the
 * driver's epochs, so a schedule never advanced on Spark (measured on the 2-worker cluster); and an epoch count cannot
 * say where a run of one long epoch is. The single-JVM trainer publishes its progress before every step, each executor
 * task before it hands out each batch ({@code SparkEpochs}), so every replica's updater follows the same schedule.
 * Unset (negative), schedules fall back to the epoch DL4J passes.
 */
public final class TrainingClock {
    private static volatile double progress = -1;

    private TrainingClock() {}

    /** Publishes the progress (epochs, ≥ 0) of the step about to be taken. */
    public static void setProgress(double t) {
        if (!(t >= 0) || !Double.isFinite(t)) throw new IllegalArgumentException("progress must be >= 0: " + t);
        progress = t;
    }

    /** Clears the clock (end of a run), so later graphs in this JVM use DL4J's count again. */
    public static void clear() {
        progress = -1;
    }

    /** The published progress, or {@code fallback} when none is. */
    public static double progressOr(double fallback) {
        double t = progress;
        return t >= 0 ? t : fallback;
    }
}
