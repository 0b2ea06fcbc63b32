package dev.cryosphere.cli;

import dev.cryosphere.core.util.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** Root of `bin/cryosphere`: lists every subcommand; with none given it prints the usage. */
@Command(name = "cryosphere",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "cryoSPHERE on Spark: structural heterogeneity in cryo-EM from an atomic model.",
        description = "Run `cryosphere <command> --help` for the options of one command (units and defaults included).",
        subcommands = {
                CommandLine.HelpCommand.class,
                DemoCommand.class,
                InfoCommand.class,
                RenderCommand.class,
                SimulateCommand.class,
                FscCommand.class,
                VolumeCommand.class,
                TrainCommand.class,
                IngestCommand.class,
                BenchIngestCommand.class,
                EvaluateCommand.class,
                SelectCommand.class,
                BenchmarkCommand.class,
                BenchTrainCommand.class,
                DoctorCommand.class,
        })
public final class CryosphereCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Show the libraries' "
            + "log lines (ND4J, DL4J, SameDiff, Spark, Aeron) on the terminal too; by default only their errors show, "
            + "and training writes them to RUN/logs/train.log. Same as CRYOSPHERE_DEBUG=1.")
    void debug(boolean on) {
        if (on) Logs.debug();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds the command line with the project's error handling: bad input is one line on stderr and exit 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CryosphereCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            Throwable root = ex;
            while (!(root instanceof InputException) && !(root instanceof dev.cryosphere.trainer.run.TrainingDivergedException)
                    && !(root instanceof dev.cryosphere.trainer.run.RunLockedException)
                    && !(root instanceof dev.cryosphere.core.util.EnvironmentException)
                    && root.getCause() != null && root.getCause() != root) root = root.getCause();
            if (root instanceof dev.cryosphere.core.util.EnvironmentException) {
                // the machine or cluster is not set up for the job (the message says what failed and the fix)
                err.println("error: " + root.getMessage());
                err.flush();
                return 3;
            }
            if (root instanceof dev.cryosphere.trainer.run.RunLockedException) {
                // as deploy/nightly.sh's lock: another process is at work, exit code 3
                err.println("error: " + root.getMessage());
                err.flush();
                return 3;
            }
            if (root instanceof InputException) {
                err.println("error: " + root.getMessage());
                err.flush();
                return 2;
            }
            if (root instanceof dev.cryosphere.trainer.run.TrainingDivergedException) {
                err.println("error: training stopped: " + root.getMessage());
                err.flush();
                return 3;
            }
            err.println("error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }

    public static int execute(String... args) {
        return run(commandLine(), args);
    }

    /** Runs a command with its error output captured (tests). */
    public static int execute(PrintWriter err, String... args) {
        return run(commandLine().setErr(err), args);
    }

    /**
     * Runs a command with library prints kept off the terminal ({@link LibraryOutput}) and, with CRYOSPHERE_DEBUG=1,
     * the libraries' log lines on it ({@link Logs#debug}).
     */
    static int run(CommandLine cl, String... args) {
        if (Logs.debugRequested()) Logs.debug();
        try (AutoCloseable quiet = LibraryOutput.install()) {
            return cl.execute(args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
