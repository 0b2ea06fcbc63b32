package dev.cryosphere.core.util;

/**
 * A failed environment, not bad input: an output that cannot be written (read-only folder, a file where a folder
 * should be, full disk), a file the system cannot read although it is well-formed, or a machine or cluster that cannot
 * run the job as set up (no usable ND4J backend, a GPU Spark assigned that this process cannot use). Same message form
 * as {@link InputException} ("file, where: cause in words") or one line naming what failed and the fix; the command
 * line turns it into one line on stderr and exit code 3.
 */
public class EnvironmentException extends RuntimeException {
    private final String file;

    public EnvironmentException(Object file, String where, String problem) {
        this(file, where, problem, null);
    }

    public EnvironmentException(Object file, String where, String problem, Throwable cause) {
        super(new InputException(file, where, problem).getMessage(), cause);
        this.file = file == null ? null : file.toString();
    }

    /** A failure of the machine or cluster, not tied to a file: what failed and how to fix it, in one line. */
    public EnvironmentException(String message) {
        this(message, (Throwable) null);
    }

    public EnvironmentException(String message, Throwable cause) {
        super(message, cause);
        this.file = null;
    }

    /** An I/O failure on {@code file} (an output, or an input read by the system), the cause in words. */
    public static EnvironmentException of(Object file, String doing, java.io.IOException e) {
        return new EnvironmentException(file, null, doing + ": " + IoFailure.words(e), e);
    }

    /** The file, as given (may be null). */
    public String file() { return file; }
}
