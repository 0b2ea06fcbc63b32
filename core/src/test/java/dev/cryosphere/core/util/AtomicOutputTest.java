package dev.cryosphere.core.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class AtomicOutputTest {
    @TempDir
    Path dir;

    private long entries() throws Exception {
        try (Stream<Path> s = Files.list(dir)) { return s.count(); }
    }

    @Test
    void failureBeforeCommitLeavesNothing() throws Exception {
        Path out = dir.resolve("run");
        assertThrows(IllegalStateException.class, () -> {
            try (AtomicOutput o = AtomicOutput.directory(out, false)) {
                Files.writeString(o.path().resolve("half.txt"), "x");
                throw new IllegalStateException("killed");
            }
        });
        assertEquals(0, entries());
    }

    @Test
    void commitAppearsWholeAndExistingTargetIsRefusedUnlessOverwrite() throws Exception {
        Path out = dir.resolve("run");
        try (AtomicOutput o = AtomicOutput.directory(out, false)) {
            Files.writeString(o.path().resolve("a.txt"), "1");
            assertFalse(Files.exists(out));
            o.commit();
        }
        assertEquals("1", Files.readString(out.resolve("a.txt")));
        InputException e = assertThrows(InputException.class, () -> AtomicOutput.directory(out, false));
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("--overwrite"));
        try (AtomicOutput o = AtomicOutput.directory(out, true)) {
            Files.writeString(o.path().resolve("b.txt"), "2");
            o.commit();
        }
        assertFalse(Files.exists(out.resolve("a.txt")));
        assertEquals("2", Files.readString(out.resolve("b.txt")));
        assertEquals(1, entries());
        Path f = dir.resolve("x.csv");
        try (AtomicOutput o = AtomicOutput.file(f, true)) {
            Files.writeString(o.path(), "hello");
            o.commit();
        }
        assertEquals("hello", Files.readString(f));
    }
}
