package dev.cryosphere.trainer.run;

/** Another process holds the run folder's lock ({@link RunLock}): this one refuses to start (exit code 3). */
public final class RunLockedException extends RuntimeException {
    public RunLockedException(String message) {
        super(message);
    }
}
