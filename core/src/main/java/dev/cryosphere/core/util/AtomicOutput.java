package dev.cryosphere.core.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Output that appears complete or not at all: work goes to a hidden temporary sibling, which is renamed onto the
 * target only when {@link #commit()} is called. A crash or an exception leaves at most a ".name.tmp-*" entry that the
 * next run ignores and a later {@link #close()} removes.
 */
public final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final boolean directory;
    private final boolean overwrite;
    private boolean committed;

    private AtomicOutput(Path target, boolean directory, boolean overwrite) throws IOException {
        this.target = target.toAbsolutePath().normalize();
        this.directory = directory;
        this.overwrite = overwrite;
        Path parent = this.target.getParent();
        requireWritableLocation(target);
        if (parent != null) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw EnvironmentException.of(target, "cannot create its folder " + parent, e);
            }
        }
        if (Files.exists(this.target) && !overwrite)
            throw new InputException(target, null, "already exists (use --overwrite to replace it)");
        String name = "." + this.target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        this.temp = parent == null ? Path.of(name) : parent.resolve(name);
        if (directory) {
            try {
                Files.createDirectory(temp);
            } catch (IOException e) {
                throw EnvironmentException.of(target, "cannot write in " + parent, e);
            }
        }
    }

    /**
     * Before any work: an {@link EnvironmentException} naming {@code target} when it cannot be created: a regular file
     * where one of its folders should be, or a nearest existing folder that is read-only or not writable.
     */
    public static void requireWritableLocation(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        String blocking = IoFailure.ancestorThatIsAFile(abs.toString());
        if (blocking != null)
            throw new EnvironmentException(target, null, "cannot create it: " + blocking + " is a file, not a folder");
        Path existing = abs.getParent();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing != null && !Files.isWritable(existing))
            throw new EnvironmentException(target, null, "cannot write in " + existing + ": "
                    + (readOnly(existing) ? "read-only file system" : "permission denied"));
    }

    private static boolean readOnly(Path p) {
        try {
            return Files.getFileStore(p).isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }

    /** A directory to fill; {@link #path()} is where to write. */
    public static AtomicOutput directory(Path target, boolean overwrite) throws IOException {
        return new AtomicOutput(target, true, overwrite);
    }

    /** A single file to write at {@link #path()}. */
    public static AtomicOutput file(Path target, boolean overwrite) throws IOException {
        return new AtomicOutput(target, false, overwrite);
    }

    /**
     * A new empty hidden file beside {@code target} to write and then rename onto it, created with the default
     * permissions (the user's umask), which the rename keeps. Why not {@link Files#createTempFile}: it creates 0600, so
     * a map or STAR file written for a lab's shared project folder would be unreadable to the rest of the group.
     */
    public static Path siblingTempFile(Path target) throws IOException {
        Path t = target.toAbsolutePath();
        Path dir = t.getParent();
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + t.getFileName() + "." + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }

    /** Where to write now (the temporary location). */
    public Path path() { return temp; }

    public Path target() { return target; }

    /** Renames the finished output onto the target (replacing it when overwrite was allowed). */
    public void commit() throws IOException {
        if (overwrite && Files.exists(target)) {
            if (directory) {
                // a directory cannot be atomically replaced: move the old one aside first, then delete it
                Path old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
                Files.move(target, old);
                move();
                deleteRecursively(old);
                committed = true;
                return;
            }
        }
        move();
        committed = true;
    }

    private void move() throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            throw new InputException(target, null, "already exists (use --overwrite to replace it)");
        }
    }

    /** Removes the temporary output if {@link #commit()} was not reached. */
    @Override
    public void close() {
        if (!committed) {
            try {
                deleteRecursively(temp);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(q);
        }
    }
}
