package dev.cryosphere.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where log lines go (configuration: {@code log4j2.properties} of this module). By default the terminal gets our own
 * loggers ({@code dev.cryosphere}) at INFO and the libraries' (ND4J, DL4J, SameDiff, Spark, Aeron, Hadoop, BioJava)
 * errors only. {@link #toFile} adds a log file with everything at INFO (a training run's {@code RUN/logs/train.log});
 * {@link #debug} (the {@code --debug} option, or {@code CRYOSPHERE_DEBUG=1}) puts it all on the terminal as well.
 * The loggers that write nowhere by default (additivity off, no appender) are the ones whose lines the driver already
 * reports in its own words (a failed Spark task's stack trace per executor); they join the file and the debug terminal.
 */
public final class Logs {
    static final String CONSOLE = "console";
    private static volatile boolean debug;

    private Logs() {}

    /** True when {@code CRYOSPHERE_DEBUG} is set to 1/true/yes. */
    static boolean debugRequested() {
        String v = System.getenv("CRYOSPHERE_DEBUG");
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }

    static boolean isDebug() {
        return debug;
    }

    /** Every logger at INFO onto the terminal (stderr), library lines included. */
    static synchronized void debug() {
        if (debug) return;
        debug = true;
        LoggerContext ctx = context();
        Configuration c = ctx.getConfiguration();
        Appender console = c.getAppender(CONSOLE);
        if (console == null) return;
        for (LoggerConfig lc : routed(c)) {
            lc.removeAppender(CONSOLE);
            lc.addAppender(console, null, null);
        }
        ctx.updateLoggers();
    }

    /**
     * Adds {@code file} (parent folders created, appended to) for every logger at INFO until the returned handle is
     * closed.
     */
    static synchronized AutoCloseable toFile(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LoggerContext ctx = context();
        Configuration c = ctx.getConfiguration();
        String name = "file-" + file.toAbsolutePath();
        FileAppender appender = FileAppender.newBuilder()
                .setName(name)
                .withFileName(file.toString())
                .withAppend(true)
                .setLayout(PatternLayout.newBuilder().withConfiguration(c)
                        .withPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5p [%t] %c: %m%n").build())
                .setConfiguration(c)
                .build();
        appender.start();
        c.addAppender(appender);
        List<LoggerConfig> with = routed(c);
        for (LoggerConfig lc : with) lc.addAppender(appender, Level.INFO, null);
        ctx.updateLoggers();
        return () -> {
            synchronized (Logs.class) {
                for (LoggerConfig lc : with) lc.removeAppender(name);
                ctx.updateLoggers();
                appender.stop();
                c.getAppenders().remove(name);
            }
        };
    }

    /** The root and the non-additive loggers: together they see every event exactly once. */
    private static List<LoggerConfig> routed(Configuration c) {
        List<LoggerConfig> out = new ArrayList<>();
        out.add(c.getRootLogger());
        for (LoggerConfig lc : c.getLoggers().values())
            if (!lc.isAdditive() && lc != c.getRootLogger()) out.add(lc);
        return out;
    }

    private static LoggerContext context() {
        return (LoggerContext) LogManager.getContext(false);
    }
}
