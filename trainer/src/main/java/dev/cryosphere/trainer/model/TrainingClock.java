package dev.cryosphere.trainer.model;

/**
 * The trainer's progress, in epochs with fractions (epoch 3, half done = 3.5), as every model replica in this JVM must
 * see it. Why not DL4J's own epoch counter: DL4J's gradient-sharing workers build their replica once and keep it (and
 * its count) across the driver's epochs, so a schedule keyed by it never advanced on Spark (measured on the 2-worker
 * cluster); and an epoch count cannot say where a run of one long epoch is.
 * <ul>
 * <li>In one JVM the trainer publishes its progress before every step ({@link #setProgress}).</li>
 * <li>On Spark every task that makes an epoch's batches publishes that epoch's {@link Plan}: DL4J makes batches ahead
 * of training (under gradient sharing a few ahead, on a prefetch thread; under parameter averaging DL4J's own path
 * made all of an epoch's first, and its prefetch option would make them ahead too), so a progress published per batch while making them would run ahead of the steps. A replica's schedule instead counts its own steps: DL4J passes the replica's iteration count to the schedule,
 * and the progress is the plan's epoch plus the steps since the plan's anchor over the steps a replica takes per epoch.
 * Under gradient sharing the replica persists across epochs and its count is its own, so the anchor is its count at
 * its first step under the plan; a JVM that made none of an epoch's batches keeps counting from the previous plan,
 * which gives the same progress when every epoch has the same steps. Under parameter averaging a replica lives for one
 * average only (its count restarts at 0, measured), so there the progress comes with the batch itself: each batch
 * carries the progress it was made at, and a DL4J training hook publishes it on the training thread before the step
 * ({@link #setBatchProgress}): exact, and the same in every run.</li>
 * </ul>
 * Neither set, schedules fall back to the epoch DL4J passes.
 */
public final class TrainingClock {
    private static volatile double progress = -1;
    private static volatile Plan plan;
    private static final ThreadLocal<Double> batchProgress = new ThreadLocal<>();

    /**
     * An epoch as the driver planned it: its index, the steps each replica takes in it, and the iteration count its
     * first step has ({@code anchor}; negative: the replica's count at its first step under this plan).
     */
    public record Plan(long id, int epoch, double stepsPerReplica, long anchor) implements java.io.Serializable {
        public Plan {
            if (!(stepsPerReplica > 0)) throw new IllegalArgumentException("steps per replica must be > 0: " + stepsPerReplica);
        }
    }

    /** The anchor found at the first step under a plan without one (gradient sharing): {plan id, iteration}. */
    private static volatile long[] firstSeen;

    private TrainingClock() {}

    /** Publishes the progress (epochs, ≥ 0) of the step about to be taken. */
    public static void setProgress(double t) {
        if (!(t >= 0) || !Double.isFinite(t)) throw new IllegalArgumentException("progress must be >= 0: " + t);
        progress = t;
    }

    /** On a Spark executor: the plan of the epoch whose batches this JVM is making (the same from every task). */
    public static void setPlan(Plan p) {
        if (p == null) return;
        Plan current = plan;
        if (current == null || current.id() != p.id()) plan = p;
    }

    /** On a training thread: the progress of the batch about to be stepped (null: none). */
    public static void setBatchProgress(Double t) {
        if (t == null) batchProgress.remove();
        else batchProgress.set(t);
    }

    /** Clears the clock (end of a run), so later graphs in this JVM use DL4J's count again. */
    public static void clear() {
        progress = -1;
        plan = null;
        firstSeen = null;
    }

    /** The published progress, or {@code fallback} when none is. */
    public static double progressOr(double fallback) {
        double t = progress;
        return t >= 0 ? t : fallback;
    }

    /**
     * The progress of a replica whose step has DL4J iteration count {@code iteration}: the batch's (Spark, parameter
     * averaging), else the published progress (one JVM), else the plan's (Spark, gradient sharing), else {@code fallback}.
     */
    public static double progressAt(int iteration, double fallback) {
        Double b = batchProgress.get();
        if (b != null) return b;
        double t = progress;
        if (t >= 0) return t;
        Plan p = plan;
        if (p == null) return fallback;
        long anchor = p.anchor();
        if (anchor < 0) {
            long[] seen = firstSeen;
            if (seen == null || seen[0] != p.id()) {
                seen = new long[]{p.id(), iteration};
                firstSeen = seen;
            }
            anchor = seen[1];
        }
        return p.epoch() + Math.max(0, iteration - anchor) / p.stepsPerReplica();
    }
}
