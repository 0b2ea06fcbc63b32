package dev.cryosphere.cli;

import dev.cryosphere.trainer.run.RunLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `cryosphere train --master local[2]`: training on Spark writes the same run folder as one JVM; gradient sharing
 * resumes to within its asynchrony, parameter averaging (the default master) exactly.
 */
class SparkTrainTest {
    @TempDir
    static Path dir;
    static Path data, structure, config;

    @BeforeAll
    static void dataset() throws Exception {
        TinyDataset tiny = TinyDataset.make(dir, 300, 32, 4.0);
        data = tiny.data();
        structure = tiny.structure();
        config = dir.resolve("tiny.yaml");
        TinyDataset.writeConfig(config, 2, """
                spark:
                  training_master: shared
                  batch_per_worker: 16
                  check_replicas: true
                """);
    }

    private static Path sharingRun;

    /** The uninterrupted 2-epoch gradient-sharing run on local[2] (trained once, shared by the tests that read it). */
    private static synchronized Path sharingRun() {
        if (sharingRun == null) {
            Path run = dir.resolve("run");
            Cli c = Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out", run.toString(),
                    "--config", config.toString(), "--master", "local[2]");
            assertEquals(0, c.exitCode(), c.err());
            sharingRun = run;
        }
        return sharingRun;
    }

    @Test
    void trainsOnLocal2WithGradientSharingAndWritesTheSameRunFolder() throws Exception {
        Path ref = dir.resolve("ref");
        Files.writeString(config.resolveSibling("one.yaml"), Files.readString(config).replace("epochs: 2", "epochs: 1"));
        Cli one = Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out", ref.toString(),
                "--config", config.resolveSibling("one.yaml").toString());
        assertEquals(0, one.exitCode(), one.err());
        Files.copy(ref.resolve("metrics.csv"), dir.resolve("ref-header.csv"));
        Path run = sharingRun();
        RunLayout l = new RunLayout(run);
        assertEquals(List.of(1, 2), l.checkpointEpochs());
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(3, metrics.size(), String.join("\n", metrics));
        assertEquals(Files.readAllLines(dir.resolve("ref-header.csv")).get(0), metrics.get(0), "same metrics header as one JVM");
        for (String row : metrics.subList(1, metrics.size())) {
            double loss = Double.parseDouble(row.split(",")[1]);
            assertTrue(Double.isFinite(loss) && loss != 0, "loss of the workers' steps: " + row);
        }
    }

    @Test
    void aSparkRunCrashedAfterEpoch1ResumesFromItsCheckpoint() throws Exception {
        Path run = dir.resolve("crashed");
        trainCrashingAfterEpoch1(run, config);
        RunLayout l = new RunLayout(run);
        assertEquals(List.of(1), l.checkpointEpochs());
        Cli c = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume", "--master", "local[2]");
        assertEquals(0, c.exitCode(), c.err());
        assertEquals(List.of(1, 2), l.checkpointEpochs());
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size(), "header + one row per epoch, no duplicate");
        assertTrue(Files.readString(run.resolve("run.json")).contains("\"checkReplicas\" : true"), "spark settings kept in run.json");

        // Gradient sharing applies the replicas' updates asynchronously, so the resumed epoch 2 is another draw, not the
        // uninterrupted run's epoch 2 bit for bit (that is checked under parameter averaging, below, through the same
        // resume code). The statistical bound: it lies within twice the epoch's own movement of the uninterrupted
        // run's epoch 2, and its loss within 25 % of that run's. Measured 2026-12-07 (L2 distance against the epoch's
        // movement): 0.107/0.215, 0.127/0.208, 0.115/0.258, 0.082/0.214, 0.300/0.254 on a loaded 2-core VM and
        // 0.297/0.258 in a CI run: the asynchrony alone can move a replica by an epoch's movement on this set.
        RunLayout straight = new RunLayout(sharingRun());
        float[] s1 = parameters(straight.checkpoint(1)), s2 = parameters(straight.checkpoint(2));
        float[] r2 = parameters(l.checkpoint(2));
        double drift = distance(r2, s2), movement = distance(s2, s1);
        System.out.printf(java.util.Locale.ROOT, "gradient sharing, resumed vs uninterrupted after epoch 2: L2 %.4f; epoch 2's movement %.4f%n",
                drift, movement);
        assertTrue(movement > 0, "epoch 2 moved the parameters");
        assertTrue(drift < 2 * movement, String.format(java.util.Locale.ROOT,
                "resumed vs uninterrupted after epoch 2: L2 %.4f, not within twice the epoch's own movement %.4f", drift, movement));
        double resumedLoss = epochLoss(run, 2), straightLoss = epochLoss(sharingRun(), 2);
        assertEquals(straightLoss, resumedLoss, 0.25 * Math.abs(straightLoss), "epoch 2's loss, resumed vs uninterrupted");
    }

    /** The loss column of metrics.csv for a 1-based epoch. */
    private static double epochLoss(Path run, int epoch) throws Exception {
        return Double.parseDouble(Files.readAllLines(run.resolve("metrics.csv")).get(epoch).split(",")[1]);
    }

    /** The parameter vector of a checkpoint (DL4J's coefficients.bin). */
    private static float[] parameters(Path checkpoint) throws Exception {
        try (var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(zipEntry(checkpoint, "coefficients.bin")))) {
            return org.nd4j.linalg.factory.Nd4j.read(in).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).toFloatVector();
        }
    }

    private static double distance(float[] a, float[] b) {
        assertEquals(a.length, b.length, "same parameter count");
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) (a[i] - b[i]) * (a[i] - b[i]);
        return Math.sqrt(s);
    }

    /**
     * Parameter averaging (the default master, and gradient sharing's fallback after a lost executor) keeps Adam's moments across each average and in the
     * checkpoints, and is deterministic with the default learning-rate schedule (each batch carries its progress): a
     * run crashed after epoch 1 and resumed ends bit for bit where the uninterrupted run does (issue 17, item 6).
     */
    @Test
    void parameterAveragingResumesExactlyAndKeepsTheOptimiserState() throws Exception {
        Path avg = TinyDataset.writeConfig(dir.resolve("averaging.yaml"), 2, """
                spark:
                  batch_per_worker: 16
                """);
        Path straight = dir.resolve("avg-straight"), crashed = dir.resolve("avg-crashed");
        Cli a = Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out", straight.toString(),
                "--config", avg.toString(), "--master", "local[2]");
        assertEquals(0, a.exitCode(), a.err());
        trainCrashingAfterEpoch1(crashed, avg);
        Cli r = Cli.run("train", "--data", data.toString(), "--out", crashed.toString(), "--resume", "--master", "local[2]");
        assertEquals(0, r.exitCode(), r.err());
        RunLayout s = new RunLayout(straight), c = new RunLayout(crashed);
        for (String entry : List.of("coefficients.bin", "updaterState.bin"))
            for (int epoch : List.of(1, 2))
                assertArrayEquals(zipEntry(s.checkpoint(epoch), entry), zipEntry(c.checkpoint(epoch), entry),
                        entry + " after epoch " + epoch + ": resumed vs uninterrupted");
        // DL4J's averaging master drops the updater state unless asked to keep it: the moments would stay at zero
        assertFalse(java.util.Arrays.equals(zipEntry(s.checkpoint(1), "updaterState.bin"),
                zipEntry(s.checkpoint(2), "updaterState.bin")), "Adam's moments change from epoch 1 to 2");
        assertEquals(Files.readAllLines(straight.resolve("metrics.csv")).stream().map(l -> l.split(",")[1]).toList(),
                Files.readAllLines(crashed.resolve("metrics.csv")).stream().map(l -> l.split(",")[1]).toList(),
                "the loss curve continues where it stopped");
        // no training_master key: parameter averaging is the default
        for (String row : Files.readAllLines(straight.resolve("metrics.csv")).subList(1, 3))
            assertTrue(row.endsWith(",parameter-averaging"), row);
    }

    /** `train --master local[2]` into {@code run} that stops (non-zero exit) after checkpointing epoch 1. */
    private static void trainCrashingAfterEpoch1(Path run, Path config) {
        System.setProperty("cryosphere.train.crashAfterEpoch", "1");
        try {
            assertNotEquals(0, Cli.run("train", "--data", data.toString(), "--structure", structure.toString(), "--out",
                    run.toString(), "--config", config.toString(), "--master", "local[2]").exitCode());
        } finally {
            System.clearProperty("cryosphere.train.crashAfterEpoch");
        }
    }

    private static byte[] zipEntry(Path checkpoint, String name) throws Exception {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(checkpoint.resolve("model.zip").toFile())) {
            var e = z.getEntry(name);
            assertNotNull(e, checkpoint + ": no " + name);
            try (var in = z.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }
}
