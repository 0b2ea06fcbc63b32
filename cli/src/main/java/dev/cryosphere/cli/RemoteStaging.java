package dev.cryosphere.cli;

import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.RemoteFolder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The inputs and outputs of one command (evaluate, select) that may be Hadoop URIs: a remote input is copied down to a
 * local folder before the work; a remote output is checked before the work (it exists and no --overwrite: refused),
 * written locally, and uploaded only by {@link #publish()}, after the command succeeded, each piece beside its
 * destination and renamed onto it ({@link RemoteFolder#put}). A failure before publish leaves the store as it was.
 * Plain paths and {@code file://} URIs are used in place, as before.
 */
final class RemoteStaging implements AutoCloseable {
    private final List<Runnable> uploads = new ArrayList<>();
    private Path dir;
    private int next;

    /** A local folder for {@code arg}: the path itself, or a copy of the remote folder (the whole of it). */
    Path inputFolder(String arg) {
        if (!RemoteFolder.isRemote(arg)) return RemoteFolder.localPath(arg);
        RemoteFolder remote = RemoteFolder.open(arg);
        if (!remote.exists()) throw new InputException(arg, null, "not found");
        Path local = newFolder().resolve(remote.name());
        remote.download(local, Set.of());
        return local;
    }

    /** A local file for {@code arg}, and beside it the {@code siblings} that exist beside the remote one. */
    Path inputFile(String arg, String... siblings) {
        if (!RemoteFolder.isRemote(arg)) return RemoteFolder.localPath(arg);
        RemoteFolder remote = RemoteFolder.open(arg);
        if (!remote.exists()) throw new InputException(arg, null, "not found");
        Path folder = newFolder();
        remote.download(folder.resolve(remote.name()), Set.of());
        for (String s : siblings) {
            RemoteFolder beside = remote.sibling(s);
            if (beside.exists()) beside.download(folder.resolve(s), Set.of());
        }
        return folder.resolve(remote.name());
    }

    /** Where to write the output folder {@code arg}; a remote one is uploaded whole by {@link #publish()}. */
    Path outputFolder(String arg, boolean overwrite) {
        if (!RemoteFolder.isRemote(arg)) return RemoteFolder.localPath(arg);
        RemoteFolder remote = RemoteFolder.open(arg);
        if (!overwrite && remote.exists()) throw new InputException(arg, null, "already exists (use --overwrite to replace it)");
        Path local = newFolder().resolve(remote.name());
        uploads.add(() -> remote.put(local, "", overwrite));
        return local;
    }

    /**
     * The base name BASE of output files BASE{suffix} (select's BASE.star, BASE.cs); remote: the first suffix's file
     * must not exist without --overwrite, and every BASE{suffix} written is uploaded by {@link #publish()}.
     */
    Path outputBase(String arg, boolean overwrite, String... suffixes) {
        if (!RemoteFolder.isRemote(arg)) return RemoteFolder.localPath(arg);
        RemoteFolder first = RemoteFolder.open(arg + suffixes[0]);
        if (!overwrite && first.exists()) throw new InputException(first.uri(), null, "already exists (use --overwrite to replace it)");
        Path base = newFolder().resolve(first.name().substring(0, first.name().length() - suffixes[0].length()));
        for (String suffix : suffixes) {
            RemoteFolder remote = first.sibling(base.getFileName() + suffix);
            Path local = base.resolveSibling(base.getFileName() + suffix);
            uploads.add(() -> {
                if (Files.exists(local)) remote.put(local, "", overwrite);
            });
        }
        return base;
    }

    /** Uploads the remote outputs, in the order they were asked for; call once the command has succeeded. */
    void publish() {
        for (Runnable u : uploads) u.run();
        uploads.clear();
    }

    private Path newFolder() {
        try {
            if (dir == null) dir = Files.createTempDirectory("cryosphere-staging-");
            return Files.createDirectory(dir.resolve(String.valueOf(next++)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a local folder for a remote input or output", e);
        }
    }

    /** Removes the local copies. */
    @Override
    public void close() {
        if (dir == null) return;
        try {
            AtomicOutput.deleteRecursively(dir);
        } catch (IOException e) {
            System.err.println("warning: could not remove the local copies in " + dir + ": " + e.getMessage());
        }
    }
}
