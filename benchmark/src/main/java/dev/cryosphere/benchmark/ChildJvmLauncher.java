package dev.cryosphere.benchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Runs a `cryosphere` command as a Spark application of its own, in a child JVM started like this one: the same java
 * executable, JVM options (heap, the Java 17 module flags of bin/jvm17.opts, CRYOSPHERE_JAVA_OPTS, -D options such as
 * spark.cores.max) and class path, and the same environment. Entries that run at the same time use this rather than
 * threads in one JVM because the commands are not made to share a JVM: each opens and stops its own SparkContext
 * ({@code SparkContexts}: a second context of another master cannot exist beside a running one, and whichever stage
 * finished first would stop the other's), and each swaps {@code System.out} and the logging set-up for the whole JVM
 * while it runs (LibraryOutput, train's RUN/logs/train.log). Every line the child prints goes out with the entry's
 * prefix, whole lines only, so concurrent entries stay readable; its error lines also go to {@code err} (the stage's
 * failure reason). Children still running when this JVM is stopped (Ctrl-C, SIGTERM) are stopped too.
 */
public final class ChildJvmLauncher implements Benchmark.Launcher {
    private final List<String> command;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();

    /** {@code mainClass}: the class whose main runs a `cryosphere` command line and exits with its code. */
    public ChildJvmLauncher(String mainClass) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> c = new ArrayList<>(List.of(java));
        for (String o : ManagementFactory.getRuntimeMXBean().getInputArguments())
            // a debugger agent would make every child listen on the same port
            if (!o.startsWith("-agentlib:jdwp") && !o.startsWith("-Xrunjdwp")) c.add(o);
        c.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        this.command = List.copyOf(c);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(Process::destroy)));
    }

    @Override
    public int run(String prefix, PrintWriter err, String... args) {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM (" + command.get(0) + "): " + e.getMessage(), e);
        }
        running.add(p);
        try {
            p.getOutputStream().close();
            Thread errors = new Thread(() -> pump(p.getErrorStream(), line -> {
                synchronized (err) {
                    err.println(line);
                }
            }), "benchmark-child-stderr");
            errors.start();
            pump(p.getInputStream(), line -> System.out.println(prefix + line));
            errors.join();
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            return 130;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            running.remove(p);
        }
    }

    private static void pump(InputStream in, Consumer<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) lines.accept(l);
        } catch (IOException e) {
            lines.accept("error: reading the output of a stage: " + e.getMessage());
        }
    }
}
