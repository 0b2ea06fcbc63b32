package dev.cryosphere.cli;

import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.RemoteFolder;
import dev.cryosphere.trainer.run.RunLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code train --out URI} on a Hadoop file system: the trainer works on a local copy (its locks, temporary folders and
 * swaps unchanged), and after every epoch {@link #sync()} mirrors that copy's RUN and its unfinished {@code .RUN.tmp-*}
 * replacement onto the store, each piece written beside and renamed ({@link RemoteFolder#put}). So a JVM that dies
 * mid-run has lost at most the epoch in progress: {@code train --out URI --resume} brings the run down again and goes on.
 * <p>
 * The store sees what a local parent folder would: RUN appears with its first complete checkpoint; new checkpoints
 * appear one by one, each complete; an {@code --overwrite} leaves the old RUN unchanged until the new run has finished
 * and then swaps it in. Where the local trainer must see that RUN exists without needing its contents (an
 * {@code --overwrite}, or the resume of an unfinished replacement), an empty local folder stands in for it; it has no
 * checkpoint, so it is never mirrored.
 */
final class RemoteRun implements AutoCloseable {
    private final RemoteFolder run;
    private final Path staging;
    private final Path local;
    /** Entries (RUN, .RUN.tmp-*) whose remote copy is this process's: updated piece by piece, not replaced whole. */
    private final Set<String> mirrored = new HashSet<>();
    /** Per mirrored entry: relative file -> size and modification time when last uploaded or downloaded. */
    private final Map<String, Map<String, String>> stamps = new HashMap<>();

    private RemoteRun(RemoteFolder run, Path staging) {
        this.run = run;
        this.staging = staging;
        this.local = staging.resolve(run.name());
    }

    /** The local folder the trainer writes as RUN. */
    Path local() { return local; }

    String uri() { return run.uri(); }

    /**
     * Reaches the store, checks what train checks before any work (RUN or an unfinished run of it exists) and brings
     * down what {@code --resume} continues.
     */
    static RemoteRun stage(String uri, boolean resume, boolean overwrite) {
        RemoteFolder run = RemoteFolder.open(uri);
        // .RUN.tmp-*, not the leftovers of an interrupted upload of one (.RUN.tmp-*.partial-*)
        List<String> pending = run.siblingsStartingWith(pendingPrefix(run.name())).stream()
                .filter(n -> !n.contains(".partial-") && !n.contains(".old-")).toList();
        boolean exists = run.exists();
        if (!resume && !overwrite && exists)
            throw new InputException(uri, null, run.exists("config.json")
                    ? "already exists (use --resume to continue it or --overwrite to replace it)"
                    : "already exists and is not a training run (no config.json), so there is nothing to --resume; use --overwrite to replace it");
        if (!resume && !overwrite && !pending.isEmpty())
            throw new InputException(uri, null, "an unfinished run of it is kept in " + run.sibling(pending.get(0)).uri()
                    + " (use --resume to continue it or --overwrite to discard it)");
        RemoteRun r;
        try {
            r = new RemoteRun(run, Files.createTempDirectory("cryosphere-run-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a local folder for " + uri, e);
        }
        try {
            if (resume && !pending.isEmpty()) {
                // the newest unfinished replacement is what the trainer continues; RUN itself only has to exist
                r.bringDown(pending.get(0));
                if (exists) r.standIn();
            } else if (resume && exists) {
                r.bringDown(run.name());
            } else if (overwrite) {
                for (String p : pending) {
                    System.err.println("train: discarding the unfinished run " + run.sibling(p).uri());
                    run.sibling(p).delete("");
                }
                if (exists) r.standIn();
            }
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private static String pendingPrefix(String name) {
        return "." + name + ".tmp-";
    }

    private void bringDown(String name) {
        Path to = staging.resolve(name);
        // logs/ too: the trainer appends to logs/train.log, which then replaces the remote one
        run.sibling(name).download(to, Set.of());
        mirrored.add(name);
        stamps.put(name, stampsOf(to));
    }

    /** An empty RUN, so that the trainer builds beside it and swaps only at the end (as with a local RUN). */
    private void standIn() {
        try {
            Files.createDirectories(local);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mirrors the local RUN and its unfinished replacement onto the store (after each epoch and at the end). */
    void sync() {
        Set<String> present = new HashSet<>();
        for (Path entry : localEntries()) {
            String name = entry.getFileName().toString();
            if (new RunLayout(entry).checkpointEpochs().isEmpty()) continue;   // nothing worth keeping yet, or a stand-in
            present.add(name);
            RemoteFolder remote = run.sibling(name);
            if (!mirrored.contains(name)) {
                // appears (or replaces the old RUN) whole, with its checkpoints: the same moment as locally
                remote.put(entry, "", true);
                mirrored.add(name);
                stamps.put(name, stampsOf(entry));
            } else {
                update(remote, entry, stamps.get(name));
            }
        }
        // an unfinished replacement that the trainer has swapped onto RUN (or discarded) is gone here: remove it there
        for (String name : List.copyOf(mirrored)) {
            if (present.contains(name) || name.equals(run.name())) continue;
            run.sibling(name).delete("");
            mirrored.remove(name);
            stamps.remove(name);
        }
    }

    /**
     * Brings a mirrored folder up to date: changed files first (metrics.csv may then be one row ahead of the newest
     * checkpoint, which --resume cuts as it does locally), then each new checkpoint folder whole.
     */
    private void update(RemoteFolder remote, Path entry, Map<String, String> before) {
        Map<String, String> now = stampsOf(entry);
        Set<String> newCheckpoints = new java.util.TreeSet<>();
        for (Map.Entry<String, String> f : now.entrySet()) {
            String rel = f.getKey();
            if (f.getValue().equals(before.get(rel))) continue;
            if (rel.startsWith("checkpoints/")) {
                String[] parts = rel.split("/");
                if (parts.length >= 3) newCheckpoints.add(parts[0] + "/" + parts[1]);
            } else {
                remote.put(entry.resolve(rel), rel, true);
            }
        }
        for (String c : newCheckpoints) remote.put(entry.resolve(c), c, true);
        // checkpoint folders renamed or removed locally (renumbering of old runs)
        Set<String> gone = new java.util.TreeSet<>();
        for (String rel : before.keySet()) if (!now.containsKey(rel) && rel.startsWith("checkpoints/")) gone.add(rel.substring(0, rel.lastIndexOf('/')));
        for (String rel : before.keySet()) if (!now.containsKey(rel) && !rel.startsWith("checkpoints/")) remote.delete(rel);
        for (String c : gone) if (now.keySet().stream().noneMatch(k -> k.startsWith(c + "/"))) remote.delete(c);
        before.clear();
        before.putAll(now);
    }

    /** RUN and .RUN.tmp-* in the local staging folder. */
    private List<Path> localEntries() {
        String prefix = pendingPrefix(run.name());
        try (Stream<Path> s = Files.list(staging)) {
            return s.filter(p -> Files.isDirectory(p) && (p.equals(local) || p.getFileName().toString().startsWith(prefix)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Relative path -> "size@mtime" of every regular file under {@code root} (temporary checkpoint folders left out). */
    private static Map<String, String> stampsOf(Path root) {
        Map<String, String> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (rel.contains("/.") || rel.startsWith(".")) continue;   // hidden: a checkpoint being written
                out.put(rel, Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Removes the local copy (the store keeps the run). */
    @Override
    public void close() {
        try {
            AtomicOutput.deleteRecursively(staging);
        } catch (IOException e) {
            System.err.println("train: could not remove the local copy " + staging + ": " + e.getMessage());
        }
    }
}
