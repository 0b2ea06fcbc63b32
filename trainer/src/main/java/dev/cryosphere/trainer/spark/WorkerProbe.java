package dev.cryosphere.trainer.spark;

import dev.cryosphere.trainer.gpu.GpuPinning;
import org.apache.spark.SparkEnv;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

import java.io.Serializable;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A training listener that DL4J installs on each executor's model replica: it remembers the replica (so a small
 * follow-up job can compare it with the driver's parameters) and logs one line every {@code every} steps to the
 * executor's stderr: {@code cryosphere-worker executor=ID pid=PID steps=N score=S checksum=C}.
 */
public final class WorkerProbe extends BaseTrainingListener implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile Model replica;
    static final AtomicLong STEPS = new AtomicLong();
    /** Sum of the minibatch scores of this JVM's replica(s) since the JVM started. */
    static final java.util.concurrent.atomic.DoubleAdder SCORES = new java.util.concurrent.atomic.DoubleAdder();
    private final int every;

    public WorkerProbe(int every) {
        this.every = Math.max(1, every);
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        // the GPU this training thread runs on, for the driver's record (a DL4J worker thread runs no task code of ours)
        GpuPinning.observeTrainingThread();
        GpuPinning.requireUsable();
        replica = model;
        SCORES.add(model.score());
        long n = STEPS.incrementAndGet();
        if (n % every == 0)
            System.err.printf(Locale.ROOT, "cryosphere-worker executor=%s pid=%d steps=%d score=%.6f checksum=%.6e%n",
                    executorId(), ProcessHandle.current().pid(), n, model.score(), model.params().sumNumber().doubleValue());
    }

    static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "?" : env.executorId();
    }
}
