package dev.cryosphere.cli;

import dev.cryosphere.trainer.run.Checkpoints;
import dev.cryosphere.trainer.run.RunLayout;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** `cryosphere train`: checkpoints, exact resume (crash and kill -9), the divergence guard and bad configurations. */
class TrainCommandTest {
    @TempDir
    static Path dir;
    static Path data, structure, config;

    @BeforeAll
    static void dataset() throws Exception {
        TinyDataset tiny = TinyDataset.make(dir, 96, 24, 4.0);
        data = tiny.data();
        structure = tiny.structure();
        config = dir.resolve("tiny.yaml");
        TinyDataset.writeConfig(config, 3, "");
    }

    private static Cli train(Path run, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--structure", structure.toString(),
                "--out", run.toString(), "--config", config.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private static INDArray finalParams(Path run) {
        RunLayout l = new RunLayout(run);
        ComputationGraph g = Checkpoints.loadGraph(l, l.latestCheckpoint().orElseThrow());
        return g.params().dup();
    }

    @Test
    void resumeAfterACrashGivesExactlyTheUninterruptedParameters() {
        Path straight = dir.resolve("straight"), crashed = dir.resolve("crashed");
        Cli first = train(straight);
        assertEquals(0, first.exitCode(), first.err());
        // (the warning when the segmentation did not move: QuietTerminalTest, with the paper's settings)
        System.setProperty("cryosphere.train.crashAfterEpoch", "2");
        try {
            assertNotEquals(0, train(crashed).exitCode());
        } finally {
            System.clearProperty("cryosphere.train.crashAfterEpoch");
        }
        assertEquals(List.of(1, 2), new RunLayout(crashed).checkpointEpochs());
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--out", crashed.toString(), "--resume").exitCode());
        assertEquals(new RunLayout(straight).checkpointEpochs(), new RunLayout(crashed).checkpointEpochs());
        assertEquals(finalParams(straight), finalParams(crashed), "bit-exact parameters after resume");
        assertEquals(4, readLines(crashed.resolve("metrics.csv")).size(), "header + one row per epoch, no duplicate");
    }

    @Test
    void resumeAfterKillMinus9GivesTheUninterruptedParameters() throws Exception {
        Path straight = dir.resolve("straight2"), killed = dir.resolve("killed");
        assertEquals(0, train(straight).exitCode());
        // a separate JVM, killed hard once its first checkpoint exists
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(Files.readAllLines(Path.of(System.getProperty("cryosphere.root"), "bin", "jvm17.opts")).stream()
                .filter(s -> !s.isBlank()).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CryosphereCommand.class.getName(), "train",
                "--data", data.toString(), "--structure", structure.toString(), "--out", killed.toString(),
                "--config", config.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        RunLayout layout = new RunLayout(killed);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (layout.checkpointEpochs().isEmpty() && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
        p.destroyForcibly().waitFor();
        assertFalse(layout.checkpointEpochs().isEmpty(), "a checkpoint was written before the kill");
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--out", killed.toString(), "--resume").exitCode());
        assertEquals(finalParams(straight), finalParams(killed), "parameters after kill -9 and resume");
    }

    /**
     * scheduler: the segmentation's learning rate falls by 1e-9 after the first epoch, so the GMM stops moving (float32)
     * while the networks go on; metrics.csv shows the rates; a crashed and resumed run follows the same schedule.
     */
    @Test
    void learningRateScheduleFreezesTheSegmentationAfterItsMilestoneAndResumesExactly() throws Exception {
        Path scheduled = dir.resolve("scheduled.yaml");
        TinyDataset.writeConfig(scheduled, 3, "scheduler: {milestones: [1], decay: 1.0e-9, groups: [segmentation]}\n");
        Path straight = dir.resolve("sched-straight"), crashed = dir.resolve("sched-crashed");
        Cli c = Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out", straight.toString(),
                "--config", scheduled.toString());
        assertEquals(0, c.exitCode(), c.err());
        RunLayout l = new RunLayout(straight);
        List<INDArray> gmm = new ArrayList<>(), networks = new ArrayList<>();
        for (int e = 1; e <= 3; e++) {
            ComputationGraph g = Checkpoints.loadGraph(l, e);
            gmm.add(g.getParam("loss_meansMeans").dup());
            networks.add(g.getLayer("dec0").params().dup());
        }
        assertEquals(gmm.get(0), gmm.get(1), "GMM frozen from the milestone on");
        assertEquals(gmm.get(1), gmm.get(2));
        assertNotEquals(networks.get(1), networks.get(2), "the networks keep learning");
        List<String> metrics = readLines(straight.resolve("metrics.csv"));
        List<String> header = List.of(metrics.get(0).split(","));
        int col = header.indexOf("lr_segmentation"), net = header.indexOf("lr_networks");
        assertEquals(1e-3, Double.parseDouble(metrics.get(1).split(",")[col]), 1e-12);
        assertEquals(1e-12, Double.parseDouble(metrics.get(2).split(",")[col]), 1e-18);
        assertEquals(1e-3, Double.parseDouble(metrics.get(3).split(",")[net]), 1e-12);

        System.setProperty("cryosphere.train.crashAfterEpoch", "1");
        try {
            assertNotEquals(0, Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out",
                    crashed.toString(), "--config", scheduled.toString()).exitCode());
        } finally {
            System.clearProperty("cryosphere.train.crashAfterEpoch");
        }
        assertEquals(0, Cli.run("train", "--data", data.toString(), "--out", crashed.toString(), "--resume").exitCode());
        assertEquals(finalParams(straight), finalParams(crashed), "bit-exact parameters after resume");

        // on Spark too (the executors follow the driver's epoch: TrainClusterIT checks it on separate JVMs)
        Path spark = dir.resolve("sched-spark");
        Cli s = Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out", spark.toString(),
                "--config", scheduled.toString(), "--master", "local[2]");
        assertEquals(0, s.exitCode(), s.err());
        List<String> sparkMetrics = readLines(spark.resolve("metrics.csv"));
        assertEquals(1e-12, Double.parseDouble(sparkMetrics.get(2).split(",")[col]), 1e-18);
        // which training master trained each epoch (docs/formats.md): one JVM, or Spark's parameter averaging (default)
        int master = header.indexOf("training_master");
        assertEquals("jvm", metrics.get(3).split(",")[master]);
        assertEquals("parameter-averaging", sparkMetrics.get(3).split(",")[master]);
    }

