package dev.cryosphere.core.util;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A run or evaluation folder on a Hadoop file system ({@code hdfs://}, {@code s3a://}, any scheme but {@code file}),
 * reached through the Hadoop client. The commands work on a local copy and use this class to bring it down and to
 * put what they wrote back, with the guarantees the local folders have (docs/cluster.md, "Run folders on Hadoop
 * file systems"):
 * <ul>
 *   <li>Everything put is first uploaded beside its destination ({@code .NAME.partial-<random>}) and then renamed onto
 *   it, so a reader never sees half an upload. A folder that replaces another is swapped in as local folders are: the
 *   old one aside ({@code .NAME.old-<random>}), the new one onto the name, the old one deleted.</li>
 *   <li>On HDFS (and viewfs, webhdfs) a rename is one atomic name-node operation, so this is all there is. Object stores
 *   (s3a, gs, abfs without a hierarchical namespace) "rename" by copying object by object: there the folder gets a
 *   {@value #COMMITTED} file last, and {@link #download} refuses a folder without it.</li>
 * </ul>
 * Failures are {@link EnvironmentException}s (exit code 3) naming the URI and the cause in one line.
 */
public final class RemoteFolder {
    /** Written last into a folder published on a store without atomic rename; a folder without it is incomplete. */
    public static final String COMMITTED = "_COMMITTED";

    /** Stores whose rename of a folder is one atomic operation (the name node's). */
    private static final Set<String> ATOMIC_RENAME = Set.of("hdfs", "viewfs", "webhdfs", "swebhdfs");

    /** scheme://…: two letters at least, so that a Windows drive (C:\…) is not taken for a scheme. */
    private static final Pattern URI_LIKE = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):/.*");

    private final String given;
    private final FileSystem fs;
    private final org.apache.hadoop.fs.Path path;

    private RemoteFolder(String given, FileSystem fs, org.apache.hadoop.fs.Path path) {
        this.given = given;
        this.fs = fs;
        this.path = path;
    }

    /** True for a URI with a scheme other than {@code file} (hdfs://, s3a://, …): a folder reached through Hadoop. */
    public static boolean isRemote(String arg) {
        var m = URI_LIKE.matcher(arg);
        return m.matches() && !m.group(1).equalsIgnoreCase("file");
    }

    /** A local argument as a path: {@code file:///x} is {@code /x}, anything else is taken as written. */
    public static Path localPath(String arg) {
        if (arg.regionMatches(true, 0, "file:", 0, 5)) {
            try {
                return Path.of(new URI(arg));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new InputException(arg, null, "not a file URI (" + e.getMessage() + "); write file:///absolute/path or a plain path");
            }
        }
        return Path.of(arg);
    }

    /**
     * The folder at {@code uri}, with the file system reached once now: an unknown scheme, an unreachable name node or
     * a refused login fails here, before any work, with one line naming the URI.
     */
    public static RemoteFolder open(String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new InputException(uri, null, "not a valid URI (" + e.getReason() + ")");
        }
        if (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"))
            throw new InputException(uri, null, "names no folder (write " + u.getScheme() + "://" + (u.getAuthority() == null ? "" : u.getAuthority()) + "/path/to/folder)");
        FileSystem fs;
        try {
            fs = FileSystem.get(u, new Configuration());
        } catch (UnsupportedFileSystemException e) {
            throw noFileSystem(uri, u.getScheme(), e);
        } catch (IOException | RuntimeException e) {
            // a scheme that Hadoop's defaults name (fs.s3a.impl) but whose jar is absent: ClassNotFoundException inside
            if (rootCauseIs(e, ClassNotFoundException.class)) throw noFileSystem(uri, u.getScheme(), e);
            throw unreachable(uri, e);
        }
        RemoteFolder f = new RemoteFolder(uri, fs, fs.makeQualified(new org.apache.hadoop.fs.Path(u)));
        try {
            fs.exists(f.path);   // the first call that talks to the store
        } catch (IOException | RuntimeException e) {
            throw unreachable(uri, e);
        }
        return f;
    }

    private static EnvironmentException noFileSystem(String uri, String scheme, Exception e) {
        return new EnvironmentException(uri, null, "no Hadoop file system for " + scheme + ":// on the classpath"
                + (scheme.equalsIgnoreCase("s3a") ? " (s3a needs hadoop-aws and the AWS SDK bundle, which are not bundled: see docs/cluster.md)" : ""), e);
    }

    private static boolean rootCauseIs(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }

    private static EnvironmentException unreachable(String uri, Throwable e) {
        return new EnvironmentException(uri, null, "cannot reach the file system: " + rootCause(e), e);
    }

    /** The innermost cause in words, e.g. "ConnectException: Connection refused" (Hadoop wraps it in paragraphs). */
    static String rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return IoFailure.reason(c);
    }

    /** The URI as given (for messages). */
    public String uri() { return given; }

    /** The last element of the path (RUN of hdfs://nn/runs/RUN). */
    public String name() { return path.getName(); }

    /** Whether a folder published here appears in one rename (HDFS) or needs the {@value #COMMITTED} marker (object stores). */
    public boolean atomicRename() {
        return ATOMIC_RENAME.contains(fs.getUri().getScheme().toLowerCase(Locale.ROOT));
    }

    /** The folder {@code name} beside this one (same parent). */
    public RemoteFolder sibling(String name) {
        return new RemoteFolder(new org.apache.hadoop.fs.Path(path.getParent(), name).toString(), fs,
                new org.apache.hadoop.fs.Path(path.getParent(), name));
    }

    public boolean exists() {
        return exists("");
    }

    /** Whether {@code relative} ("" for the folder itself) exists. */
    public boolean exists(String relative) {
        try {
            return fs.exists(at(relative));
        } catch (IOException e) {
            throw failed("cannot read", e);
        }
    }

    /** Names of the entries beside this folder that start with {@code prefix}, newest first. */
    public List<String> siblingsStartingWith(String prefix) {
        List<FileStatus> found = new ArrayList<>();
        try {
            if (!fs.exists(path.getParent())) return List.of();
            for (FileStatus s : fs.listStatus(path.getParent()))
                if (s.getPath().getName().startsWith(prefix)) found.add(s);
        } catch (IOException e) {
            throw failed("cannot list the folder of", e);
        }
        found.sort((a, b) -> Long.compare(b.getModificationTime(), a.getModificationTime()));
        return found.stream().map(s -> s.getPath().getName()).toList();
    }

    /**
     * Copies the folder (or file) down to {@code local}, which must not exist, leaving out the top-level entries named
     * in {@code skip}. On a store without atomic rename a folder without {@value #COMMITTED} is refused (an upload that
     * was interrupted).
     */
    public void download(Path local, Set<String> skip) {
        try {
            FileStatus st = fs.getFileStatus(path);
            if (st.isDirectory() && !atomicRename() && !fs.exists(at(COMMITTED)))
                throw new InputException(given, null, "incomplete: no " + COMMITTED + " file (an upload to this store was interrupted)");
            if (!st.isDirectory()) {
                copyDown(path, local);
                return;
            }
            Files.createDirectories(local);
            for (FileStatus s : fs.listStatus(path)) {
                String n = s.getPath().getName();
                if (skip.contains(n) || n.equals(COMMITTED)) continue;
                copyDown(s.getPath(), local.resolve(n));
            }
        } catch (java.io.FileNotFoundException e) {
            throw new InputException(given, null, "not found");
        } catch (IOException e) {
            throw failed("cannot download", e);
        }
    }

    private void copyDown(org.apache.hadoop.fs.Path from, Path to) throws IOException {
        // raw local file system: no .crc files beside the copies
        fs.copyToLocalFile(false, from, new org.apache.hadoop.fs.Path(to.toAbsolutePath().toUri()), true);
    }

    /**
     * Uploads {@code local} (a file or folder) to {@code relative} inside this folder ("" for the folder itself): beside
     * it first, then renamed onto it. An existing file is replaced in one rename where the store can (HDFS); an existing
     * folder is swapped (old aside, new in place, old deleted) when {@code replace}, else it is an input error.
     */
    public void put(Path local, String relative, boolean replace) {
        org.apache.hadoop.fs.Path dest = at(relative);
        org.apache.hadoop.fs.Path beside = besideOf(dest, "partial");
        boolean folder = Files.isDirectory(local);
        try {
            if (!replace && fs.exists(dest)) throw new InputException(uriOf(dest), null, "already exists (use --overwrite to replace it)");
            fs.mkdirs(dest.getParent());
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toAbsolutePath().toUri()), beside);
            boolean exists = fs.exists(dest);
            if (exists && !replace) throw new InputException(uriOf(dest), null, "already exists (use --overwrite to replace it)");
            if (!exists) {
                rename(beside, dest);
            } else if (!folder) {
                // one name-node operation on HDFS; elsewhere FileContext deletes and renames
                FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(beside, dest, Options.Rename.OVERWRITE);
            } else {
                org.apache.hadoop.fs.Path old = besideOf(dest, "old");
                rename(dest, old);
                rename(beside, dest);
                fs.delete(old, true);
            }
            if (folder && relative.isEmpty() && !atomicRename()) fs.create(at(COMMITTED), true).close();
        } catch (IOException e) {
            deleteQuietly(beside);
            throw failed("cannot upload " + local + " to", dest, e);
        } catch (RuntimeException e) {
            deleteQuietly(beside);
            throw e;
        }
    }

    /** Deletes {@code relative} ("" for the folder itself) if it exists. */
    public void delete(String relative) {
        try {
            fs.delete(at(relative), true);
        } catch (IOException e) {
            throw failed("cannot delete", at(relative), e);
        }
    }

    private void rename(org.apache.hadoop.fs.Path from, org.apache.hadoop.fs.Path to) throws IOException {
        // FileSystem.rename answers false rather than throwing for most failures
        if (!fs.rename(from, to)) throw new IOException("cannot rename " + from + " to " + to);
    }

    private void deleteQuietly(org.apache.hadoop.fs.Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException | RuntimeException ignored) {
            // the failure being reported matters more; a leftover .partial-* is ignored by every reader
        }
    }

    private org.apache.hadoop.fs.Path at(String relative) {
        return relative.isEmpty() ? path : new org.apache.hadoop.fs.Path(path, relative);
    }

    private static org.apache.hadoop.fs.Path besideOf(org.apache.hadoop.fs.Path dest, String kind) {
        return new org.apache.hadoop.fs.Path(dest.getParent(), "." + dest.getName() + "." + kind + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }

    private String uriOf(org.apache.hadoop.fs.Path p) {
        return p.equals(path) ? given : p.toString();
    }

    private EnvironmentException failed(String doing, IOException e) {
        return failed(doing, path, e);
    }

    private EnvironmentException failed(String doing, org.apache.hadoop.fs.Path p, IOException e) {
        return new EnvironmentException(uriOf(p), null, doing + " it: " + rootCause(e), e);
    }
}
