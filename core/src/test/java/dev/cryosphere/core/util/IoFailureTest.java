package dev.cryosphere.core.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class IoFailureTest {
    @Test
    void temporaryNamesAreShownAsTheOutput() {
        assertEquals("/d/sim/particles.mrcs", IoFailure.userPath("/d/.sim.tmp-123-456/.particles.mrcs.123-789.tmp"));
        assertEquals("/d/run/checkpoints/epoch-0001/model.zip",
                IoFailure.userPath("/d/.run.tmp-1a2b3c4d-aaaa-bbbb-cccc-1234567890ab/checkpoints/.epoch-0001.tmp-9-9/model.zip"));
        assertEquals("/d/r.mrcs", IoFailure.userPath("/d/..r.mrcs.tmp-1-2.3-4.tmp"));
        assertEquals("/d/.hidden/x", IoFailure.userPath("/d/.hidden/x"));
    }

    @Test
    void causesInWords(@TempDir Path dir) throws IOException {
        assertEquals("/x/y: cannot write: no space left on the device (the disk is full)", IoFailure.describe(
                new UncheckedIOException("cannot write image 3 to /x/.y.tmp-1-2", new IOException("No space left on device"))));
        Path file = Files.writeString(dir.resolve("f"), "");
        assertEquals(file + ": is a file, not a folder",
                IoFailure.describe(new FileAlreadyExistsException(file.toString())));
        assertEquals(file.resolve("a/b") + ": " + file + " is a file, not a folder",
                IoFailure.describe(new java.nio.file.FileSystemException(file.resolve("a/b").toString(), null, "Not a directory")));
        assertNull(IoFailure.describe(new IllegalStateException("no I/O here")));
    }

    @Test
    void outputLocationsAreCheckedBeforeAnyWork(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("f"), "");
        EnvironmentException e = assertThrows(EnvironmentException.class,
                () -> AtomicOutput.requireWritableLocation(file.resolve("x/out")));
        assertEquals(file.resolve("x/out") + ": cannot create it: " + file + " is a file, not a folder", e.getMessage());
        AtomicOutput.requireWritableLocation(dir.resolve("new/folder/out"));   // missing folders are fine
    }
}
