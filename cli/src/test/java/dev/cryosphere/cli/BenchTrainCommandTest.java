package dev.cryosphere.cli;

import dev.cryosphere.trainer.run.Checkpoints;
import dev.cryosphere.trainer.run.RunLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** `bench-train --data` (issue 20, item 4) runs `train` itself and measures each epoch; no timed assertions. */
class BenchTrainCommandTest {
    @TempDir
    static Path dir;
    static TinyDataset tiny;
    static Path config;

    @BeforeAll
    static void dataset() throws Exception {
        tiny = TinyDataset.make(dir, 64, 24, 4.0);
        config = TinyDataset.writeConfig(dir.resolve("tiny.yaml"), 3, "");
    }

    private static float[] finalParams(Path run) {
        RunLayout l = new RunLayout(run);
        return Checkpoints.loadGraph(l, l.latestCheckpoint().orElseThrow()).params().toFloatVector();
    }

    @Test
    void measuresEveryEpochOfTheSameRunTrainMakes() throws Exception {
        Path benched = dir.resolve("benched"), trained = dir.resolve("trained");
        Cli bench = Cli.run("bench-train", "--data", tiny.data().toString(), "--structure", tiny.structure().toString(),
                "--config", config.toString(), "--epochs", "3", "--out", benched.toString());
        assertEquals(0, bench.exitCode(), bench.err());
        long epochLines = bench.out().lines().filter(l -> l.matches("bench-train: epoch \\d/3: .*")).count();
        assertEquals(3, epochLines, bench.out());
        String last = bench.out().lines().filter(l -> l.startsWith("bench-train: epoch 3/3")).findFirst().orElseThrow();
        for (String field : new String[]{"images/s (loop)", "images/s (epoch)", "cores busy", "RSS", "peak RSS", "heap"})
            assertTrue(last.contains(field), last);
        assertTrue(bench.out().contains("bench-train: mean of epochs 2-3"), bench.out());
        assertTrue(bench.out().contains("epoch 3 vs epoch 2"), bench.out());
        // the same code path as train: its checkpoints, metrics, and bit-identical parameters
        assertEquals(3, Files.readAllLines(new RunLayout(benched).metrics()).size() - 1);
        Cli train = Cli.run("train", "--data", tiny.data().toString(), "--structure", tiny.structure().toString(),
                "--config", config.toString(), "--epochs", "3", "--out", trained.toString());
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(Arrays.equals(finalParams(trained), finalParams(benched)), "bench-train --data trains exactly as train");
    }
}
