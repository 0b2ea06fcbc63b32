package dev.cryosphere.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cryosphere ARGS} in a JVM of its own (the launcher's options from bin/jvm17.opts, this test's class path), its
 * standard and error output into one log file: a process that a test can kill hard ({@code destroyForcibly} is
 * SIGKILL, {@code kill -9}).
 */
final class ChildJvm {
    private ChildJvm() {}

    static Process start(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(Files.readAllLines(Path.of(System.getProperty("cryosphere.root"), "bin", "jvm17.opts")).stream()
                .filter(s -> !s.isBlank()).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CryosphereCommand.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
