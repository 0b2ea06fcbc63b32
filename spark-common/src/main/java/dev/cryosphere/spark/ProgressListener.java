package dev.cryosphere.spark;

import dev.cryosphere.core.util.Progress;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.Tuple4;
import scala.collection.JavaConverters;
import scala.collection.Seq;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Driver-side progress of a job whose tasks count their items (images, particles) in a long accumulator: finished
 * tasks report their final value, running tasks their current one with each executor heartbeat
 * (spark.executor.heartbeatInterval). Used by ingest and evaluate.
 */
public final class ProgressListener extends SparkListener {
    private final long accumulatorId;
    private final Progress progress;
    private final Map<Long, Long> running = new ConcurrentHashMap<>();
    private long finished;

    public ProgressListener(long accumulatorId, Progress progress) {
        this.accumulatorId = accumulatorId;
        this.progress = progress;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        running.remove(end.taskInfo().taskId());
        if (end.taskInfo().successful()) finished += valueOf(end.taskInfo().accumulables());
        report();
    }

    @Override
    public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        for (Tuple4<Object, Object, Object, Seq<AccumulableInfo>> t : JavaConverters.seqAsJavaList(update.accumUpdates())) {
            long v = valueOf(t._4());
            if (v > 0) running.put((Long) t._1(), v);
        }
        report();
    }

    private void report() {
        long done = finished;
        for (long v : running.values()) done += v;
        progress.update(done);
    }

    private long valueOf(Seq<AccumulableInfo> infos) {
        for (AccumulableInfo a : JavaConverters.seqAsJavaList(infos)) {
            if (a.id() != accumulatorId) continue;
            Object v = a.update().isDefined() ? a.update().get() : a.value().isDefined() ? a.value().get() : null;
            if (v instanceof Number n) return n.longValue();
            if (v != null) {
                try {
                    return Long.parseLong(v.toString());
                } catch (NumberFormatException ignored) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
