package dev.cryosphere.cli;

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
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * deploy/nightly.sh on two small simulated datasets against a real 2-worker standalone cluster (issue 8, acceptance
 * 1). In order: the first run is killed (its whole process tree) while it trains the second dataset, and a rerun
 * completes it without redoing any finished stage (a second run during the first is refused by the lock); the next
 * run skips both datasets as unchanged; after one dataset's STAR changes, only that dataset is redone. Kept small for
 * CI: 300 images of 32 px, a tiny model, 1 epoch for a and 2 for b (b is killed after its first).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyIT {
    static final List<String> STAGES = List.of("ingest", "train", "evaluate", "report");

    @TempDir
    static Path dir;
    static Path root, spec, work;
    static LocalCluster cluster;
    /** Run ids of the nightly runs, in order. */
    static String killedRun, resumedRun;
    static final List<Process> started = new java.util.ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        root = Path.of(System.getProperty("cryosphere.root", "..")).toAbsolutePath().normalize();
        for (String name : List.of("a", "b")) {
            Cli c = Cli.run("simulate", "--structure", SharedData.structures("1ztu.pdb").toString(), "--center", "-n", "300",
                    "--box", "32", "--apix", "4", "--seed", name.equals("a") ? "1" : "2", "--out", dir.resolve("sim-" + name).toString());
            assertEquals(0, c.exitCode(), c.err());
        }
        TinyDataset.writeConfig(dir.resolve("tiny.yaml"), 2, """
                spark:
                  batch_per_worker: 16
                """);
        cluster = LocalCluster.start(dir.resolve("cluster"), 2);
        work = dir.resolve("nightly");
        spec = dir.resolve("nightly.yaml");
        Files.writeString(spec, """
                # two tiny datasets on the test cluster
                work: nightly
                master: %s
                properties: %s
                evaluate_options: --clusters 2 --no-volumes --pcs 1 --traversal-steps 2
                ingest_options: --shard-mb 1
                datasets:
                  a:
                    particles: sim-a/particles.star
                    structure: sim-a/base.pdb
                    config: tiny.yaml
                    train_options: --epochs 1
                  b:
                    particles: sim-b/particles.star
                    root: sim-b
                    structure: sim-b/base.pdb
                    config: tiny.yaml
                """.formatted(cluster.masterUrl, root.resolve("deploy/conf/local-cluster.conf")));
    }

    @AfterAll
    static void tearDown() throws Exception {
        // a failed test may leave a nightly run going: stop it and its jobs
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void aKilledFirstRunIsCompletedByTheNextWithoutRedoingFinishedStages() throws Exception {
        Path out = dir.resolve("run1.out");
        Process p = nightly(out);
        Path checkpoint = work.resolve("datasets/b/run/checkpoints/epoch-0001");
        // generous: on a loaded 2-core CI machine one stage has taken minutes
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        boolean lockChecked = false;
        while (!Files.isDirectory(checkpoint)) {
            assertTrue(p.isAlive(), "the first run ended before training b: " + read(out));
            if (System.nanoTime() > deadline) fail("b's first checkpoint did not appear: " + read(out) + stageLogs());
            if (!lockChecked && Files.exists(work.resolve("datasets/a/stages/ingest.done"))) {
                // a second run while the first one works: refused by the lock, at once
                Path out2 = dir.resolve("locked.out");
                Process second = nightly(out2);
                assertTrue(second.waitFor(60, TimeUnit.SECONDS));
                assertEquals(3, second.exitValue(), read(out2));
                assertTrue(read(out2).contains("another nightly run holds"), read(out2));
                lockChecked = true;
            }
            Thread.sleep(100);
        }
        // kill the whole process tree (nightly.sh, submit.sh's driver JVM) as a crash or a reboot would
        List<ProcessHandle> tree = p.descendants().toList();
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        for (ProcessHandle h : tree) h.onExit().get(60, TimeUnit.SECONDS);
        assertTrue(lockChecked, "the lock was tested");
        killedRun = runId(read(out));

        Map<String, String> a = stageRuns("a"), b = stageRuns("b");
        assertEquals(Map.of("ingest", killedRun, "train", killedRun, "evaluate", killedRun, "report", killedRun), a);
        assertEquals(Map.of("ingest", killedRun), b, "b: only ingest finished before the kill");
        assertEquals("running", state("b"), "a killed run leaves its dataset running");

        // the rerun: a is skipped, b goes on with training (resumed), evaluate and report
        Path out3 = dir.resolve("run2.out");
        int rc = nightly(out3).waitFor();
        assertEquals(0, rc, read(out3) + stageLogs());
        String log = read(out3);
        resumedRun = runId(log);
        assertTrue(log.contains("a: skipped: unchanged"), log);
        assertTrue(log.contains("b: ingest: already done by run " + killedRun), log);
        assertTrue(log.contains("b: train: a run exists, resuming it"), log);
        Path logs = work.resolve("logs").resolve(resumedRun);
        assertEquals(List.of("b.evaluate.log", "b.train.log", "nightly.log"), list(logs), "stages run by the rerun");
        assertTrue(read(logs.resolve("b.train.log")).contains("train: resuming"), read(logs.resolve("b.train.log")));
        assertEquals(Map.of("ingest", killedRun, "train", killedRun, "evaluate", killedRun, "report", killedRun), stageRuns("a"));
        assertEquals(Map.of("ingest", killedRun, "train", resumedRun, "evaluate", resumedRun, "report", resumedRun), stageRuns("b"));
        assertEquals("skipped", state("a"));
        assertEquals("done", state("b"));
        assertEquals(List.of(1, 2), new RunLayout(work.resolve("datasets/b/run")).checkpointEpochs());
        assertEquals(3, Files.readAllLines(work.resolve("datasets/b/run/metrics.csv")).size(), "header + 2 epochs");
        for (String d : List.of("a", "b")) {
            assertTrue(Files.size(work.resolve("datasets/" + d + "/report.html")) > 1000, d);
            assertEquals(301, Files.readAllLines(work.resolve("datasets/" + d + "/eval/latents.csv")).size(), d);
        }
        assertTrue(read(work.resolve("index.html")).contains("datasets/b/report.html"));
    }

    @Test
    @Order(2)
    void theNextRunSkipsBothAsUnchanged() throws Exception {
        Path out = dir.resolve("run3.out");
        assertEquals(0, nightly(out).waitFor(), read(out));
        String log = read(out);
        assertTrue(log.contains("a: skipped: unchanged") && log.contains("b: skipped: unchanged"), log);
        assertTrue(log.contains("0 done, 2 skipped (unchanged), 0 failed"), log);
        assertEquals(List.of("nightly.log"), list(work.resolve("logs").resolve(runId(log))), "no stage ran");
        assertEquals("skipped", state("a"));
        assertEquals("skipped", state("b"));
        assertEquals(killedRun, stageRuns("a").get("report"));
        assertEquals(resumedRun, stageRuns("b").get("report"));
    }

    @Test
    @Order(3)
    void aChangedStarRedoesOnlyItsDataset() throws Exception {
        Files.writeString(dir.resolve("sim-a/particles.star"), "\n# edited\n", StandardOpenOption.APPEND);
        Path out = dir.resolve("run4.out");
        int rc = nightly(out).waitFor();
        assertEquals(0, rc, read(out) + stageLogs());
        String log = read(out), run = runId(log);
        assertTrue(log.contains("b: skipped: unchanged"), log);
        assertTrue(log.contains("a: inputs changed; starting a new run"), log);
        assertEquals(List.of("a.evaluate.log", "a.ingest.log", "a.train.log", "nightly.log"), list(work.resolve("logs").resolve(run)));
        assertEquals(Map.of("ingest", run, "train", run, "evaluate", run, "report", run), stageRuns("a"));
        assertEquals(resumedRun, stageRuns("b").get("train"));
        assertEquals("done", state("a"));
        assertEquals("skipped", state("b"));
        assertTrue(read(work.resolve("logs").resolve(run).resolve("a.ingest.log")).contains("300 images"), "re-ingested");
        assertTrue(Files.isDirectory(work.resolve("datasets/a/run.prev/checkpoints")), "the previous run is kept");
        assertEquals(List.of(1), new RunLayout(work.resolve("datasets/a/run")).checkpointEpochs(), "a trains 1 epoch");
    }

    /** The last lines of every stage log (for failure messages). */
    private static String stageLogs() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.walk(work.resolve("logs"))) {
            for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".log"))::iterator) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                sb.append("\n==> ").append(f).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
        }
        return sb.toString();
    }

    private static Process nightly(Path out) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("deploy/nightly.sh").toString(), spec.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).directory(dir.toFile());
        pb.environment().put("CRYOSPHERE_SKIP_BUILD", "1");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    /** The run id a nightly.sh output starts with. */
    private static String runId(String log) {
        Matcher m = Pattern.compile("nightly run (\\S+): spec").matcher(log);
        assertTrue(m.find(), log);
        return m.group(1);
    }

    /** Stage -> id of the run that completed it (stages/*.done: fingerprint, run id, time). */
    private static Map<String, String> stageRuns(String dataset) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String s : STAGES) {
            Path f = work.resolve("datasets").resolve(dataset).resolve("stages").resolve(s + ".done");
            if (Files.exists(f)) m.put(s, Files.readString(f).trim().split(" ")[1]);
        }
        return m;
    }

    private static String state(String dataset) throws IOException {
        String json = read(work.resolve("datasets").resolve(dataset).resolve("status.json"));
        Matcher m = Pattern.compile("\"state\": \"([a-z]+)\"").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }

    private static List<String> list(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }
}
