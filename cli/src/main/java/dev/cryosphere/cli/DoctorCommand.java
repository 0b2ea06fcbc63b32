package dev.cryosphere.cli;

import dev.cryosphere.core.util.InputException;
import dev.cryosphere.spark.SparkContexts;
import dev.cryosphere.trainer.doctor.ClusterChecks;
import dev.cryosphere.trainer.doctor.Finding;
import dev.cryosphere.trainer.doctor.NodeChecks;
import dev.cryosphere.trainer.gpu.GpuPinningPlugin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;


import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Check that this machine, or every executor of a cluster, can train: backend, devices, memory, one step.",
        description = {"Prints the ND4J backend (CPU or CUDA), the devices and their memory, the OpenMP/BLAS threads, "
                + "JavaCPP's memory limits (org.bytedeco.javacpp.maxbytes, maxphysicalbytes), the Java, Spark, Hadoop, "
                + "DL4J, ND4J and JavaCPP versions, and runs one optimiser step of a tiny cryoSPHERE model on random data.",
                "With --master (or a --properties-file naming spark.master) the same checks run in a Spark job on every "
                        + "executor (each pinned to the GPU Spark assigned to its task, as in training), one line per "
                        + "executor. Give it the job's settings: --properties-file deploy/conf/standalone-gpu.conf, --conf.",
                "Exit code 0 when everything works, 3 with one 'error:' line per problem and its fix."})
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--master", paramLabel = "URL", description = "Also check every executor of this Spark master "
            + "(spark://host:7077, yarn, k8s://..., local[N]); its settings as for train (spark.* system properties, "
            + "spark-submit --conf).")
    String master;

    @Option(names = "--properties-file", paramLabel = "FILE", description = "Spark settings, as spark-submit's "
            + "(e.g. deploy/conf/*-gpu.conf); its spark.master is used without --master.")
    Path propertiesFile;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "A Spark setting (over the properties file), "
            + "e.g. --conf spark.executor.resource.gpu.amount=1.")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--workers-per-node", paramLabel = "N", description = "run.yaml's spark.workers_per_node, for the "
            + "check that DL4J's worker threads land on the executor's GPUs.")
    int workersPerNode = 1;

    @Option(names = "--wait", paramLabel = "SECONDS", description = "How long to wait for executors to register.")
    long waitSeconds = 60;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        int problems = 0;
        if (master != null) System.out.println("doctor: this JVM (the driver)");
        for (Finding f : NodeChecks.run()) {
            System.out.println("doctor: " + f.line());
            if (!f.ok()) {
                err.println(f.errorLine());
                problems++;
            }
        }
        if (master != null || propertiesFile != null) problems += executors(err);
        err.flush();
        if (problems > 0) {
            System.out.println("doctor: " + problems + " problem(s)");
            return 3;
        }
        System.out.println("doctor: ok");
        return 0;
    }

    private int executors(PrintWriter err) {
        int problems = 0;
        try (SparkContexts.Handle spark = SparkContexts.open("cryosphere doctor", master, Map.of(),
                c -> {
                    settings().forEach(c::set);
                    GpuPinningPlugin.addTo(c, workersPerNode);
                })) {
            List<ClusterChecks.ExecutorReport> reports = ClusterChecks.run(spark.context(), waitSeconds);
            for (ClusterChecks.ExecutorReport r : reports) {
                System.out.println("doctor: " + r.line());
                for (Finding f : r.findings())
                    if (!f.ok()) {
                        err.println(f.errorLine().replaceFirst("^error: ", "error: executor " + r.executorId() + ": "));
                        problems++;
                    }
            }
        }
        return problems;
    }

    /** The properties file's spark.* settings, then --conf's. */
    private Map<String, String> settings() {
        Map<String, String> all = new LinkedHashMap<>();
        if (propertiesFile != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(propertiesFile)) {
                p.load(r);
            } catch (IOException e) {
                throw new InputException(propertiesFile, null, "cannot read: " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) if (k.startsWith("spark.")) all.put(k, p.getProperty(k).trim());
        }
        all.putAll(conf);
        return all;
    }
}
