package dev.cryosphere.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Spark contexts for the jobs: the master comes from the command line (--master), else from {@code spark.master}
 * (spark-submit sets it), else local[*]; never hard-coded. Local runs bind the driver to 127.0.0.1 and have no UI.
 * An already running context (tests, a shell) is reused and left running.
 */
public final class SparkContexts {
    private SparkContexts() {}

    /** A context and whether the caller owns it (must stop it). */
    public record Handle(JavaSparkContext context, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) context.stop();
        }
    }

    private static final String MARKER = "spark.cryosphere.context.id";

    public static Handle open(String appName, String master) {
        return open(appName, master, java.util.Map.of());
    }

    /** As {@link #open(String, String)}, with job-specific defaults (set only where the user's conf has none). */
    public static Handle open(String appName, String master, java.util.Map<String, String> defaults) {
        return open(appName, master, defaults, conf -> {});
    }

    /** As {@link #open(String, String, java.util.Map)}, then {@code adjust} edits the conf (e.g. to add a plugin). */
    public static Handle open(String appName, String master, java.util.Map<String, String> defaults,
                              java.util.function.Consumer<SparkConf> adjust) {
        SparkConf conf = new SparkConf().setAppName(appName);
        defaults.forEach(conf::setIfMissing);
        adjust.accept(conf);
        if (master != null && !master.isBlank()) conf.setMaster(master);
        else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        String m = conf.get("spark.master");
        boolean local = m.startsWith("local");
        if (local || m.contains("127.0.0.1") || m.contains("localhost")) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        if (local) conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // progress lines read task accumulators from executor heartbeats
        conf.setIfMissing("spark.executor.heartbeatInterval", "2s");
        // getOrCreate returns the running context if there is one (its settings win); the marker says whether it is ours
        String marker = java.util.UUID.randomUUID().toString();
        conf.set(MARKER, marker);
        SparkContext sc = SparkContext.getOrCreate(conf);
        return new Handle(JavaSparkContext.fromSparkContext(sc), marker.equals(sc.getConf().get(MARKER, "")));
    }
}
