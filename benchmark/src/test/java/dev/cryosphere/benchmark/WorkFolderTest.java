package dev.cryosphere.benchmark;

import dev.cryosphere.core.util.EnvironmentException;
import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** benchmark's OUT: --overwrite loses nothing until the new run is complete, and never takes a folder in use. */
class WorkFolderTest {
    @TempDir
    Path dir;

    private Path oldResults() throws Exception {
        Path out = dir.resolve("out");
        try (WorkFolder w = WorkFolder.open(out, false)) {
            Files.writeString(w.path().resolve("benchmark.csv"), "old results\n");
            w.complete();
        }
        return out;
    }

    private long siblings() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".out.old-")).count();
        }
    }

    @Test
    void overwriteKeepsTheOldFolderUntilTheNewRunIsComplete() throws Exception {
        Path out = oldResults();
        Path kept;
        try (WorkFolder w = WorkFolder.open(out, true)) {
            kept = w.previous();
            assertNotNull(kept);
            assertEquals("old results\n", Files.readString(kept.resolve("benchmark.csv")), "moved aside, not deleted");
            assertFalse(Files.exists(out.resolve("benchmark.csv")), "the new run starts from scratch");
            w.complete();
        }
        assertFalse(Files.exists(kept));
        assertEquals(0, siblings());
    }

    @Test
    void aRunThatDoesNotCompleteLeavesTheReplacedFolderBeside() throws Exception {
        Path out = oldResults();
        try (WorkFolder w = WorkFolder.open(out, true)) {
            assertNotNull(w.previous());
        }   // e.g. an exception before the summary
        assertEquals(1, siblings());
    }

    @Test
    void aFolderInUseIsNeitherOpenedNorOverwritten() throws Exception {
        Path out = oldResults();
        try (WorkFolder running = WorkFolder.open(out, false)) {
            assertThrows(EnvironmentException.class, () -> WorkFolder.open(out, false));
            assertThrows(EnvironmentException.class, () -> WorkFolder.open(out, true));
            assertEquals("old results\n", Files.readString(out.resolve("benchmark.csv")), "left where it is");
            assertEquals(0, siblings());
        }
    }

    @Test
    void aFolderNotMadeByBenchmarkIsRefusedUnlessOverwritten() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("mine.txt"), "x");
        assertThrows(InputException.class, () -> WorkFolder.open(out, false));
        assertTrue(Files.exists(out.resolve("mine.txt")));
        try (WorkFolder w = WorkFolder.open(out, true)) {
            assertEquals("x", Files.readString(w.previous().resolve("mine.txt")));
        }
    }
}
