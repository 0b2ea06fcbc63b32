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
        // three epochs at lr 1e-3 from the reference's variational start: the GMM has not moved, and the user is told
        assertTrue(first.out().contains("Learning the segmentation"), first.out());
        System.setProperty("cryosphere.train.crashAfterEpoch", "2");
        try {
            assertNotEquals(0, train(crashed).exitCode());
        } finally {
            System.clearProperty("cryosphere.train.crashAfterEpoch");
        }
        assertEquals(List.of(0, 1), new RunLayout(crashed).checkpointEpochs());
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
        assertEquals(List.of(0), l.checkpointEpochs());
        double sum = Checkpoints.loadGraph(l, 0).params().sumNumber().doubleValue();
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
