package dev.cryosphere.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `cryosphere benchmark` as a working folder, and entries at the same time (issue 19, item 4), with real Spark
 * (local[2]) and real training on a tiny spec of two hinge entries (training in one JVM: deterministic given the seed).
 * In order: (1) a sequential run into S; (2) a rerun into S skips every stage and writes the same benchmark.csv;
 * (3) the same spec with --parallel 2 into P: the two entries' stages overlap in time and every score equals the
 * sequential run's; (4) into S, entry b's seed changed and entry a's evaluate broken: b is redone from its simulation,
 * a keeps its simulation, dataset and run (markers untouched) and fails at evaluate; (5) into S, a's evaluate fixed and
 * a's train marker removed (a kill after the run's last checkpoint, before the marker): a's training continues with
 * --resume, its evaluation and scores are redone and equal (1)'s, b is skipped.
 */
class BenchmarkResumeTest {
    @TempDir
    static Path dir;
    static Cli first, again, parallel, changed, resumed;
    static Map<String, Map<String, String>> sequentialRows, againRows, parallelRows, changedRows, resumedRows;
    static String sequentialCsv;
    static Map<String, String[]> markersAfterFirst = new HashMap<>(), markersAfterChange = new HashMap<>();
    static final List<String> STAGES = List.of("simulate", "ingest", "train", "evaluate", "score");
    /** Columns that measure time or speed, which differ between runs. */
    static final Set<String> TIMES = Set.of("simulate_s", "ingest_s", "train_s", "evaluate_s", "wall_s", "train_images_per_s");

    /** The tiny entries' settings, shared with BenchmarkCommandTest (seconds per entry). */
    static final String DEFAULTS = """
            defaults:
              n_particles: 200
              box: 32
              apix: 4.0
              snr: 1.0
              epochs: 1
              master: local[2]
              train_master: jvm
              truth_particles: 40
              truth_bins: 8
              train: {segments: 4, latent_dim: 4, encoder_hidden: [32, 16], decoder_hidden: [16], batch_size: 32,
                      lr_networks: 1.0e-3, lr_segmentation: 1.0e-3}
              evaluate: {no_volumes: true, traversal_steps: 3}
            """;

    @BeforeAll
    static void runAll() throws Exception {
        Path spec1 = spec("spec1.yaml", "  - name: a\n  - name: b\n    seed: 1\n");
        Path s = dir.resolve("S"), p = dir.resolve("P");
        first = Cli.run("benchmark", "--spec", spec1.toString(), "--out", s.toString());
        sequentialCsv = Files.readString(s.resolve("benchmark.csv"));
        sequentialRows = rows(s);
        for (String e : List.of("a", "b")) for (String st : STAGES) markersAfterFirst.put(e + "/" + st, marker(s, e, st));

        again = Cli.run("benchmark", "--spec", spec1.toString(), "--out", s.toString());
        againRows = rows(s);
        assertEquals(sequentialCsv, Files.readString(s.resolve("benchmark.csv")), "a rerun writes the same benchmark.csv");

        parallel = Cli.run("benchmark", "--spec", spec1.toString(), "--out", p.toString(), "--parallel", "2");
        parallelRows = rows(p);

        Path spec2 = spec("spec2.yaml", "  - name: a\n    evaluate: {no_volumes: true, traversal_steps: 3, distance: [\"x=A:900-950,A:1-10\"]}\n"
                + "  - name: b\n    seed: 2\n");
        changed = Cli.run("benchmark", "--spec", spec2.toString(), "--out", s.toString());
        changedRows = rows(s);
        for (String e : List.of("a", "b")) for (String st : STAGES) markersAfterChange.put(e + "/" + st, marker(s, e, st));

        Path spec3 = spec("spec3.yaml", "  - name: a\n  - name: b\n    seed: 2\n");
        Files.delete(s.resolve("a/stages/train.done"));
        resumed = Cli.run("benchmark", "--spec", spec3.toString(), "--out", s.toString());
        resumedRows = rows(s);
    }

    @Test
    void aRerunSkipsEveryStageAndGivesTheSameTable() {
        assertEquals(0, first.exitCode(), first.err());
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(10, count(again.out(), " skipped (done, same fingerprint)"), again.out());
        assertFalse(again.out().contains("train ..."), "nothing runs");
        // the scores are real numbers, read back from each entry's scores.json
        for (String e : List.of("a", "b")) {
            assertEquals(sequentialRows.get(e), againRows.get(e));
            assertTrue(num(againRows.get(e), "rmsd_median_A") > 0);
            assertTrue(num(againRows.get(e), "cb_auc_mean") > 0 && num(againRows.get(e), "cb_auc_mean") <= 15.0 / 32 + 1e-9);
        }
    }