    /**
     * The forward-model check before training: the structure the set was simulated from matches its images far better
     * with their own poses than with other particles'; the same structure turned by 90° (a model in another frame) does
     * not (train prints the line, and the warning with the fix when the structure does not match: QuietTerminalTest
     * checks that train's terminal has only such lines).
     */
    @Test
    void theForwardModelCheckTellsAStructureInAnotherFrame() throws Exception {
        var reader = dev.cryosphere.core.dataset.DatasetReader.open(data.toAbsolutePath().toString());
        var base = dev.cryosphere.core.format.AtomicModel.read(structure);
        var right = dev.cryosphere.trainer.run.ForwardModelCheck.measure(reader, base, 24, 4.0, 2.0);
        assertTrue(right.matches() && right.z() > 10 && right.count() == 64, right.line());
        double[] xyz = base.coordinates();
        for (int i = 0; i < xyz.length; i += 3) {        // 90° about x: (x, y, z) -> (x, -z, y)
            double y = xyz[i + 1];
            xyz[i + 1] = -xyz[i + 2];
            xyz[i + 2] = y;
        }
        var turned = dev.cryosphere.trainer.run.ForwardModelCheck.measure(reader, base.withCoordinates(xyz), 24, 4.0, 2.0);
        System.out.println(turned.line() + "\n" + right.line());
        assertTrue(turned.z() < right.z() / 3, turned.line() + " vs " + right.line());
        assertTrue(right.line().startsWith("train: forward-model check: ") && turned.warning().startsWith("warning: "));
    }

    /**
     * A milestone given in images falls inside an epoch: the GMM still moves in the first half of epoch 2 and is frozen
     * from the milestone on (the schedules follow the progress within the epoch, so a run of a few long epochs
     * anneals as one of many short ones does).
     */
    @Test
    void aMilestoneInImagesTakesEffectInsideTheEpoch() throws Exception {
        long count = dev.cryosphere.core.dataset.DatasetReader.open(data.toAbsolutePath().toString()).count();
        Path scheduled = dir.resolve("mid-epoch.yaml");
        TinyDataset.writeConfig(scheduled, 3, "scheduler: {milestones: [" + (count + count / 2)
                + " images], decay: 1.0e-9, groups: [segmentation]}\n");
        Path run = dir.resolve("sched-mid");
        Cli c = Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out", run.toString(),
                "--config", scheduled.toString());
        assertEquals(0, c.exitCode(), c.err());
        RunLayout l = new RunLayout(run);
        List<INDArray> gmm = new ArrayList<>();
        for (int e = 1; e <= 3; e++) gmm.add(Checkpoints.loadGraph(l, e).getParam("loss_meansMeans").dup());
        assertNotEquals(gmm.get(0), gmm.get(1), "the GMM moves in the first half of epoch 2");
        assertEquals(gmm.get(1), gmm.get(2), "and is frozen from the milestone (epoch 1.5) on");
    }

    @Test
    void nonFiniteLossStopsWithEpochBatchAndTermAndKeepsTheLastGoodCheckpoint() {
        Path run = dir.resolve("poisoned");
        System.setProperty("cryosphere.train.poison", "2:3");
        Cli c;
        try {
            c = train(run);
        } finally {
            System.clearProperty("cryosphere.train.poison");
        }
        assertEquals(3, c.exitCode());
        assertTrue(c.err().contains("epoch 2, batch 3") && c.err().contains("correlation"), c.err());
        RunLayout l = new RunLayout(run);
        assertEquals(List.of(1), l.checkpointEpochs());
        double sum = Checkpoints.loadGraph(l, 1).params().sumNumber().doubleValue();
        assertTrue(Double.isFinite(sum));
    }

    @Test
    void badConfigurationsAndRunsAreOneClearError() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "segments: 3\nlatent_dimm: 4\n");
        Cli c = Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out",
                dir.resolve("r1").toString(), "--config", bad.toString());
        assertEquals(2, c.exitCode());
        assertTrue(c.err().contains("bad.yaml") && c.err().contains("latent_dimm"), c.err());
        assertFalse(Files.exists(dir.resolve("r1")));

        Files.writeString(bad, "kl_latent: sometimes\n");
        c = Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out",
                dir.resolve("r2").toString(), "--config", bad.toString());
        assertEquals(2, c.exitCode());
        assertTrue(c.err().contains("kl_latent"), c.err());

        Path exists = Files.createDirectories(dir.resolve("exists"));
        c = Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out", exists.toString());
        assertEquals(2, c.exitCode());
        assertTrue(c.err().contains("--resume"), c.err());
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
