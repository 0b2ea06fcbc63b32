package dev.cryosphere.cli;

import dev.cryosphere.trainer.run.RunLayout;
import dev.cryosphere.trainer.run.TrainedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 15, train: failures lose nothing and say one line. An --overwrite whose new run fails leaves the old run
 * byte-identical; a failed new run leaves nothing; a second train on a run folder is refused (lock, exit 3); bad
 * settings are one `error:` line naming the YAML key (exit 2, nothing written); --resume with other settings lists
 * them; checkpoints are numbered from 1 and 0-based run folders still resume.
 */
class TrainSafetyTest {
    @TempDir
    static Path dir;
    static Path data, structure, one, three;

    @BeforeAll
    static void dataset() throws Exception {
        TinyDataset tiny = TinyDataset.make(dir, 96, 24, 4.0);
        data = tiny.data();
        structure = tiny.structure();
        one = TinyDataset.writeConfig(dir.resolve("one.yaml"), 1, "");
        three = TinyDataset.writeConfig(dir.resolve("three.yaml"), 3, "");
    }

    private static Cli train(Path run, Path config, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--structure", structure.toString(),
                "--out", run.toString(), "--config", config.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private static Cli poisoned(String at, Path run, Path config, String... extra) {
        System.setProperty("cryosphere.train.poison", at);
        try {
            return train(run, config, extra);
        } finally {
            System.clearProperty("cryosphere.train.poison");
        }
    }

    /** SHA-256 of every file under {@code root} and the names beside it (what a failed command might leave). */
    private static Map<String, String> snapshot(Path root) {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator)
                if (Files.isRegularFile(p))
                    m.put(root.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            m.put("<beside>", siblings(root).toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    /** Entries of the run's parent folder that belong to the run (RUN, .RUN.tmp-*, .RUN.lock, ...). */
    private static List<String> siblings(Path run) {
        String name = run.getFileName().toString();
        try (Stream<Path> s = Files.list(run.getParent())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.equals(name) || n.startsWith("." + name + "."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertOneErrorLine(Cli c, int code, String... mentions) {
        assertEquals(code, c.exitCode(), c.err());
        assertTrue(c.err().startsWith("error: "), c.err());
        assertEquals(1, c.err().strip().lines().filter(l -> !l.startsWith("train:")).count(), "one error line: " + c.err());
        for (String m : mentions) assertTrue(c.err().contains(m), "'" + m + "' not in: " + c.err());
    }

    @Test
    void anOverwriteWhoseNewRunFailsLeavesTheOldRunByteIdentical() throws Exception {
        Path run = dir.resolve("old");
        assertEquals(0, train(run, one).exitCode());
        Map<String, String> before = snapshot(run);
        assertEquals(List.of("old"), siblings(run));

        // a bad structure, found after the old run exists
        Path bad = Files.writeString(dir.resolve("bad.pdb"), "HEADER    NOTHING\nEND\n");
        Cli c = Cli.run("train", "--data", data.toString(), "--structure", bad.toString(), "--out", run.toString(),
                "--config", three.toString(), "--overwrite");
        assertOneErrorLine(c, 2, "bad.pdb");
        assertEquals(before, snapshot(run), "old run untouched, nothing left beside it");

        // a failure after start-up, before the new run's first checkpoint: nothing of the new run is kept
        c = poisoned("1:2", run, three, "--overwrite");
        assertOneErrorLine(c, 3, "epoch 1, batch 2");
        assertEquals(before, snapshot(run));

        // a failure after the new run's first checkpoint: the old run stays until the new one completes; the new
        // one's checkpoints are kept beside it and --resume finishes it, then swaps it in
        c = poisoned("2:3", run, three, "--overwrite");
        assertOneErrorLine(c, 3, "epoch 2, batch 3");
        assertTrue(c.err().contains("is unchanged") && c.err().contains("--resume"), c.err());
        Map<String, String> after = snapshot(run);
        after.remove("<beside>");
        Map<String, String> expected = new TreeMap<>(before);
        expected.remove("<beside>");
        assertEquals(expected, after, "old run byte-identical");
        List<String> beside = siblings(run);
        assertEquals(2, beside.size(), beside.toString());
        assertTrue(beside.get(0).startsWith(".old.tmp-"), beside.toString());
        assertEquals(List.of(1), new RunLayout(run.resolveSibling(beside.get(0))).checkpointEpochs());

        c = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume");
        assertEquals(0, c.exitCode(), c.err());
        assertEquals(List.of("old"), siblings(run), "swapped in, nothing left beside it");
        assertEquals(List.of(1, 2, 3), new RunLayout(run).checkpointEpochs());
        assertEquals(4, Files.readAllLines(run.resolve("metrics.csv")).size(), "header + 3 epochs of the new run");
    }

    @Test
    void aFailedNewRunLeavesNothingAndTheCorrectedRerunWorks() throws Exception {
        Path parent = dir.resolve("fresh-parent"), run = parent.resolve("run");
        Cli c = poisoned("1:1", run, one);
        assertOneErrorLine(c, 3, "epoch 1, batch 1");
        assertFalse(Files.exists(parent), "nothing written, not even the parent folder");

        c = train(run, one);
        assertEquals(0, c.exitCode(), c.err());
        assertEquals(List.of("run"), siblings(run));
        // 1-based everywhere: the checkpoint after the first epoch is epoch 1, as in metrics.csv and the logs
        assertEquals(List.of(1), new RunLayout(run).checkpointEpochs());
        assertTrue(Files.isDirectory(run.resolve("checkpoints/epoch-0001")));
        assertTrue(Files.readAllLines(run.resolve("metrics.csv")).get(1).startsWith("1,"));
        assertEquals(1, TrainedModel.load(run).epoch());
        Path eval = dir.resolve("eval-epoch1");
        Cli e = Cli.run("evaluate", "--run", run.toString(), "--data", data.toString(), "--out", eval.toString(),
                "--master", "local[2]", "--epoch", "1", "--clusters", "2", "--traversal-steps", "2", "--no-volumes");
        assertEquals(0, e.exitCode(), e.err());
    }

    @Test
    void aSecondTrainIsRefusedAndAKilledReplacementResumesWithoutLosingTheOldRun() throws Exception {
        Path run = dir.resolve("locked");
        assertEquals(0, train(run, one).exitCode());
        Map<String, String> before = snapshot(run);
        Path four = TinyDataset.writeConfig(dir.resolve("four.yaml"), 4, "");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(Files.readAllLines(Path.of(System.getProperty("cryosphere.root"), "bin", "jvm17.opts")).stream()
                .filter(s -> !s.isBlank()).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CryosphereCommand.class.getName(), "train",
                "--data", data.toString(), "--structure", structure.toString(), "--out", run.toString(),
                "--config", four.toString(), "--overwrite"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            Path tmp = null;
            while (tmp == null && p.isAlive() && System.nanoTime() < deadline) {
                for (String s : siblings(run))
                    if (s.startsWith(".locked.tmp-") && !new RunLayout(run.resolveSibling(s)).checkpointEpochs().isEmpty())
                        tmp = run.resolveSibling(s);
                Thread.sleep(50);
            }
            assertNotNull(tmp, "the replacement's first checkpoint appeared: " + Files.readString(dir.resolve("child.log")));
            assertTrue(p.isAlive(), "still training");
            Cli second = train(run, four, "--overwrite");
            assertOneErrorLine(second, 3, run.toString(), "another train holds this run folder", "pid " + p.pid());
            Cli resumed = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume");
            assertOneErrorLine(resumed, 3, "another train holds this run folder");
            assertTrue(p.isAlive(), "the refused trains did not disturb the running one");
        } finally {
            p.destroyForcibly().waitFor();   // kill -9 in the middle of the replacement
        }
        Map<String, String> now = snapshot(run);
        now.remove("<beside>");
        Map<String, String> old = new TreeMap<>(before);
        old.remove("<beside>");
        assertEquals(old, now, "the old run is byte-identical after the replacement was killed");

        Cli c = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume");
        assertEquals(0, c.exitCode(), c.err());
        assertEquals(List.of(1, 2, 3, 4), new RunLayout(run).checkpointEpochs());
        assertEquals(List.of("locked"), siblings(run), "swapped in; the lock file is gone");
    }

    @Test
    void badSettingsAreOneLineNamingTheYamlKeyAndWriteNothing() throws Exception {
        Path parent = dir.resolve("bad-settings"), run = parent.resolve("run");
        String[][] cases = {
                {"segments: 2.7\n", "key 'segments'", "whole number, got 2.7"},
                {"encoder_hidden: [16, 8.5]\n", "key 'encoder_hidden[1]'", "whole number"},
                {"lr_networks: -1.0e-3\n", "key 'lr_networks'", "positive"},
                {"lr_segmentation: 0\n", "key 'lr_segmentation'", "positive"},
                {"batch_size: 0\n", "key 'batch_size'", "at least 1"},
                {"epochs: 0\n", "key 'epochs'", "at least 1"},
                {"latent_dim: 0\n", "key 'latent_dim'", "at least 1"},
                {"latent_dim:\n", "key 'latent_dim'", "no value"},
                {"segments: 5000\n", "key 'segments'", "at most one segment per residue"},
                {"l2: -1\n", "key 'l2'", "0 or more"},
                {"checkpoint_every: 0\n", "key 'checkpoint_every'", "at least 1"},
                {"threads: 0\n", "key 'threads'", "at least 1"},
                {"", "empty", "{}"},
                {"# nothing but a comment\n", "empty", "{}"},
        };
        for (String[] k : cases) {
            Path yaml = Files.writeString(dir.resolve("bad.yaml"), k[0]);
            Cli c = train(run, yaml);
            assertOneErrorLine(c, 2, "bad.yaml", k[1], k[2]);
            assertFalse(c.err().contains("latentDim") || c.err().contains("key ''"), c.err());
            assertFalse(Files.exists(parent), "nothing written for " + k[0]);
        }
        for (String epochs : List.of("-1", "0")) {
            Cli c = train(run, one, "--epochs", epochs);
            assertOneErrorLine(c, 2, "--epochs", "at least 1");
            assertFalse(Files.exists(parent));
        }
    }

    @Test
    void resumeWithOtherSettingsListsTheDifferencesAndChangesNothing() throws Exception {
        Path run = dir.resolve("resume-check");
        assertEquals(0, train(run, one).exitCode());
        Map<String, String> before = snapshot(run);
        Path changed = Files.writeString(dir.resolve("changed.yaml"), Files.readString(one)
                .replace("lr_networks: 1.0e-3", "lr_networks: 2.0e-3").replace("segments: 3", "segments: 4") + "\nthreads: 2\n");
        Cli c = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume", "--config", changed.toString(),
                "--epochs", "2");
        // threads: a batch of 16 trains on one (at least 64 images per thread), recorded in run.json and kept on resume
        assertOneErrorLine(c, 2, "changed.yaml", "lr_networks", "segments", "the run's 0.001, here 0.002", "3 segments",
                "threads: the run's 1, here 2");
        assertEquals(before, snapshot(run));

        c = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume", "--structure",
                dev.cryosphere.core.testing.SharedData.structures("1ake.pdb").toString());
        assertOneErrorLine(c, 2, "1ake.pdb", "--structure", "base structure");
        assertEquals(before, snapshot(run));

        // the same settings (and --epochs) are fine
        c = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume", "--config", one.toString(),
                "--structure", structure.toString(), "--epochs", "2");
        assertEquals(0, c.exitCode(), c.err());
        assertEquals(List.of(1, 2), new RunLayout(run).checkpointEpochs());
    }

    /** A run folder of an earlier version: checkpoints numbered from 0 ({@code epoch-0000}, "epoch": 0). */
    @Test
    void zeroBasedRunFoldersReadAsOneBasedAndResume() throws Exception {
        Path run = dir.resolve("legacy");
        assertEquals(0, train(run, one).exitCode());
        Path cp = run.resolve("checkpoints");
        Files.move(cp.resolve("epoch-0001"), cp.resolve("epoch-0000"));
        Path state = cp.resolve("epoch-0000/state.json");
        Files.writeString(state, Files.readString(state).replace("\"epochs_done\" : 1", "\"epoch\" : 0"));
        assertTrue(Files.readString(state).contains("\"epoch\" : 0"));

        assertEquals(List.of(1), new RunLayout(run).checkpointEpochs(), "the checkpoint after one epoch is epoch 1");
        assertEquals(1, TrainedModel.load(run, 1).epoch());
        Cli c = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume", "--epochs", "2");
        assertEquals(0, c.exitCode(), c.err());
        try (Stream<Path> s = Files.list(cp)) {
            assertEquals(List.of("epoch-0001", "epoch-0002"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(3, Files.readAllLines(run.resolve("metrics.csv")).size(), "header + 2 epochs");
    }

    // ---------------------------------------------------------------- issue 15: environment, structure, damaged runs

    @Test
    void anUnwritableRunLocationIsOneLineExit3AndLeavesNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        Cli c = train(file.resolve("run"), one);
        assertOneErrorLine(c, 3, file.resolve("run") + ": cannot create it: " + file + " is a file, not a folder");
        assertFalse(c.err().contains("\tat "), c.err());
        try (SmallFileSystem ro = SmallFileSystem.readOnly(dir.resolve("ro"))) {
            c = train(ro.dir().resolve("run"), one);
            assertOneErrorLine(c, 3, ro.dir().resolve("run") + ": cannot write in " + ro.dir() + ": ");
            assertEquals(List.of(), ro.entries());
        }
    }

    @Test
    void aFullDiskDuringTrainingIsOneLineExit3AndLeavesNothing() throws Exception {
        try (SmallFileSystem full = SmallFileSystem.full(dir.resolve("full"), 64)) {
            Path run = full.dir().resolve("run");
            Cli c = train(run, one);
            assertOneErrorLine(c, 3, run.toString(), "no space left on the device (the disk is full)");
            assertFalse(c.err().contains(".tmp"), c.err());
            assertEquals(List.of(), full.entries(), "nothing left behind, the lock file included");
        }
    }

    @Test
    void aStructureOutsideTheBoxIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path run = dir.resolve("outside");
        Cli c = Cli.run("train", "--data", data.toString(), "--structure",
                dev.cryosphere.core.testing.SharedData.structures("1ztu.pdb").toString(), "--out", run.toString(),
                "--config", one.toString());
        assertOneErrorLine(c, 2, "1ztu.pdb, residue A:", "Å outside the 24 px × 4 Å = 96.0 Å box of the dataset " + data,
                "centre the model in the box");
        assertEquals(List.of(), siblings(run));
    }

    @Test
    void aDamagedCheckpointOrStateIsOneLineOnResume() throws Exception {
        Path run = dir.resolve("damaged");
        assertEquals(0, train(run, one).exitCode());
        Path zip = run.resolve("checkpoints/epoch-0001/model.zip"), state = zip.resolveSibling("state.json");
        byte[] good = Files.readAllBytes(zip);
        Files.write(zip, java.util.Arrays.copyOf(good, good.length / 2));
        Map<String, String> before = snapshot(run);
        Cli c = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume", "--epochs", "2");
        assertOneErrorLine(c, 2, zip + ": damaged checkpoint, cannot be read (", "delete its folder " + zip.getParent());
        assertEquals(before, snapshot(run), "nothing changed");

        Files.write(zip, good);
        Files.writeString(state, "{\"epochs_done\" : 1, \"epo");
        before = snapshot(run);
        c = Cli.run("train", "--data", data.toString(), "--out", run.toString(), "--resume", "--epochs", "2");
        assertOneErrorLine(c, 2, state + ": damaged, not JSON (");
        assertEquals(before, snapshot(run), "nothing changed");
    }
}
