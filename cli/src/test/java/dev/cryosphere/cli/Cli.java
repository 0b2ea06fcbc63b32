package dev.cryosphere.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs `cryosphere ...` in-process and keeps the exit code, standard output and error output. */
record Cli(int exitCode, String out, String err) {
    static synchronized Cli run(String... args) {
        StringWriter sw = new StringWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int rc;
        try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            rc = CryosphereCommand.execute(new PrintWriter(sw, true), args);
        } finally {
            System.setOut(saved);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        saved.print(out);
        return new Cli(rc, out, sw.toString());
    }
}
