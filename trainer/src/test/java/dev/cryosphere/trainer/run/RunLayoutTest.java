package dev.cryosphere.trainer.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Checkpoints are numbered by epochs done (1-based); run folders numbered from 0 read the same and are renumbered. */
class RunLayoutTest {
    @TempDir
    Path dir;

    private static void checkpoint(RunLayout l, String folder, String state) throws Exception {
        Path p = Files.createDirectories(l.checkpoints().resolve(folder));
        Files.writeString(p.resolve("model.zip"), "zip");
        Files.writeString(p.resolve("state.json"), state);
    }

    @Test
    void newCheckpointsAreNamedByEpochsDone() throws Exception {
        RunLayout l = new RunLayout(dir.resolve("run"));
        Path state = Files.createDirectories(dir.resolve("s")).resolve("state.json");
        new TrainState(0, 3, 0, 16, 1, 1.0).write(state);
        assertTrue(Files.readString(state).contains("\"epochs_done\" : 1"));
        assertEquals(0, TrainState.read(state).epoch());
        checkpoint(l, "epoch-0001", Files.readString(state));
        assertEquals(List.of(1), l.checkpointEpochs());
        assertEquals(l.checkpoints().resolve("epoch-0001"), l.checkpoint(1));
        assertEquals(l.checkpoints().resolve("epoch-0002"), l.checkpoint(2));
    }

    @Test
    void zeroBasedFoldersReadAsEpochsDoneAndAreRenumberedNewestFirst() throws Exception {
        RunLayout l = new RunLayout(dir.resolve("legacy"));
        for (int e = 0; e < 3; e++) checkpoint(l, String.format("epoch-%04d", e), "{\"epoch\": " + e + ", \"epochs\": 3, \"seed\": 0}");
        Files.createDirectories(l.checkpoints().resolve(".epoch-0003.tmp-1-2"));   // an interrupted write: ignored
        assertEquals(List.of(1, 2, 3), l.checkpointEpochs());
        assertEquals(l.checkpoints().resolve("epoch-0000"), l.checkpoint(1));
        // a renumbering killed half-way (only the newest renamed) still reads right
        Files.move(l.checkpoints().resolve("epoch-0002"), l.checkpoints().resolve("epoch-0003"));
        assertEquals(List.of(1, 2, 3), l.checkpointEpochs());
        assertEquals(2, l.renumberLegacyCheckpoints());
        for (int e = 1; e <= 3; e++) assertEquals(l.checkpoints().resolve(String.format("epoch-%04d", e)), l.checkpoint(e));
        assertEquals(List.of(1, 2, 3), l.checkpointEpochs());
        assertEquals(0, l.renumberLegacyCheckpoints());
    }
}
