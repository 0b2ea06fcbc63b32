package dev.cryosphere.trainer.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code train} per run folder: an OS lock ({@link FileChannel#tryLock()}, fcntl on Linux) on the hidden sibling
 * file {@code .RUN.lock}, held until {@link #close()}. The OS drops it when the process dies (kill -9 included), so
 * there are no stale locks; a second {@code train} on the same RUN is refused at once ({@link RunLockedException}).
 * <p>
 * The lock file holds the owner's pid and start time and is deleted when the lock is released (a process killed hard
 * leaves the unlocked file, reused by the next run). Deleting a lock file has a classic race (a process that opened
 * the file before the delete locks the orphaned inode); after locking, the new owner checks by stat that the path
 * still names the file it locked, otherwise it retries. The process never opens the lock file a second time while it
 * holds the lock: closing any descriptor of a file drops the process's fcntl locks on it.
 */
public final class RunLock implements AutoCloseable {
    /** Lock files held by this JVM: refused without opening the file (closing a second descriptor drops fcntl locks). */
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final List<Path> createdDirs;

    private RunLock(Path file, FileChannel channel, FileLock lock, List<Path> createdDirs) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.createdDirs = createdDirs;
    }

    /** The lock file of a run folder: {@code .NAME.lock} beside it. */
    public static Path lockFile(Path run) {
        Path abs = run.toAbsolutePath().normalize();
        return abs.resolveSibling("." + abs.getFileName() + ".lock");
    }

    /** Takes the lock of {@code run} or throws {@link RunLockedException} naming the holder. */
    public static RunLock acquire(Path run) {
        Path file = lockFile(run);
        List<Path> created = new ArrayList<>();
        try {
            for (Path d = file.getParent(); d != null && !Files.exists(d); d = d.getParent()) created.add(0, d);
            if (!created.isEmpty()) Files.createDirectories(file.getParent());
            if (HELD.contains(file))
                throw new RunLockedException(run + ": another train holds this run folder (lock " + file
                        + ", this process); not starting");
            for (int attempt = 0; attempt < 20; attempt++) {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                Object opened = key(file);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null;   // this JVM holds it already
                }
                if (l == null) {
                    String holder = read(ch);
                    ch.close();
                    throw new RunLockedException(run + ": another train holds this run folder (lock " + file
                            + (holder.isBlank() ? "" : ", " + holder.trim()) + "); not starting");
                }
                // the path must still name the file we locked (its previous owner may have deleted it meanwhile)
                if (opened != null && opened.equals(key(file))) {
                    String token = "pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n";
                    ch.truncate(0);
                    ch.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.UTF_8)), 0);
                    ch.force(false);
                    if (!HELD.add(file)) {
                        l.release();
                        ch.close();
                        throw new RunLockedException(run + ": another train holds this run folder (lock " + file
                                + ", this process); not starting");
                    }
                    return new RunLock(file, ch, l, created);
                }
                l.release();
                ch.close();
            }
            throw new RunLockedException(run + ": cannot take the lock " + file + " (it keeps changing); not starting");
        } catch (IOException e) {
            removeCreated(created);
            throw new UncheckedIOException("cannot lock " + file, e);
        } catch (RuntimeException e) {
            removeCreated(created);
            throw e;
        }
    }

    /**
     * The lock file's content through the channel: opening and closing another descriptor of the file would drop
     * this process's locks on it (POSIX fcntl semantics).
     */
    private static String read(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate((int) Math.min(4096, ch.size()));
            ch.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The file's identity (device and inode on Unix) by stat, which opens no descriptor; null if it is gone. */
    private static Object key(Path file) {
        try {
            Object k = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return k != null ? k : "no-file-keys";
        } catch (IOException e) {
            return null;
        }
    }

    /** Folders created for the lock file that are still empty (a failed new run leaves nothing). */
    private static void removeCreated(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                return;   // not empty: something else was written there
            }
        }
    }

    /** Deletes the lock file (still holding the lock), then releases the lock; removes folders created for it if empty. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // an undeletable lock file is harmless: it is unlocked once released
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            HELD.remove(file);
        }
        removeCreated(createdDirs);
    }
}
