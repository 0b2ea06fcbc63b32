package dev.cryosphere.ingest;

import dev.cryosphere.core.util.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * spark-submit entry point: {@code spark-submit --class dev.cryosphere.ingest.IngestMain app.jar --particles … --out …}
 * (the same options as {@code bin/cryosphere ingest}). Bad input: one line on stderr, exit code 2.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false)
public final class IngestMain implements Callable<Integer> {
    @Mixin
    IngestOptions options;

    @Override
    public Integer call() {
        IngestJob.run(options);
        return 0;
    }

    public static int execute(String... args) {
        IngestMain main = new IngestMain();
        CommandLine cl = new CommandLine(main);
        cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
            PrintWriter err = cmd.getErr();
            Throwable root = ex;
            while (!(root instanceof InputException) && root.getCause() != null && root.getCause() != root) root = root.getCause();
            if (root instanceof InputException) {
                err.println("error: " + root.getMessage());
                err.flush();
                return 2;
            }
            err.println("error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        cl.setExecutionStrategy(parse -> {
            if (main.options != null) main.options.commandLine = "spark-submit ... ingest " + String.join(" ", args);
            return new CommandLine.RunLast().execute(parse);
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
