package dev.cryosphere.trainer.run;

import dev.cryosphere.core.util.AtomicOutput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a training run is written, so that a failure never loses a run (docs/user-guide.md, "train", failures lose nothing):
 * <ul>
 *   <li>A run is started in a hidden sibling {@code .RUN.tmp-<id>} on the same file system. A visible RUN always has
 *   at least one complete checkpoint.</li>
 *   <li>A new run (no RUN yet) is renamed onto RUN as soon as its first checkpoint is complete; from then on it is
 *   trained in place, and a crash, Ctrl-C or kill keeps every checkpoint for {@code --resume}. A run that stops before
 *   its first checkpoint leaves nothing (its temporary folder is removed, or by the next {@code train} of RUN when the
 *   process was killed).</li>
 *   <li>{@code --overwrite} of an existing RUN: the old RUN stays byte-identical until the new run has finished every
 *   epoch; then the two are swapped. An unfinished replacement that has checkpoints is kept in its temporary folder,
 *   and {@code --resume} continues it (and swaps it in when it completes); {@code --overwrite} again discards it.</li>
 * </ul>
 * Every method runs under the run's {@link RunLock}, so any temporary folder of RUN found here belongs to a train that
 * is no longer running.
 */
public final class RunOutput {
    private final Path target;
    private Path work;

    private RunOutput(Path target, Path work) {
        this.target = target;
        this.work = work;
    }

    /** The run folder as given, absolute. */
    public Path target() { return target; }

    /** Where the run is written now: the temporary folder until it is promoted, then RUN. */
    public Path work() { return work; }

    public boolean inPlace() { return work.equals(target); }

    /** Training goes on in RUN itself (resume of a visible run). */
    public static RunOutput inPlace(Path run) {
        Path t = run.toAbsolutePath().normalize();
        return new RunOutput(t, t);
    }

    /** A new run in a fresh temporary folder; leftovers of earlier runs of RUN that no process runs are removed first. */
    public static RunOutput fresh(Path run) throws IOException {
        Path t = run.toAbsolutePath().normalize();
        for (Path old : temporaries(t)) {
            RunLayout l = new RunLayout(old);
            if (!l.checkpointEpochs().isEmpty())
                System.err.printf(Locale.ROOT, "train: discarding the unfinished run %s (%d epochs done)%n", old,
                        l.latestCheckpoint().orElseThrow());
            AtomicOutput.deleteRecursively(old);
        }
        Path tmp = t.resolveSibling("." + t.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectories(tmp.getParent());
        Files.createDirectory(tmp);
        return new RunOutput(t, tmp);
    }

    /** Continues an unfinished run left in a temporary folder; promoted at once if RUN does not exist. */
    public static RunOutput pending(Path run, Path tmp) throws IOException {
        RunOutput o = new RunOutput(run.toAbsolutePath().normalize(), tmp);
        if (!Files.exists(o.target)) o.promote();
        return o;
    }

    /**
     * The newest unfinished run of RUN in a temporary folder that has a complete checkpoint (an interrupted
     * {@code --overwrite}, or a new run killed between its first checkpoint and the rename), if any.
     */
    public static Optional<Path> findPending(Path run) {
        Path t = run.toAbsolutePath().normalize();
        return temporaries(t).stream()
                .filter(p -> Files.exists(new RunLayout(p).configJson()) && !new RunLayout(p).checkpointEpochs().isEmpty())
                .max(Comparator.comparing(RunOutput::mtime));
    }

    /** After each checkpoint: a new run whose RUN does not exist yet becomes RUN. Returns the layout to go on with. */
    public RunLayout checkpointed() {
        if (!inPlace() && !Files.exists(target)) {
            try {
                promote();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot rename " + work + " to " + target, e);
            }
        }
        return new RunLayout(work);
    }

    /** At the end of a successful run: an unfinished replacement is swapped onto RUN. Returns the final layout. */
    public RunLayout completed() {
        if (inPlace()) return new RunLayout(work);
        try {
            if (!Files.exists(target)) {
                promote();
            } else {
                // a directory cannot be replaced in one rename: old aside, new in place, old deleted
                Path old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                promote();
                AtomicOutput.deleteRecursively(old);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + target + " with " + work, e);
        }
        return new RunLayout(work);
    }

    /**
     * After a failure: a temporary folder without a complete checkpoint is removed (nothing is left behind); one with
     * checkpoints is kept and described (returns the note, or null).
     */
    public String failed() {
        if (inPlace()) return null;
        RunLayout l = new RunLayout(work);
        try {
            if (l.checkpointEpochs().isEmpty()) {
                AtomicOutput.deleteRecursively(work);
                return null;
            }
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
        return String.format(Locale.ROOT, "%s is unchanged; the new run's checkpoints (%d epochs done) are kept in %s: "
                + "train --resume continues it and replaces %s when it completes, --overwrite starts again",
                target, l.latestCheckpoint().orElseThrow(), work, target.getFileName());
    }

    private void promote() throws IOException {
        try {
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(work, target);
        }
        work = target;
    }

    /** Hidden {@code .NAME.tmp-*} folders beside RUN (runs of RUN that were stopped or killed). */
    static List<Path> temporaries(Path target) {
        Path parent = target.getParent();
        String prefix = "." + target.getFileName() + ".tmp-";
        if (parent == null || !Files.isDirectory(parent)) return List.of();
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Leftover {@code .NAME.old-*} folders of a swap that was killed half-way (RUN exists again: they are stale). */
    static void removeStaleOld(Path target) throws IOException {
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(target)) return;
        String prefix = "." + target.getFileName() + ".old-";
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) AtomicOutput.deleteRecursively(p);
        }
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
