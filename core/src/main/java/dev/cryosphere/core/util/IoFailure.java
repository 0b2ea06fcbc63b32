package dev.cryosphere.core.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An I/O failure in words for a one-line error: which file (as the user named it: the hidden temporary siblings that
 * outputs are built in are shown as the output itself) and what went wrong ("no space left on the device (the disk is
 * full)", "read-only file system", "… is a file, not a folder").
 */
public final class IoFailure {
    private IoFailure() {}

    /** The file and the cause, e.g. {@code /data/run: cannot write: read-only file system}; null when no I/O failure. */
    public static String describe(Throwable failure) {
        IOException io = deepestIo(failure);
        if (io == null) return null;
        String file = fileOf(failure, io);
        String action = action(failure);
        String words = words(io, file);
        return (file != null ? userPath(file) + ": " : "") + action + words;
    }

    /** The I/O exception nearest the root of the cause chain, or null. */
    public static IOException deepestIo(Throwable t) {
        IOException found = null;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
            if (c instanceof IOException io) found = io;
        return found;
    }

    /**
     * Why a file could not be decoded, in one short line: the first line of the exception's message (a JSON parser's
     * location follows on the next), or its type when it says nothing.
     */
    public static String reason(Throwable t) {
        String m = t.getMessage();
        String first = m == null ? "" : m.strip().lines().findFirst().orElse("").strip();
        if (first.length() > 200) first = first.substring(0, 200) + "…";
        return first.isEmpty() ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + first;
    }

    /** The cause alone in words (no file), e.g. "no space left on the device (the disk is full)". */
    public static String words(IOException io) {
        return words(io, io instanceof FileSystemException f ? f.getFile() : null);
    }

    private static String words(IOException io, String file) {
        String reason = io instanceof FileSystemException f ? f.getReason() : io.getMessage();
        String fileAsFolder = file == null ? null : ancestorThatIsAFile(file);
        if (fileAsFolder != null) return userPath(fileAsFolder) + " is a file, not a folder";
        if (io instanceof FileAlreadyExistsException && file != null && Files.isRegularFile(Path.of(file)))
            return "is a file, not a folder";
        if (reason != null) {
            String r = reason.strip();
            String lower = r.toLowerCase(Locale.ROOT);
            if (lower.contains("no space left")) return "no space left on the device (the disk is full)";
            if (lower.contains("read-only file system")) return "read-only file system";
            if (lower.contains("quota")) return "disk quota exceeded";
            if (lower.contains("not a directory")) return "not a folder";
            if (lower.contains("permission denied")) return "permission denied";
            if (lower.contains("is a directory")) return "is a folder, not a file";
        }
        if (io instanceof AccessDeniedException) return "permission denied";
        if (io instanceof NoSuchFileException) return "no such file or folder";
        if (io instanceof NotDirectoryException) return "not a folder";
        if (io instanceof DirectoryNotEmptyException) return "folder not empty";
        if (io instanceof FileAlreadyExistsException) return "already exists";
        if (reason == null || reason.isBlank() || reason.equals(file)) return io.getClass().getSimpleName();
        String r = reason.strip().lines().findFirst().orElse("");
        return r.isEmpty() ? io.getClass().getSimpleName() : Character.toLowerCase(r.charAt(0)) + r.substring(1);
    }

    private static final Pattern PATH = Pattern.compile("(?<![\\w.])(/[^\\s:'\"]+)");

    /** The file the failure is about: the file system's own, else the first path in a wrapper's message. */
    private static String fileOf(Throwable failure, IOException io) {
        if (io instanceof FileSystemException f && f.getFile() != null) return f.getFile();
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m == null || m.contains("\n\tat ")) continue;   // a stack trace in a message (Spark): no file names from it
            Matcher x = PATH.matcher(m);
            if (x.find()) return x.group(1);
        }
        return null;
    }

    private static String action(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("\n\tat ")) continue;
            if (m.startsWith("cannot write") || m.startsWith("cannot create") || m.startsWith("cannot save")
                    || m.startsWith("cannot copy") || m.startsWith("cannot move") || m.startsWith("cannot rename"))
                return "cannot write: ";
            if (m.startsWith("cannot read") || m.startsWith("cannot open") || m.startsWith("cannot load"))
                return "cannot read: ";
        }
        return "";
    }

    /** The nearest existing ancestor of {@code file} when it is a regular file (so nothing can be created under it). */
    public static String ancestorThatIsAFile(String file) {
        try {
            for (Path p = Path.of(file).toAbsolutePath().getParent(); p != null; p = p.getParent()) {
                if (Files.isRegularFile(p)) return p.toString();
                if (Files.isDirectory(p)) return null;
            }
        } catch (InvalidPathException e) {
            return null;
        }
        return null;
    }

    private static final Pattern ATOMIC_TEMP = Pattern.compile("^\\.(.+)\\.tmp-[0-9A-Za-z-]+$");
    private static final Pattern SIBLING_TEMP = Pattern.compile("^\\.(.+)\\.\\d+-\\d+\\.tmp$");

    /**
     * The path as the user named it: every hidden temporary sibling that an output is built in ({@code .NAME.tmp-*},
     * {@code .NAME.<pid>-<n>.tmp}) becomes NAME.
     */
    public static String userPath(String path) {
        StringBuilder out = new StringBuilder();
        String[] parts = path.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            for (int guard = 0; guard < 8; guard++) {
                Matcher a = ATOMIC_TEMP.matcher(p), s = SIBLING_TEMP.matcher(p);
                if (a.matches()) p = a.group(1);
                else if (s.matches()) p = s.group(1);
                else break;
            }
            if (i > 0) out.append('/');
            out.append(p);
        }
        return out.toString();
    }
}
