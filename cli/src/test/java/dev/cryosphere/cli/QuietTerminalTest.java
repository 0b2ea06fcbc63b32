package dev.cryosphere.cli;

import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What a user sees on the terminal (issue 14, item 7): `cryosphere` commands run as a user runs them (a child JVM,
 * stdout and stderr together) show only our own lines: no SameDiff "Added differentiated op" prints and no library
 * INFO/WARN log lines; training shows one line per epoch with its loss terms, the learned segments and the warning
 * when the segmentation did not move; the library lines are kept in RUN/logs/train.log.
 */
class QuietTerminalTest {
    @TempDir
    static Path dir;
    static Path sim, config;

    /** Lines of library noise: SameDiff's prints, and log lines of our console layout or of Spark/log4j defaults. */
    static final Pattern NOISE = Pattern.compile("Added differentiated op|^\\d\\d:\\d\\d:\\d\\d\\s+(INFO|WARN|DEBUG)"
            + "|^\\d\\d/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d (INFO|WARN)|\\b(INFO|WARN)\\b.*(org\\.nd4j|org\\.deeplearning4j|"
            + "org\\.apache\\.spark|io\\.aeron|ImportClassMapping|DifferentialFunction|SharedTrainingWrapper|NativeCodeLoader)"
            + "|^SLF4J|^WARNING: ");
    /** Our own lines: command prefixes, progress lines, warnings. */
    static final Pattern OURS = Pattern.compile("^(train|ingest)( epoch \\d+/\\d+)?: |^warning: ");

    @BeforeAll
    static void simulate() throws Exception {
        sim = dir.resolve("sim");
        assertEquals(0, Cli.run("simulate", "--structure", SharedData.structures("1ztu.pdb").toString(), "--center",
                "-n", "96", "--box", "24", "--apix", "4.0", "--seed", "1", "--out", sim.toString()).exitCode());
        // the paper's settings, whose variational segmentation does not learn in two epochs: the warning must show
        config = TinyDataset.writeConfig(dir.resolve("tiny.yaml"), 2, "preset: reference\n");
    }

    /** Runs `cryosphere ARGS` in a fresh JVM as bin/cryosphere does; returns stdout and stderr, interleaved. */
    static String cryosphere(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(Files.readAllLines(Path.of(System.getProperty("cryosphere.root"), "bin", "jvm17.opts")).stream()
                .filter(s -> !s.isBlank()).toList());
        cmd.addAll(List.of("-Xmx2g", "-cp", System.getProperty("java.class.path"), CryosphereCommand.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().remove("CRYOSPHERE_DEBUG");
        Path log = Files.createTempFile(dir, "terminal", ".txt");
        Process p = pb.redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "finished in 10 minutes");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    static void assertOnlyOurLines(String terminal) {
        for (String line : terminal.lines().toList()) {
            assertFalse(NOISE.matcher(line).find(), () -> "library noise on the terminal: " + line + "\n" + terminal);
            assertTrue(line.isBlank() || OURS.matcher(line).find(), () -> "not one of our lines: " + line + "\n" + terminal);
        }
    }

    @Test
    void ingestOnSparkAndTrainingInOneJvmAndOnSparkShowOnlyOurLines() throws Exception {
        Path ds = dir.resolve("ds");
        String ingest = cryosphere("ingest", "--particles", sim.resolve("particles.star").toString(), "--out", ds.toString(),
                "--master", "local[2]", "--shard-mb", "1");
        assertOnlyOurLines(ingest);
        assertTrue(ingest.contains("ingest: 96 images"), ingest);

        for (String master : new String[]{null, "local[2]"}) {
            Path run = dir.resolve(master == null ? "run" : "run-spark");
            List<String> args = new ArrayList<>(List.of("train", "--data", ds.toString(), "--structure",
                    sim.resolve("base.pdb").toString(), "--out", run.toString(), "--config", config.toString()));
            if (master != null) args.addAll(List.of("--master", master));
            String train = cryosphere(args.toArray(String[]::new));
            assertOnlyOurLines(train);
            List<String> epochs = train.lines().filter(l -> l.startsWith("train: epoch ")).toList();
            assertEquals(2, epochs.size(), train);
            for (String t : new String[]{"loss", "correlation", "kl_latent", "kl_means", "kl_stds", "kl_proportions",
                    "continuity", "clash", "images/s"})
                assertTrue(epochs.get(0).contains(" " + t + " ") || epochs.get(0).contains(" " + t), t + ": " + epochs.get(0));
            assertTrue(epochs.get(0).startsWith("train: epoch 1/2 loss ") && epochs.get(0).contains(", ETA "), epochs.get(0));
            // 1ZTU chain A as modelled: residues 5-325 with gaps; three segments cover it in order
            assertTrue(Pattern.compile("(?m)^train: segments: 1 A:5-\\d+  2 A:\\d+-\\d+  3 A:\\d+-325$").matcher(train).find(), train);
            // two epochs at lr 1e-3 from the reference's variational start: one clear warning line
            assertEquals(1, train.lines().filter(l -> l.startsWith("warning: the segmentation did not")).count(), train);
            // nothing is lost: the library lines are in the run's log file
            String log = Files.readString(run.resolve("logs").resolve("train.log"));
            assertTrue(log.contains("Added differentiated op"), "SameDiff's prints in the log file");
            assertTrue(log.contains("org.nd4j"), "ND4J's log lines in the log file");
            if (master != null) assertTrue(log.contains("org.apache.spark"), "Spark's log lines in the log file");
        }
    }

    @Test
    void sameDiffPrintsAreDivertedAndEverythingElsePassesThrough() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            try (AutoCloseable quiet = LibraryOutput.install()) {
                System.out.println("Added differentiated op multiply_bp");
                System.out.println("train: epoch 1/2");
                System.out.print("Added");                       // a partial line is held while it could be diverted
                System.out.println(" differentiated op add");
                System.out.print("Adding ");                     // ... and passed on once it cannot
                System.out.println("more: é");
                System.out.print("no newline yet");
            }
            assertSame(capture, System.out, "restored");
        } finally {
            System.setOut(saved);
        }
        assertEquals("train: epoch 1/2\nAdding more: é\nno newline yet", bytes.toString(StandardCharsets.UTF_8).replace("\r", ""));
    }
}
