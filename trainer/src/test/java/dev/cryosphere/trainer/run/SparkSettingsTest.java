package dev.cryosphere.trainer.run;

import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The `spark:` section of run.yaml: defaults, parsing, and unknown keys named. */
class SparkSettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreParameterAveragingEvery5StepsOneReplicaPerExecutorAndTheConfigBatch() {
        SparkSettings s = RunConfig.defaults().spark;
        assertFalse(s.shared());
        assertEquals(5, s.averagingFrequency());
        assertEquals(1, s.workersPerNode());
        assertEquals(128, s.batchPerWorker(128));
        assertEquals(3e-6, s.threshold(3e-5, 3e-4), 1e-18);   // a tenth of the smaller learning rate
        s.threshold = 1e-3;
        assertEquals(1e-3, s.threshold(3e-5, 3e-4));
        assertEquals(2, s.epochRetries());
        assertFalse(s.checkReplicas());
    }

    @Test
    void readsTheSparkSection() throws Exception {
        Path f = dir.resolve("run.yaml");
        Files.writeString(f, """
                batch_size: 32
                spark:
                  training_master: averaging
                  batch_per_worker: 8
                  workers_per_node: 4
                  averaging_frequency: 3
                """);
        SparkSettings s = RunConfig.read(f).spark;
        assertFalse(s.shared());
        assertEquals(8, s.batchPerWorker(32));
        assertEquals(4, s.workersPerNode());
        assertEquals(3, s.averagingFrequency());
    }

    @Test
    void unknownSparkKeysAndMastersAreErrors() throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, "spark:\n  workers_per_nodes: 2\n");
        InputException e = assertThrows(InputException.class, () -> RunConfig.read(f));
        assertTrue(e.getMessage().contains("workers_per_nodes"), e.getMessage());
        Files.writeString(f, "spark:\n  training_master: allreduce\n");
        e = assertThrows(InputException.class, () -> RunConfig.read(f));
        assertTrue(e.getMessage().contains("training_master"), e.getMessage());
    }
}
