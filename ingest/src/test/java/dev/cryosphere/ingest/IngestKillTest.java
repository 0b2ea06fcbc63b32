package dev.cryosphere.ingest;

import dev.cryosphere.core.dataset.DatasetReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Acceptance 3: a run killed in the middle leaves no OUT; a rerun succeeds (and clears the leftovers). */
class IngestKillTest {
    @TempDir
    Path tmp;

    @Test
    void killedRunLeavesNoOutputAndARerunSucceeds() throws Exception {
        TestSets.stack(tmp.resolve("a.mrcs"), 200, 32, 1, null);
        Path star = TestSets.star(tmp.resolve("p.star"), List.of(new TestSets.Group(1, 1.5, 32)), true,
                TestSets.refs("a.mrcs", 200, 1));
        Path out = tmp.resolve("out");

        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path root = Path.of(System.getProperty("cryosphere.root", ".."));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + root.resolve("bin/jvm17.opts"), "-Xmx1g", "-D" + IngestJob.TEST_DELAY_PROPERTY + "=50",
                "-cp", cp, IngestMain.class.getName(),
                "--particles", star.toString(), "--out", out.toString(), "--master", "local[2]", "--shard-mb", "1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // wait until the executors are writing (a part attempt file in the temporary directory), then kill -9
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean writing = false;
        StringBuilder log = new StringBuilder();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) synchronized (log) { log.append(line).append('\n'); }
            } catch (java.io.IOException ignored) { /* process killed */ }
        });
        drain.start();
        while (System.nanoTime() < deadline && p.isAlive() && !(writing = attemptFileExists())) Thread.sleep(100);
        assertTrue(writing, "the child never started writing; its output:\n" + log);
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        drain.join(5000);

        assertFalse(Files.exists(out), "OUT must not appear after a killed run");
        assertTrue(leftovers().size() == 1, "the killed run's temporary directory is what remains: " + leftovers());

        // the rerun succeeds and removes the leftovers
        IngestOptions o = IngestOptions.of(star.toString(), out.toString());
        o.master = "local[2]";
        IngestJob.run(o);
        assertEquals(200, DatasetReader.open(out).count());
        assertEquals(List.of(), leftovers());
        IngestRoundTripTest.assertSameAsCore(dev.cryosphere.core.format.ParticleSet.read(star), out, 1.0f);
    }

    private boolean attemptFileExists() throws Exception {
        for (Path t : leftovers())
            try (Stream<Path> s = Files.list(t)) {
                if (s.anyMatch(f -> f.getFileName().toString().contains(".attempt-"))) return true;
            }
        return false;
    }

    private List<Path> leftovers() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(f -> f.getFileName().toString().startsWith(".out.tmp-")).toList();
        }
    }
}
