package dev.cryosphere.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Real failing output locations for the tests: a small tmpfs (a full disk after a few KiB) and a read-only one, mounted
 * when the tests run as root (as in the project's containers); otherwise a read-only folder by permissions, and the
 * full-disk tests are skipped (no way to fill a disk without root).
 */
final class SmallFileSystem implements AutoCloseable {
    private final Path dir;
    private final boolean mounted;

    private SmallFileSystem(Path dir, boolean mounted) {
        this.dir = dir;
        this.mounted = mounted;
    }

    Path dir() { return dir; }

    /** A tmpfs of {@code kib} KiB at {@code dir} (created); skips the test when it cannot be mounted. */
    static SmallFileSystem full(Path dir, int kib) throws Exception {
        Files.createDirectories(dir);
        Assumptions.assumeTrue(mount(dir, "size=" + kib + "k"), "cannot mount a tmpfs (not root): no full-disk test");
        return new SmallFileSystem(dir, true);
    }

    /** A read-only folder at {@code dir}: a read-only tmpfs when root, else a folder without write permission. */
    static SmallFileSystem readOnly(Path dir) throws Exception {
        Files.createDirectories(dir);
        if (mount(dir, "size=64k,ro")) return new SmallFileSystem(dir, true);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        Assumptions.assumeFalse(Files.isWritable(dir), "cannot make a read-only folder");
        return new SmallFileSystem(dir, false);
    }

    private static boolean mount(Path dir, String options) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) return false;
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    /** Entries left in the folder (hidden ones too). */
    java.util.List<String> entries() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public void close() throws Exception {
        if (mounted) {
            Process p = new ProcessBuilder("umount", "-l", dir.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } else {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
