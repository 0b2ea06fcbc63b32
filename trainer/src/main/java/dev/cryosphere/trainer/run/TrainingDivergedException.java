package dev.cryosphere.trainer.run;

/** Training produced a non-finite loss or parameters; the run stops and keeps its last good checkpoint. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
