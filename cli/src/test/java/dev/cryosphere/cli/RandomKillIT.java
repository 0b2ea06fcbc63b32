package dev.cryosphere.cli;

import dev.cryosphere.trainer.run.Checkpoints;
import dev.cryosphere.trainer.run.RunLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code kill -9} of {@code train} at random moments (seeded; from JVM start-up to the last checkpoint): whatever the
 * moment, the same command with {@code --resume} completes the run, its parameters are exactly those of an
 * uninterrupted run, metrics.csv has one row per epoch, and nothing but the run folder is left beside it (no
 * temporary folder, no lock file). Fixed kill
 * points (first checkpoint, middle of a replacement) are in TrainCommandTest and TrainSafetyTest.
 */
class RandomKillIT {
    @TempDir
    Path dir;

    private static final int KILLS = 6;

    @Test
    void aKillAtAnyMomentLosesNothingAndResumesExactly() throws Exception {
        TinyDataset tiny = TinyDataset.make(dir, 96, 24, 4.0);
        Path config = TinyDataset.writeConfig(dir.resolve("tiny.yaml"), 3, "");
        List<String> args = List.of("train", "--data", tiny.data().toString(), "--structure", tiny.structure().toString(),
                "--config", config.toString());

        // the uninterrupted run, in a JVM of its own as the killed ones: its wall time sets the range of kill moments
        Path straight = dir.resolve("straight");
        long t0 = System.nanoTime();
        Process p = start(args, straight);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the uninterrupted run finished");
        assertEquals(0, p.exitValue(), Files.readString(straight.resolveSibling("straight.log")));
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        INDArray expected = finalParams(straight);

        Random random = new Random(20261207);
        List<String> moments = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            Path run = dir.resolve("killed-" + i);
            long at = (long) (random.nextDouble() * wallMs);
            p = start(args, run);
            if (!p.waitFor(at, TimeUnit.MILLISECONDS)) p.destroyForcibly().waitFor();   // SIGKILL
            RunLayout layout = new RunLayout(run);
            String when = at + " ms: " + (Files.exists(run) ? layout.checkpointEpochs() + " checkpoints" : "no run folder");
            moments.add(when);

            List<String> resume = new ArrayList<>(args);
            resume.addAll(List.of("--out", run.toString(), "--resume"));
            Cli c = Cli.run(resume.toArray(String[]::new));
            assertEquals(0, c.exitCode(), "resume after a kill at " + when + ": " + c.err());
            assertEquals(expected, finalParams(run), "parameters after a kill at " + when);
            assertEquals(4, Files.readAllLines(run.resolve("metrics.csv")).size(),
                    "header + one row per epoch after a kill at " + when);
            String name = run.getFileName().toString();
            try (Stream<Path> s = Files.list(dir)) {
                List<String> left = s.map(x -> x.getFileName().toString())
                        .filter(n -> n.contains(name) && !n.equals(name) && !n.equals(name + ".log"))
                        .toList();
                assertEquals(List.of(), left, "left beside the run after a kill at " + when);
            }
        }
        System.out.println("RandomKillIT: kills at " + moments + " of a " + wallMs + " ms run");
    }

    private static Process start(List<String> args, Path run) throws Exception {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--out", run.toString()));
        return ChildJvm.start(all, run.resolveSibling(run.getFileName() + ".log"));
    }

    private static INDArray finalParams(Path run) {
        RunLayout l = new RunLayout(run);
        return Checkpoints.loadGraph(l, l.latestCheckpoint().orElseThrow()).params().dup();
    }
}
