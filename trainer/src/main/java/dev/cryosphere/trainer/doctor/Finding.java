package dev.cryosphere.trainer.doctor;

import java.io.Serializable;

/**
 * One line of a doctor report: what was checked, what was found, and, for a problem, what is wrong and how to fix it.
 * Serializable: executors send theirs to the driver.
 */
public record Finding(String check, String result, String problem, String fix) implements Serializable {
    public static Finding ok(String check, String result) {
        return new Finding(check, result, null, null);
    }

    public static Finding problem(String check, String result, String problem, String fix) {
        return new Finding(check, result, problem, fix);
    }

    public boolean ok() { return problem == null; }

    /** The report line: {@code backend   CPU (nd4j-native 1.0.0-M2.1)}. */
    public String line() {
        return String.format("%-9s %s", check, result);
    }

    /** The one-line error: {@code error: CHECK: PROBLEM; fix: FIX}. */
    public String errorLine() {
        return "error: " + check + ": " + problem + "; fix: " + fix;
    }
}
