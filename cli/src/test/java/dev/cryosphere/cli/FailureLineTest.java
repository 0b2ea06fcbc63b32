package dev.cryosphere.cli;

import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.core.util.EnvironmentException;
import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 15: a failed environment is one {@code error:} line naming the file and the cause in words, exit code 3, no
 * stack trace unless --debug or CRYOSPHERE_DEBUG=1, and no output or temporary file left behind. The locations are
 * real: a read-only tmpfs and a full 256 KiB tmpfs (mounted when root, see {@link SmallFileSystem}), a regular file
 * where the output's folder should be.
 */
class FailureLineTest {
    @TempDir
    Path dir;

    private static final String CENTRED = SharedData.oracle1ztu("1ztu_boxcentred.pdb").toString();

    private static void assertLine(Cli c, int code, String... mentions) {
        assertEquals(code, c.exitCode(), c.err());
        String err = c.err().strip();
        assertTrue(err.startsWith("error: "), err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace, no exception names: " + err);
        for (String m : mentions) assertTrue(err.contains(m), "'" + m + "' not in: " + err);
    }

    private static List<String> entries(Path folder) throws IOException {
        try (var s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---------------------------------------------------------------- read-only output location

    @Test
    void readOnlyOutputFolder() throws Exception {
        try (SmallFileSystem ro = SmallFileSystem.readOnly(dir.resolve("ro"))) {
            Path map = ro.dir().resolve("map.mrc");
            assertLine(Cli.run("volume", "--structure", CENTRED, "--box", "64", "--apix", "2", "--out", map.toString()), 3,
                    map + ": cannot write in " + ro.dir() + ": ");
            Path sim = ro.dir().resolve("sim");
            assertLine(Cli.run("simulate", "--structure", CENTRED, "-n", "4", "--out", sim.toString()), 3,
                    sim + ": cannot write in " + ro.dir() + ": ");
            Path nested = ro.dir().resolve("a/b/r.mrcs");
            assertLine(Cli.run("render", "--structure", CENTRED, "--particles", SharedData.oracle1ztu("poses_ctf.star").toString(),
                    "--out", nested.toString()), 3, nested + ": cannot write in " + ro.dir() + ": ");
            Path ds = ro.dir().resolve("ds");
            assertLine(Cli.run("ingest", "--particles", SharedData.oracle1ztu("proj_ctf.star").toString(), "--out",
                    ds.toString(), "--master", "local[1]"), 3, ds + ": cannot write in " + ro.dir() + ": ");
            assertEquals(List.of(), ro.entries(), "nothing left behind");
        }
    }

    @Test
    void outputFolderUnderARegularFile() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file, not a folder\n");
        String why = "cannot create it: " + file + " is a file, not a folder";
        assertLine(Cli.run("volume", "--structure", CENTRED, "--box", "64", "--apix", "2", "--out",
                file.resolve("map.mrc").toString()), 3, file.resolve("map.mrc") + ": " + why);
        assertLine(Cli.run("simulate", "--structure", CENTRED, "-n", "4", "--out", file.resolve("x/sim").toString()), 3,
                file.resolve("x/sim") + ": " + why);
        assertLine(Cli.run("ingest", "--particles", SharedData.oracle1ztu("proj_ctf.star").toString(), "--out",
                file.resolve("ds").toString(), "--master", "local[1]"), 3, file.resolve("ds") + ": " + why);
        assertEquals(List.of("notes.txt"), entries(dir));
        assertEquals("a file, not a folder\n", Files.readString(file));
    }

    // ---------------------------------------------------------------- full disk

    @Test
    void fullDiskWhileSimulating() throws Exception {
        try (SmallFileSystem full = SmallFileSystem.full(dir.resolve("full"), 256)) {
            Path sim = full.dir().resolve("sim");
            Cli c = Cli.run("simulate", "--structure", CENTRED, "-n", "200", "--out", sim.toString());
            assertLine(c, 3, sim + "/", ": cannot write: no space left on the device (the disk is full)");
            assertFalse(c.err().contains(".tmp"), "the output as the user named it, not its temporary name: " + c.err());
            assertEquals(List.of(), full.entries(), "nothing left behind");
        }
    }

    @Test
    void fullDiskWhileRendering() throws Exception {
        try (SmallFileSystem full = SmallFileSystem.full(dir.resolve("full"), 256)) {
            Path out = full.dir().resolve("r.mrcs");
            Cli c = Cli.run("render", "--structure", CENTRED, "--particles",
                    SharedData.oracle1ztu("poses_ctf_1000.star").toString(), "--out", out.toString());
            assertLine(c, 3, out + ": cannot write: no space left on the device (the disk is full)");
            assertEquals(List.of(), full.entries(), "nothing left behind");
        }
    }

    @Test
    void fullDiskWhileIngesting() throws Exception {
        try (SmallFileSystem full = SmallFileSystem.full(dir.resolve("full"), 512)) {
            Path ds = full.dir().resolve("ds");
            Cli c = Cli.run("ingest", "--particles", SharedData.oracle1ztu("sim1000.star").toString(), "--out", ds.toString(),
                    "--master", "local[1]");
            assertLine(c, 3, ds + ": cannot write the dataset: no space left on the device (the disk is full)");
            assertEquals(List.of(), full.entries(), "nothing left behind");
        }
    }

    // ---------------------------------------------------------------- the stack trace on request only

    /** `cryosphere` in a JVM of its own (so --debug's logging switch stays there) with {@code env} added. */
    private static Cli process(List<String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CryosphereCommand.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("CRYOSPHERE_DEBUG");
        for (String kv : env) pb.environment().put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        Path err = Files.createTempFile("cryosphere-err", ".txt");
        pb.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
        String text = Files.readString(err);
        Files.delete(err);
        return new Cli(p.exitValue(), "", text);
    }

    @Test
    void stackTraceOnlyWithDebug() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        String[] args = {"volume", "--structure", CENTRED, "--box", "16", "--apix", "8", "--out", file.resolve("m.mrc").toString()};
        Cli plain = process(List.of(), args);
        assertEquals(3, plain.exitCode(), plain.err());
        List<String> errorLines = plain.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errorLines.size(), plain.err());
        assertFalse(plain.err().contains("\tat "), plain.err());

        List<String> withDebug = new ArrayList<>(List.of("--debug"));
        withDebug.addAll(List.of(args));
        Cli debug = process(List.of(), withDebug.toArray(String[]::new));
        assertEquals(3, debug.exitCode());
        assertTrue(debug.err().contains(errorLines.get(0)) && debug.err().contains("\tat dev.cryosphere."), debug.err());

        Cli env = process(List.of("CRYOSPHERE_DEBUG=1"), args);
        assertEquals(3, env.exitCode());
        assertTrue(env.err().contains("\tat dev.cryosphere."), env.err());
    }

