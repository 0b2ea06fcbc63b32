package dev.cryosphere.trainer.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class RunLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondLockOnTheSameRunIsRefusedAndTheLockFileGoesWithTheLock() throws Exception {
        Path run = dir.resolve("a/b/run");
        try (RunLock first = RunLock.acquire(run)) {
            Path file = RunLock.lockFile(run);
            assertTrue(Files.readString(file).contains("pid " + ProcessHandle.current().pid()));
            RunLockedException e = assertThrows(RunLockedException.class, () -> RunLock.acquire(run));
            assertTrue(e.getMessage().contains("another train holds") && e.getMessage().contains(run.toString()), e.getMessage());
            // refusing did not drop the holder's lock (no second descriptor of the file was closed)
            assertThrows(RunLockedException.class, () -> RunLock.acquire(run));
            try (RunLock other = RunLock.acquire(dir.resolve("a/b/other"))) {
                assertNotNull(other, "another run folder is not locked");
            }
        }
        assertFalse(Files.exists(dir.resolve("a")), "the lock file and the folders made for it are gone");
        try (RunLock again = RunLock.acquire(run)) {
            assertNotNull(again);
        }
    }
}
