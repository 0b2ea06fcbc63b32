package dev.cryosphere.cli;

import dev.cryosphere.core.util.EnvironmentException;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.IoFailure;
import dev.cryosphere.trainer.run.RunLockedException;
import dev.cryosphere.trainer.run.TrainingDivergedException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.function.Predicate;

/**
 * How a failed command ends: one {@code error:} line naming the file (and row, line, field or key) and the cause in
 * words, and an exit code: 2 bad input (the user can fix the file or option), 3 a failed environment (I/O: a
 * read-only or full output location, a file where a folder should be; memory; another process holding the run; a
 * training that diverged), 1 a bug. The stack trace only with {@code --debug} or {@code CRYOSPHERE_DEBUG=1}.
 */
final class Failures {
    private Failures() {}

    /** Exit code and the text after "error: ". */
    record Report(int exitCode, String message) {}

    static int report(Throwable ex, PrintWriter err, boolean debug) {
        Report r = classify(ex);
        err.println("error: " + oneLine(r.message()));
        if (debug) ex.printStackTrace(err);
        err.flush();
        return r.exitCode();
    }

    static Report classify(Throwable ex) {
        Throwable t;
        if ((t = find(ex, RunLockedException.class::isInstance)) != null) return new Report(3, t.getMessage());
        if ((t = find(ex, EnvironmentException.class::isInstance)) != null) return new Report(3, t.getMessage());
        if ((t = find(ex, InputException.class::isInstance)) != null) return new Report(2, t.getMessage());
        if ((t = find(ex, TrainingDivergedException.class::isInstance)) != null)
            return new Report(3, "training stopped: " + t.getMessage());
        if ((t = find(ex, OutOfMemoryError.class::isInstance)) != null)
            return new Report(3, "out of memory (" + t.getMessage() + "): give Java more memory (CRYOSPHERE_JAVA_OPTS=-Xmx…, "
                    + "Spark executor memory) or lower batch_size");
        // an executor's failure that reached the driver as text only (Spark)
        for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String fromExecutor = afterClassName(c.getMessage(), EnvironmentException.class);
            if (fromExecutor != null) return new Report(3, fromExecutor);
            fromExecutor = afterClassName(c.getMessage(), InputException.class);
            if (fromExecutor != null) return new Report(2, fromExecutor);
        }
        String io = IoFailure.describe(ex);
        if (io != null) return new Report(3, io);
        String what = ex.getMessage() == null ? ex.getClass().getName() : ex.getClass().getSimpleName() + ": " + ex.getMessage();
        return new Report(1, "internal error: " + what + " (a bug: run again with --debug for the stack trace and report it)");
    }

    private static Throwable find(Throwable ex, Predicate<Throwable> p) {
        for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) if (p.test(c)) return c;
        return null;
    }

    private static String afterClassName(String message, Class<?> type) {
        if (message == null) return null;
        String key = type.getName() + ": ";
        int at = message.indexOf(key);
        return at < 0 ? null : message.substring(at + key.length()).lines().findFirst().orElse("");
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** --debug anywhere on the command line (it is inherited by every subcommand), or CRYOSPHERE_DEBUG=1. */
    static boolean debug(CommandLine.ParseResult parseResult) {
        if (Logs.debugRequested()) return true;
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand())
            if (p.hasMatchedOption("--debug")) return true;
        return false;
    }
}
