package dev.cryosphere.core.util;

import java.nio.file.Path;

/**
 * Bad user input: a file that cannot be read as what it claims to be. The message always names the file
 * and, where there is one, the row or field, so that the user can fix the input without a stack trace.
 * The command line turns this into one line on stderr and exit code 2.
 */
public class InputException extends RuntimeException {
    private final String file;
    private final String where;

    public InputException(Object file, String where, String problem) {
        this(file, where, problem, null);
    }

    public InputException(Object file, String where, String problem, Throwable cause) {
        super(format(file, where, problem), cause);
        this.file = file == null ? null : file.toString();
        this.where = where;
    }

    private static String format(Object file, String where, String problem) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file instanceof Path p ? p.toString() : file.toString());
        if (where != null && !where.isEmpty()) sb.append(file != null ? ", " : "").append(where);
        if (sb.length() > 0) sb.append(": ");
        return sb.append(problem).toString();
    }

    /** The offending file, as given by the user (may be null for errors not tied to a file). */
    public String file() { return file; }

    /** Row, index or field inside the file, e.g. "row 5, column rlnDefocusU" (may be null). */
    public String where() { return where; }
}
