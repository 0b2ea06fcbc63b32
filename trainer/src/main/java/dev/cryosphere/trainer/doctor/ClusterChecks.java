package dev.cryosphere.trainer.doctor;

import dev.cryosphere.core.util.EnvironmentException;
import dev.cryosphere.trainer.gpu.GpuPinning;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link NodeChecks} on every executor of a Spark application: waits for the executors to register, then runs small
 * jobs until each executor JVM has reported once (tasks go where Spark places them, so a round may miss one).
 */
public final class ClusterChecks {
    /** One executor's findings. */
    public record ExecutorReport(String executorId, String host, List<Finding> findings) implements Serializable {
        public boolean ok() { return findings.stream().allMatch(Finding::ok); }

        /** One line: {@code executor 1 (host): ok; CPU (...); gpu 0 ...; OpenMP 1; step ...}. */
        public String line() {
            StringBuilder sb = new StringBuilder("executor " + executorId + " (" + host + "): " + (ok() ? "ok" : "FAILED"));
            for (Finding f : findings) {
                String r = f.result();
                switch (f.check()) {
                    case "versions" -> { continue; }
                    case "devices" -> r = r.contains("; host") ? r.substring(0, r.indexOf("; host")) : r;
                    case "threads", "memory" -> r = r.contains(",") ? r.substring(0, r.indexOf(',')) : r;
                    default -> { }
                }
                sb.append("; ").append(r);
            }
            return sb.toString();
        }
    }

    private ClusterChecks() {}

    /** Rounds of jobs before the executors that never reported are given up on. */
    static final int ROUNDS = 3;

    public static List<ExecutorReport> run(JavaSparkContext jsc, long waitSeconds) {
        int executors = awaitExecutors(jsc, waitSeconds);
        Map<String, ExecutorReport> byExecutor = new TreeMap<>();
        for (int round = 0; round < ROUNDS && byExecutor.size() < executors; round++) {
            int tasks = 4 * executors;
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < tasks; i++) ids.add(i);
            jsc.setJobGroup("cryosphere-doctor", "cryosphere doctor: checks on every executor", true);
            try {
                for (ExecutorReport r : jsc.parallelize(ids, tasks).mapPartitions(
                        (FlatMapFunction<Iterator<Integer>, ExecutorReport>) it -> List.of(here()).iterator()).collect())
                    byExecutor.putIfAbsent(r.executorId(), r);
            } finally {
                jsc.clearJobGroup();
            }
        }
        return new ArrayList<>(byExecutor.values());
    }

    /**
     * The number of executors to check: local mode has one (the driver); otherwise the registered ones, once
     * spark.executor.instances of them (when set) have come, or once their number has not changed for 3 s.
     */
    static int awaitExecutors(JavaSparkContext jsc, long waitSeconds) {
        if (jsc.master().startsWith("local")) return 1;
        // the status tracker lists the driver too
        return awaitExecutors(() -> jsc.sc().statusTracker().getExecutorInfos().length - 1,
                jsc.getConf().getInt("spark.executor.instances", 0), jsc.master(), waitSeconds * 1000, 3000);
    }

    static int awaitExecutors(java.util.function.IntSupplier registered, int expected, String master, long waitMillis,
                              long stableMillis) {
        long start = System.nanoTime(), stableSince = start;
        int seen = -1;
        while (System.nanoTime() - start < waitMillis * 1_000_000L) {
            int n = registered.getAsInt();
            if (n != seen) {
                seen = n;
                stableSince = System.nanoTime();
            }
            if (n > 0 && (expected > 0 ? n >= expected : System.nanoTime() - stableSince > stableMillis * 1_000_000L)) return n;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (seen > 0) return seen;
        throw new EnvironmentException(String.format(Locale.ROOT, "no executor registered with %s in %d s; fix: check the "
                + "master URL and that the workers have the free cores, memory and GPUs the application asks for "
                + "(spark.executor.cores, spark.executor.memory, spark.executor.resource.gpu.amount)", master, waitMillis / 1000));
    }

    /** Per executor JVM and GPU assignment, the checks run once: the other tasks of a round return the same report. */
    private static final Map<String, ExecutorReport> DONE = new ConcurrentHashMap<>();

    private static ExecutorReport here() {
        GpuPinning.Pin pin = GpuPinning.current();
        String key = pin == null ? "" : pin.describe();
        return DONE.computeIfAbsent(key, k -> {
            SparkEnv env = SparkEnv.get();
            String id = env == null ? "?" : env.executorId();
            String host = env == null ? "?" : env.blockManager().blockManagerId().host();
            return new ExecutorReport(id, host, NodeChecks.run());
        });
    }
}
