package dev.cryosphere.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * End-to-end demo on data generated from the structure bundled in the jar: every stage that exists so far.
 * Users have no ../shared, so nothing here may read it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Run every stage end to end on bundled demo data (local Spark, embedded defaults).",
        description = "Generates a small synthetic particle set from the bundled structure and runs the pipeline on it.",
        showDefaultValues = true)
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (created; must not exist unless --overwrite).")
    Path out = Path.of("demo-out");

    @Override
    public Integer call() {
        System.out.println("demo: nothing to run yet");
        return 0;
    }
}
