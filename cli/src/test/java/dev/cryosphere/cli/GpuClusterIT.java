package dev.cryosphere.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cryosphere.trainer.run.RunLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * GPU scheduling on a real 2-worker standalone cluster whose workers offer pretend GPUs (deploy/local-cluster.sh
 * --fake-gpus 2: worker 1 has addresses 0 and 1, worker 2 has 2 and 3) and executors that ask for one each: every
 * executor's training threads are pinned to the address Spark gave it (a no-op on ND4J's CPU backend), the run records
 * which in its log and run.json, and `doctor --master` reports each executor's GPU.
 */
class GpuClusterIT {
    static final Map<String, String> GPU_CONF = Map.of(
            "spark.executor.resource.gpu.amount", "1",
            "spark.task.resource.gpu.amount", "1");

    @TempDir
    static Path dir;
    static LocalCluster cluster;
    static TinyDataset tiny;
    static Path config;

    @BeforeAll
    static void setUp() throws Exception {
        tiny = TinyDataset.make(dir, 300, 32, 4.0);
        config = TinyDataset.writeConfig(dir.resolve("tiny.yaml"), 1, "spark:\n  batch_per_worker: 16\n");
        cluster = LocalCluster.start(dir.resolve("cluster"), 2, 2);
        GPU_CONF.forEach(System::setProperty);
    }

    @AfterAll
    static void tearDown() throws Exception {
        GPU_CONF.keySet().forEach(System::clearProperty);
        if (cluster != null) cluster.close();
    }

