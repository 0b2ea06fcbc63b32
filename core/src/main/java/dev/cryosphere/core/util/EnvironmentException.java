package dev.cryosphere.core.util;

/**
 * The machine or the cluster cannot run the job as set up (no usable ND4J backend, a GPU Spark assigned that this
 * process cannot use, ...). The message names what failed and how to fix it, in one line; the command line prints it
 * as {@code error: ...} and exits with code 3 (a failed environment, as opposed to bad input, code 2).
 */
public class EnvironmentException extends RuntimeException {
    public EnvironmentException(String message) {
        super(message);
    }

    public EnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }
}
