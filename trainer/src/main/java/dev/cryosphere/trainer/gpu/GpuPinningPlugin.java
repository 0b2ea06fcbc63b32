package dev.cryosphere.trainer.gpu;

import org.apache.spark.SparkConf;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A Spark plugin ({@code spark.plugins}) whose executor side pins every task thread to its task's GPU
 * ({@link GpuPinning}). Why a plugin: Spark calls {@link ExecutorPlugin#onTaskStart()} in the task's thread after
 * setting its TaskContext and before the task's code; DL4J's training masters repartition the batches, so the thread
 * that builds and trains the model replica runs none of this project's code before it creates arrays.
 */
public final class GpuPinningPlugin implements SparkPlugin {
    /** Model replicas per executor (run.yaml spark.workers_per_node), for the ParallelWrapper check on executors. */
    public static final String WORKERS_PER_NODE = "spark.cryosphere.workersPerNode";

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            private int workers = 1;

            @Override
            public void init(PluginContext ctx, Map<String, String> extraConf) {
                workers = ctx.conf().getInt(WORKERS_PER_NODE, 1);
            }

            @Override
            public void onTaskStart() {
                GpuPinning.pinCurrentTask(workers);
            }
        };
    }

    /** Adds this plugin to {@code spark.plugins}, keeping the user's plugins (e.g. a profiler). */
    public static void addTo(SparkConf conf, int workersPerNode) {
        Set<String> plugins = new LinkedHashSet<>();
        for (String p : conf.get("spark.plugins", "").split(",")) if (!p.isBlank()) plugins.add(p.trim());
        plugins.add(GpuPinningPlugin.class.getName());
        conf.set("spark.plugins", String.join(",", plugins));
        conf.set(WORKERS_PER_NODE, String.valueOf(workersPerNode));
    }
}
