package dev.cryosphere.core.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks an input path before it is opened. A named pipe would block the open (or the first read) until something
 * writes to it, and a device such as /dev/zero never ends: a reader that took either would hang or fill the heap. So
 * every metadata, stack and structure file must be a regular file (a symbolic link to one is fine).
 */
public final class InputFiles {
    private InputFiles() {}

    /** The file itself when it is an existing regular file; otherwise an {@link InputException} that says what it is. */
    public static Path requireRegularFile(Path file) {
        if (Files.isRegularFile(file)) return file;
        if (!Files.exists(file)) throw new InputException(file, null, "file not found");
        throw new InputException(file, null, "not a regular file (" + kind(file) + "); give the file itself");
    }

    /** What a path that exists but is no regular file is, in words: "a directory", "a named pipe (FIFO)", ... */
    public static String kind(Path file) {
        if (Files.isDirectory(file)) return "a directory";
        try {
            Object mode = Files.getAttribute(file, "unix:mode");
            if (mode instanceof Integer m) {
                switch (m & 0170000) {
                    case 0010000: return "a named pipe (FIFO)";
                    case 0020000: return "a character device";
                    case 0060000: return "a block device";
                    case 0140000: return "a socket";
                    default: break;
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // no unix attributes on this file system: say it generally
        }
        return "a special file: a pipe, device or socket";
    }
}
