package dev.cryosphere.cli;

import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.trainer.run.RunLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * deploy/submit.sh runs ingest, train and evaluate as spark-submit applications on a real 2-worker standalone
 * cluster (issue 8, acceptance 2): ingest through a SPARK_HOME (the cluster's own), train and evaluate through the
 * project's jars; each job uses both executors.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SubmitIT {
    @TempDir
    static Path dir;
    static Path root, sim, data, run, config;
    static LocalCluster cluster;

    @BeforeAll
    static void setUp() throws Exception {
        root = Path.of(System.getProperty("cryosphere.root", "..")).toAbsolutePath().normalize();
        sim = dir.resolve("sim");
        Cli c = Cli.run("simulate", "--structure", SharedData.structures("1ztu.pdb").toString(), "--center", "-n", "300",
                "--box", "32", "--apix", "4", "--seed", "3", "--out", sim.toString());
        assertEquals(0, c.exitCode(), c.err());
        config = dir.resolve("tiny.yaml");
        TinyDataset.writeConfig(config, 1, """
                spark:
                  batch_per_worker: 16
                """);
        data = dir.resolve("ds");
        run = dir.resolve("run");
        cluster = LocalCluster.start(dir.resolve("cluster"), 2);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void ingestThroughASparkHome() throws Exception {
        String out = submit(Map.of("SPARK_HOME", dir.resolve("cluster/sparkhome").toString()), "ingest",
                "--particles", sim.resolve("particles.star").toString(), "--out", data.toString(), "--shard-mb", "1");
        assertTrue(out.contains("on spark://127.0.0.1"), out);
        DatasetReader ds = DatasetReader.open(data);
        assertEquals(300, ds.count());
        assertTrue(ds.parts().size() >= 2, "several parts: " + ds.parts());
        assertEquals(2, cluster.executorCount(), "one executor per worker");
    }

    @Test
    @Order(2)
    void trainOnBothExecutors() throws Exception {
        String out = submit(Map.of(), "train", "--data", data.toString(), "--structure", sim.resolve("base.pdb").toString(),
                "--out", run.toString(), "--config", config.toString());
        assertEquals(List.of(1), new RunLayout(run).checkpointEpochs(), out);
        Matcher m = Pattern.compile("train: epoch (\\d+)/1 .*images per executor \\{(.*)}").matcher(out);
        int epochs = 0;
        while (m.find()) {
            epochs++;
            assertEquals(2, m.group(2).split(", ").length, "both executors trained in epoch " + m.group(1) + ": " + m.group(2));
        }
        assertEquals(1, epochs, out);
    }

    @Test
    @Order(3)
    void evaluateOnBothExecutors() throws Exception {
        Path eval = dir.resolve("eval");
        String out = submit(Map.of(), "evaluate", "--run", run.toString(), "--data", data.toString(), "--out", eval.toString(),
                "--clusters", "2", "--no-volumes", "--pcs", "1", "--traversal-steps", "2", "--rows-per-task", "25");
        assertTrue(Pattern.compile("task\\(s\\) on 2 executor").matcher(out).find(), out);
        assertEquals(301, Files.readAllLines(eval.resolve("latents.csv")).size());
        assertTrue(Files.readString(eval.resolve("report.html")).contains("<svg"));
    }

    @Test
    @Order(4)
    void withASparkDistributionOnlyTheJarsItLacksAreShipped() throws Exception {
        // a Spark home with two of the project's Spark jars: those two are not shipped, DL4J and the rest are
        Path home = dir.resolve("fake-spark");
        Files.createDirectories(home.resolve("jars"));
        Files.createFile(home.resolve("jars/spark-core_2.12-3.5.1.jar"));
        Files.createFile(home.resolve("jars/scala-library-2.12.18.jar"));
        String cmd = submit(Map.of("SPARK_HOME", home.toString()), "--dry-run", "--gpu", "1", "train", "--data", "x", "--out", "y");
        Matcher m = Pattern.compile("--jars (\\S+)").matcher(cmd);
        assertTrue(m.find(), cmd);
        String jars = m.group(1);
        assertFalse(jars.contains("spark-core_2.12") || jars.contains("scala-library"), jars);
        assertTrue(jars.contains("nd4j-native") && jars.contains("cryosphere-trainer") && jars.contains("spark-sql_2.12"), jars);
        assertTrue(cmd.contains("spark.executor.resource.gpu.amount=1") && cmd.contains("getGpusResources.sh"), cmd);
        assertTrue(cmd.contains("dev.cryosphere.cli.TrainMain"), cmd);
        assertTrue(cmd.contains("aeron.publication.unblock.timeout") && cmd.contains("javacpp.maxphysicalbytes"), cmd);
    }

    /** Runs deploy/submit.sh against the cluster with the local-cluster properties; returns its output (exit 0 asserted). */
    private static String submit(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("deploy/submit.sh").toString(), "--master", cluster.masterUrl,
                "--properties-file", root.resolve("deploy/conf/local-cluster.conf").toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "submit", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().putAll(env);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        boolean ended = p.waitFor(8, TimeUnit.MINUTES);
        if (!ended) p.destroyForcibly();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (!List.of(args).contains("--dry-run")) System.out.println(out);
        assertTrue(ended, "submit.sh timed out: " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
