package dev.cryosphere.trainer.model;

/**
 * The epoch the trainer is in, as every model replica in this JVM must see it. Why not DL4J's own counter: a schedule
 * keyed by DL4J's epoch reads the epoch count of the replica's configuration, and DL4J's gradient-sharing workers build
 * their replica once and keep it (and its count) across the driver's epochs, so a schedule never advanced on Spark
 * (measured on the 2-worker cluster). The driver publishes its epoch here before each epoch (single JVM), and each
 * executor task does the same before it hands out its first batch of that epoch ({@code SparkEpochs}), so every
 * replica's updater follows the driver's clock. Unset (-1), schedules fall back to the epoch DL4J passes.
 */
public final class TrainingClock {
    private static volatile int epoch = -1;

    private TrainingClock() {}

    /** Publishes the 0-based epoch now being trained. */
    public static void setEpoch(int e) {
        if (e < 0) throw new IllegalArgumentException("epoch must be >= 0: " + e);
        epoch = e;
    }

    /** Clears the clock (end of a run), so later graphs in this JVM use DL4J's count again. */
    public static void clear() {
        epoch = -1;
    }

    /** The published epoch, or {@code fallback} when none is. */
    public static int epochOr(int fallback) {
        int e = epoch;
        return e >= 0 ? e : fallback;
    }
}