    @Test
    void eachExecutorTrainsOnTheGpuItsWorkerGaveItAndTheRunRecordsIt() throws Exception {
        Path run = dir.resolve("run");
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        Cli c;
        // the driver prints its progress on System.err (not captured by Cli): tee it
        System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
            @Override
            public synchronized void write(int b) {
                stderr.write(b);
                saved.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                stderr.write(b, off, len);
                saved.write(b, off, len);
            }
        }, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            c = Cli.run("train", "--data", tiny.data().toString(), "--structure", tiny.structure().toString(), "--out",
                    run.toString(), "--config", config.toString(), "--master", cluster.masterUrl);
        } finally {
            System.setErr(saved);
        }
        String log = stderr.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, c.exitCode(), c.err() + log);
        assertEquals(List.of(1), new RunLayout(run).checkpointEpochs());

        // what each executor pinned, from its own log: worker 1's executor has 0 or 1, worker 2's 2 or 3
        Map<String, String> pinned = new TreeMap<>();
        for (int worker = 1; worker <= 2; worker++) {
            Matcher m = Pattern.compile("cryosphere-gpu executor=(\\S+) pid=\\d+ gpu=(\\S+) device=(\\S+) backend=CPU")
                    .matcher(cluster.executorLogs(worker));
            assertTrue(m.find(), "worker " + worker + "'s executor logged its GPU:\n" + cluster.executorLogs(worker));
            Set<String> offered = worker == 1 ? Set.of("0", "1") : Set.of("2", "3");
            assertTrue(offered.contains(m.group(2)), "worker " + worker + " offers " + offered + ", executor got " + m.group(2));
            assertEquals(m.group(2), m.group(3), "the device set is the address (no CUDA_VISIBLE_DEVICES)");
            pinned.put(m.group(1), m.group(2));
        }
        assertEquals(2, pinned.size(), "two executors: " + pinned);

        // the driver's record: run.json executor_gpus = the GPUs the executors' training threads ran on
        JsonNode gpus = new ObjectMapper().readTree(run.resolve("run.json").toFile()).get("executor_gpus");
        assertNotNull(gpus, "run.json has executor_gpus");
        Map<String, String> recorded = new TreeMap<>();
        gpus.fields().forEachRemaining(e -> recorded.put(e.getKey(), e.getValue().asText()));
        assertEquals(pinned, recorded, "run.json records what each executor pinned");
        assertTrue(log.contains("train: GPU address(es) per executor after epoch 1: " + recorded), "the driver logged it:\n" + log);
    }

    /**
     * Two GPUs per executor, two model replicas each (workers_per_node: 2, DL4J's ParallelWrapper): each worker offers
     * its two addresses to one executor, whose task holds both; the run records both per executor.
     */
    @Test
    void twoGpusPerExecutorTrainTwoReplicasAndAreRecorded() throws Exception {
        Path twoWorkers = TinyDataset.writeConfig(dir.resolve("two.yaml"), 1, "spark:\n  training_master: shared\n  batch_per_worker: 16\n  workers_per_node: 2\n");
        System.setProperty("spark.executor.resource.gpu.amount", "2");
        System.setProperty("spark.task.resource.gpu.amount", "2");
        try {
            Path run = dir.resolve("two-run");
            Cli c = Cli.run("train", "--data", tiny.data().toString(), "--structure", tiny.structure().toString(), "--out",
                    run.toString(), "--config", twoWorkers.toString(), "--master", cluster.masterUrl);
            assertEquals(0, c.exitCode(), c.err());
            JsonNode gpus = new ObjectMapper().readTree(run.resolve("run.json").toFile()).get("executor_gpus");
            assertNotNull(gpus, "run.json has executor_gpus");
            List<String> values = new ArrayList<>();
            gpus.elements().forEachRemaining(v -> values.add(v.asText()));
            java.util.Collections.sort(values);
            assertEquals(List.of("0,1", "2,3"), values, "each executor holds its worker's two GPUs: " + gpus);
        } finally {
            GPU_CONF.forEach(System::setProperty);
        }
    }

    /**
     * Executors that see one GPU (pretended: -Dcryosphere.test.pretendGpus=1 makes the pinning check as the CUDA
     * backend would) while the workers assign addresses 0 to 3: the run stops at once with exit 3 and the fix, instead of
     * training on a device Spark did not assign or redoing the epoch.
     */
    @Test
    void aGpuAnExecutorCannotUseStopsTheRunWithTheFix() throws Exception {
        System.setProperty("spark.executor.extraJavaOptions", dev.cryosphere.trainer.spark.SparkEpochs.AERON_OPTS
                + " -Dcryosphere.test.pretendGpus=1");
        try {
            // gradient sharing: each of the two parts holds a task slot for the whole epoch, so both executors get one
            // whichever registers first (an averaging round may finish on the first before the second registers)
            Path shared = TinyDataset.writeConfig(dir.resolve("refused.yaml"), 1, "spark:\n  training_master: shared\n  batch_per_worker: 16\n");
            Cli c = Cli.run("train", "--data", tiny.data().toString(), "--structure", tiny.structure().toString(), "--out",
                    dir.resolve("refused").toString(), "--config", shared.toString(), "--master", cluster.masterUrl);
            assertEquals(3, c.exitCode(), c.err());
            assertTrue(c.err().matches("(?s)error: executor \\S+: GPU address ([123]) is device \\1, but ND4J sees 1 device\\(s\\) "
                    + "in this process; fix: make the GPU discovery script list only the GPUs this process can use.*"), c.err());
            assertEquals(1, c.err().lines().count(), "one line: " + c.err());
        } finally {
            System.clearProperty("spark.executor.extraJavaOptions");
        }
    }

    @Test
    void doctorReportsEachExecutorsGpu() {
        Cli c = Cli.run("doctor", "--master", cluster.masterUrl);
        assertEquals(0, c.exitCode(), c.out() + c.err());
        List<String> lines = c.out().lines().filter(l -> l.startsWith("doctor: executor ")).toList();
        assertEquals(2, lines.size(), c.out());
        List<String> addresses = new ArrayList<>();
        for (String l : lines) {
            Matcher m = Pattern.compile("\\): ok; CPU .*; gpu (\\d) \\(CPU backend: no device to set\\); one step of a tiny model: loss ")
                    .matcher(l);
            assertTrue(m.find(), l);
            addresses.add(m.group(1));
        }
        assertEquals(1, addresses.stream().filter(a -> a.equals("0") || a.equals("1")).count(), "one executor on worker 1: " + addresses);
        assertEquals(1, addresses.stream().filter(a -> a.equals("2") || a.equals("3")).count(), "one executor on worker 2: " + addresses);
    }
}