    // ---------------------------------------------------------------- the words, for failures hard to cause for real

    @Test
    void classifiedInWords() {
        assertEquals(new Failures.Report(3, "/data/run/metrics.csv: cannot write: no space left on the device (the disk is full)"),
                Failures.classify(new UncheckedIOException("cannot write /data/.run.tmp-12-34/metrics.csv",
                        new IOException("No space left on device"))));
        assertEquals(new Failures.Report(3, "/data/out/part-00000.parquet: read-only file system"), Failures.classify(
                new RuntimeException(new FileSystemException("/data/out/part-00000.parquet", null, "Read-only file system"))));
        assertEquals(new Failures.Report(3, "/data/x: permission denied"),
                Failures.classify(new UncheckedIOException(new AccessDeniedException("/data/x"))));
        assertEquals(new Failures.Report(2, "a.star, row 3: bad"),
                Failures.classify(new IllegalStateException("Job aborted due to stage failure: Lost task 0.0: "
                        + InputException.class.getName() + ": a.star, row 3: bad\n\tat x.y(Z.java:1)")));
        assertEquals(new Failures.Report(3, "out: full"), Failures.classify(new RuntimeException("wrapped",
                new EnvironmentException("out", null, "full"))));
        Failures.Report oom = Failures.classify(new RuntimeException(new OutOfMemoryError("Java heap space")));
        assertEquals(3, oom.exitCode());
        assertTrue(oom.message().startsWith("out of memory (Java heap space): give Java more memory"), oom.message());
        Failures.Report bug = Failures.classify(new NullPointerException("x is null"));
        assertEquals(1, bug.exitCode());
        assertTrue(bug.message().startsWith("internal error: NullPointerException: x is null"), bug.message());
    }
}
