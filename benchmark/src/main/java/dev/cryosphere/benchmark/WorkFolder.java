package dev.cryosphere.benchmark;

import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.core.util.EnvironmentException;
import dev.cryosphere.core.util.InputException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * OUT of `cryosphere benchmark`: a working folder that a rerun of the same spec continues. It is recognised by the file
 * {@link #MARKER} in it; an existing folder without it (not made by benchmark, or by a version before resumable
 * stages) is refused with one error line unless --overwrite, which starts from scratch: the old folder is moved aside
 * and deleted before anything runs. While a benchmark runs, it holds a lock on the marker, so a second benchmark into
 * the same OUT stops at once instead of interleaving with the first.
 */
final class WorkFolder implements AutoCloseable {
    static final String MARKER = ".cryosphere-benchmark";

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private WorkFolder(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    static WorkFolder open(Path out, boolean overwrite) throws IOException {
        AtomicOutput.requireWritableLocation(out);
        Path dir = out.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new InputException(out, null, "exists and is not a folder");
        if (Files.exists(dir) && overwrite) {
            Path old = dir.resolveSibling("." + dir.getFileName() + ".old-" + System.nanoTime());
            Files.move(dir, old);
            AtomicOutput.deleteRecursively(old);
        }
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER)) && !empty(dir))
            throw new InputException(out, null, "exists and was not made by `cryosphere benchmark` (no " + MARKER
                    + " in it): use --overwrite to replace it, or another --out");
        Files.createDirectories(dir);
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker))
            StageLedger.writeAtomically(marker, "cryosphere benchmark working folder: a rerun of the spec continues it\n");
        FileChannel ch = FileChannel.open(marker, StandardOpenOption.WRITE);
        FileLock l = ch.tryLock();
        if (l == null) {
            ch.close();
            throw new EnvironmentException(out, null, "in use by another `cryosphere benchmark` (lock on " + MARKER + ")");
        }
        return new WorkFolder(dir, ch, l);
    }

    private static boolean empty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    Path path() { return path; }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
