package dev.cryosphere.ingest;

import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

    /**
     * The one moment of an {@code --overwrite} without any OUT: killed between the two renames of the swap (the old OUT
     * moved aside as {@code .out.old-<uuid>}, the new one complete in {@code .out.tmp-<uuid>}). The next ingest puts
     * the old one back first: a plain ingest is then refused with OUT byte-identical to the old one (before, it wrote
     * a new OUT and deleted the old as a stale leftover), and the repeated {@code --overwrite} replaces it, leaving
     * nothing beside. A partly deleted {@code .out.old-} (a kill while removing it after a swap) is not put back.
     */
    @Test
    void aReplacementKilledBetweenItsRenamesGetsTheOldOutputBack() throws Exception {
        TestSets.stack(tmp.resolve("a.mrcs"), 20, 16, 1, null);
        Path star = TestSets.star(tmp.resolve("p.star"), List.of(new TestSets.Group(1, 1.5, 16)), true,
                TestSets.refs("a.mrcs", 20, 1));
        Path out = tmp.resolve("out");
        IngestOptions o = IngestOptions.of(star.toString(), out.toString());
        o.master = "local[2]";
        IngestJob.run(o);
        Map<String, String> old = snapshot(out);
        IngestOptions replacement = IngestOptions.of(star.toString(), tmp.resolve("new").toString());
        replacement.master = "local[2]";
        replacement.invert = true;
        IngestJob.run(replacement);
        // what the kill leaves
        Files.move(out, tmp.resolve(".out.old-" + UUID.randomUUID()));
        Files.move(tmp.resolve("new"), tmp.resolve(".out.tmp-" + UUID.randomUUID()));

        InputException e = assertThrows(InputException.class, () -> IngestJob.run(o));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals(old, snapshot(out), "the old OUT is back, byte-identical");
        assertEquals(1, leftovers().size(), "only the killed run's temporary folder is left: " + hidden());
        assertEquals(1, hidden().size(), "no .out.old- left: " + hidden());

        o.overwrite = true;
        o.invert = true;
        IngestJob.run(o);
        assertTrue(DatasetReader.open(out).info().inverted());
        assertEquals(20, DatasetReader.open(out).count());
        assertEquals(List.of(), hidden());

        // a partly deleted old folder is a leftover, not an OUT
        Path partial = tmp.resolve(".out.old-" + UUID.randomUUID());
        Files.move(out, partial);
        Files.delete(partial.resolve("part-00000.parquet"));
        o.overwrite = false;
        o.invert = false;
        IngestJob.run(o);
        assertFalse(DatasetReader.open(out).info().inverted(), "a new OUT, not the partial old one");
        assertEquals(List.of(), hidden(), "the partial old folder is removed as a stale leftover");
    }

    /** Every file of a dataset folder (the .crc files too) and its content. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.toList()) m.put(f.getFileName().toString(), Base64.getEncoder().encodeToString(Files.readAllBytes(f)));
        }
        return m;
    }

    /** Hidden siblings of OUT ({@code .out.tmp-…}, {@code .out.old-…}). */
    private List<String> hidden() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".out.")).sorted().toList();
        }
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

    /** Two ingests into one new OUT: the second to finish must not replace the first's dataset without --overwrite. */
    @Test
    void anOutputThatAppearedDuringTheRunIsNotReplacedWithoutOverwrite() throws Exception {
        org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration());
        Path out = tmp.resolve("out2"), temp = tmp.resolve(".out2.tmp-1");
        Files.createDirectories(out);
        Files.writeString(out.resolve("_dataset.json"), "the other run's");
        Files.createDirectories(temp);
        Files.writeString(temp.resolve("_dataset.json"), "this run's");
        org.apache.hadoop.fs.Path hOut = new org.apache.hadoop.fs.Path(out.toString()), hTemp = new org.apache.hadoop.fs.Path(temp.toString());
        var e = assertThrows(dev.cryosphere.core.util.InputException.class, () -> IngestJob.commit(fs, hTemp, hOut, false));
        assertTrue(e.getMessage().contains("appeared while this ingest ran") && e.getMessage().contains("--overwrite"), e.getMessage());
        assertEquals("the other run's", Files.readString(out.resolve("_dataset.json")));
        // with --overwrite (or --incremental) the swap replaces it and leaves nothing beside
        IngestJob.commit(fs, hTemp, hOut, true);
        assertEquals("this run's", Files.readString(out.resolve("_dataset.json")));
        try (var beside = Files.list(tmp)) {
            assertEquals(List.of("out2"), beside.map(p -> p.getFileName().toString()).filter(n -> n.contains("out2")).sorted().toList());
        }
    }
}