    @Test
    void entriesRunAtOnceAndScoreAsInSequence() throws Exception {
        assertEquals(0, parallel.exitCode(), parallel.err());
        Path p = dir.resolve("P");
        String[] a0 = marker(p, "a", "simulate"), a1 = marker(p, "a", "score"), b0 = marker(p, "b", "simulate"), b1 = marker(p, "b", "score");
        long aStart = Long.parseLong(a0[1]), aEnd = Long.parseLong(a1[2]), bStart = Long.parseLong(b0[1]), bEnd = Long.parseLong(b1[2]);
        assertTrue(aStart < bEnd && bStart < aEnd, "the entries overlap in time: a " + aStart + ".." + aEnd + ", b " + bStart + ".." + bEnd);
        // the trainings themselves overlap: both started before either finished
        String[] at = marker(p, "a", "train"), bt = marker(p, "b", "train");
        assertTrue(Long.parseLong(at[1]) < Long.parseLong(bt[2]) && Long.parseLong(bt[1]) < Long.parseLong(at[2]),
                "trainings overlap: a " + at[1] + ".." + at[2] + ", b " + bt[1] + ".." + bt[2]);
        // each child's lines carry its entry's prefix (train's segments line is on standard output)
        assertTrue(parallel.out().contains("[a] train: segments: "), parallel.out());
        assertTrue(parallel.out().contains("[b] train: segments: "));
        assertFalse(parallel.out().lines().anyMatch(l -> l.startsWith("train: ")), "no child line without its prefix");
        for (String e : List.of("a", "b")) {
            Map<String, String> seq = sequentialRows.get(e), par = parallelRows.get(e);
            for (String c : seq.keySet()) if (!TIMES.contains(c)) assertEquals(seq.get(c), par.get(c), e + ": " + c);
            assertTrue(num(par, "final_loss") < 0, e + " loss");
        }
        // the same inputs give the same fingerprints, whichever way the entries ran
        for (String e : List.of("a", "b")) for (String st : STAGES)
            assertEquals(markersAfterFirst.get(e + "/" + st)[0], marker(p, e, st)[0], e + "/" + st);
    }

    @Test
    void aChangedSeedRedoesOnlyThatEntryAndAFailureKeepsTheStagesBefore() {
        assertEquals(1, changed.exitCode(), changed.err());
        for (String st : List.of("simulate", "ingest", "train"))
            assertArrayEquals(markersAfterFirst.get("a/" + st), markersAfterChange.get("a/" + st), "a/" + st + " kept");
        assertNull(markersAfterChange.get("a/evaluate"), "a failed at evaluate: no marker");
        assertNull(markersAfterChange.get("a/score"));
        assertTrue(changedRows.get("a").get("status").startsWith("failed at evaluate: "), changedRows.get("a").get("status"));
        assertTrue(changedRows.get("a").get("status").contains("A:900-950"));
        for (String st : STAGES) {
            assertNotEquals(markersAfterFirst.get("b/" + st)[0], markersAfterChange.get("b/" + st)[0], "b/" + st + ": new fingerprint");
            assertTrue(Long.parseLong(markersAfterChange.get("b/" + st)[1]) > Long.parseLong(markersAfterFirst.get("b/" + st)[2]), "b/" + st + " redone");
        }
        assertEquals("2", changedRows.get("b").get("seed"));
        assertNotEquals(sequentialRows.get("b").get("final_loss"), changedRows.get("b").get("final_loss"), "another simulation, another run");
        assertTrue(changed.out().contains("benchmark: [1/2] a: train skipped (done, same fingerprint)"));
    }

    @Test
    void anUnfinishedTrainingResumesAndTheEntryScoresAsBefore() throws Exception {
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("benchmark: [1/2] a: train: continuing the unfinished run (same fingerprint) with --resume"), resumed.out());
        assertEquals(7, count(resumed.out(), "benchmark: [2/2] b: "), "b: its header, five stages skipped, its status");
        for (String st : STAGES) assertTrue(resumed.out().contains("benchmark: [2/2] b: " + st + " skipped"), st);
        Map<String, String> before = sequentialRows.get("a"), now = resumedRows.get("a");
        for (String c : before.keySet()) if (!TIMES.contains(c)) assertEquals(before.get(c), now.get(c), "a: " + c);
        assertEquals(changedRows.get("b").get("final_loss"), resumedRows.get("b").get("final_loss"));
        Path s = dir.resolve("S");
        assertEquals(marker(s, "a", "train")[0], markersAfterFirst.get("a/train")[0]);
    }

    @Test
    void outThatIsNotABenchmarkFolderIsRefused() throws Exception {
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        Files.writeString(other.resolve("keep.txt"), "mine");
        Cli c = Cli.run("benchmark", "--spec", dir.resolve("spec1.yaml").toString(), "--out", other.toString());
        assertEquals(2, c.exitCode());
        String line = c.err().strip();
        assertTrue(line.startsWith("error: ") && line.contains(other.toString()) && line.contains("not made by `cryosphere benchmark`")
                && !line.contains("\n"), line);
        assertEquals("mine", Files.readString(other.resolve("keep.txt")));
    }

    private static Path spec(String name, String entries) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, DEFAULTS + "entries:\n" + entries);
        return f;
    }

    /** The fields of ENTRY/stages/STAGE.done (fingerprint, start ms, end ms, seconds), or null. */
    private static String[] marker(Path out, String entry, String stage) throws Exception {
        Path m = out.resolve(entry).resolve("stages").resolve(stage + ".done");
        return Files.exists(m) ? Files.readString(m).trim().split(" ") : null;
    }

    private static Map<String, Map<String, String>> rows(Path out) throws Exception {
        List<List<String>> csv = BenchmarkCommandTest.parseCsv(Files.readString(out.resolve("benchmark.csv")));
        Map<String, Map<String, String>> rows = new HashMap<>();
        for (List<String> r : csv.subList(1, csv.size())) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < csv.get(0).size(); i++) m.put(csv.get(0).get(i), r.get(i));
            rows.put(m.get("name"), m);
        }
        return rows;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    private static double num(Map<String, String> r, String column) {
        return Double.parseDouble(r.get(column));
    }
}
