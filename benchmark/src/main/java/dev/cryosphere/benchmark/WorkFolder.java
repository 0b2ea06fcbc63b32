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
 * (.OUT.old-N beside it) and deleted only when the new run has written its summary ({@link #complete}), so a run that
 * fails or is killed loses nothing. While a benchmark runs, it holds a lock on the marker, so a second benchmark into
 * the same OUT (or an --overwrite of it) stops at once instead of interleaving with the first.
 */
final class WorkFolder implements AutoCloseable {
    static final String MARKER = ".cryosphere-benchmark";

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private Path previous;        // the folder --overwrite replaces, until the new run is complete

    private WorkFolder(Path path, FileChannel channel, FileLock lock, Path previous) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.previous = previous;
    }

    static WorkFolder open(Path out, boolean overwrite) throws IOException {
        AtomicOutput.requireWritableLocation(out);
        Path dir = out.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new InputException(out, null, "exists and is not a folder");
        Path previous = null;
        if (Files.exists(dir) && overwrite) {
            previous = dir.resolveSibling("." + dir.getFileName() + ".old-" + System.nanoTime());
            if (Files.exists(dir.resolve(MARKER))) {
                // not from under a benchmark that is still running in it
                try (FileChannel ch = FileChannel.open(dir.resolve(MARKER), StandardOpenOption.WRITE)) {
                    FileLock l = tryLock(ch);
                    if (l == null) throw inUse(out);
                    Files.move(dir, previous);
                    l.release();
                }
            } else {
                Files.move(dir, previous);
            }
        }
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER)) && !empty(dir))
            throw new InputException(out, null, "exists and was not made by `cryosphere benchmark` (no " + MARKER
                    + " in it): use --overwrite to replace it, or another --out");
        Files.createDirectories(dir);
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker))
            StageLedger.writeAtomically(marker, "cryosphere benchmark working folder: a rerun of the spec continues it\n");
        FileChannel ch = FileChannel.open(marker, StandardOpenOption.WRITE);
        FileLock l = tryLock(ch);
        if (l == null) {
            ch.close();
            throw inUse(out);
        }
        return new WorkFolder(dir, ch, l, previous);
    }

    /** The lock, or null when another process (or another WorkFolder of this JVM) holds it. */
    private static FileLock tryLock(FileChannel ch) throws IOException {
        try {
            return ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return null;
        }
    }

    private static EnvironmentException inUse(Path out) {
        return new EnvironmentException(out, null, "in use by another `cryosphere benchmark` (lock on " + MARKER + ")");
    }

    /** The new run wrote its summary: the folder --overwrite replaced can go. */
    void complete() throws IOException {
        if (previous != null && Files.exists(previous)) AtomicOutput.deleteRecursively(previous);
        previous = null;
    }

    /** The folder --overwrite moved aside and has not deleted yet (the run did not complete), or null. */
    Path previous() { return previous; }

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
        if (previous != null && Files.exists(previous))
            System.out.println("benchmark: the run did not complete; the folder --overwrite replaced is kept at " + previous);
    }
}
