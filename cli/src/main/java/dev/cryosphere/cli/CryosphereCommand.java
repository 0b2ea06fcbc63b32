package dev.cryosphere.cli;

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

    /**
     * Builds the command line with the project's error handling ({@link Failures}): one {@code error:} line, exit 2 for
     * bad input, 3 for a failed environment (I/O, memory, a locked run, a diverged training), 1 for a bug; the stack
     * trace only with --debug or CRYOSPHERE_DEBUG=1.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CryosphereCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) ->
                Failures.report(ex, cmd.getErr(), Failures.debug(parseResult)));
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
