package dev.cryosphere.benchmark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The done markers (issue 19, item 4): cumulative fingerprints as deploy/nightly.sh makes them, markers that survive a
 * new ledger (a rerun, or a run after a kill), and a changed input that redoes its stage and every stage after it.
 */
class StageLedgerTest {
    @TempDir
    Path dir;

    static final List<String> LINES = List.of("S version 1", "S simulate seed=0", "I ingest master=local[2]",
            "T train epochs=1", "E evaluate seed=0", "R score 1");

    @Test
    void fingerprintsAreCumulativeSha256OfTheTaggedLines() throws Exception {
        StageLedger l = new StageLedger(dir, LINES);
        assertEquals(StageLedger.sha256("S version 1\nS simulate seed=0\n"), l.fingerprint("simulate"));
        assertEquals(StageLedger.sha256("S version 1\nS simulate seed=0\nI ingest master=local[2]\nT train epochs=1\n"),
                l.fingerprint("train"));
        assertEquals(StageLedger.sha256(String.join("\n", LINES) + "\n"), l.fingerprint("score"));
        // the same as `grep '^[SIT] ' fingerprint.txt | sha256sum` over the file the ledger writes
        assertEquals(String.join("\n", LINES) + "\n", Files.readString(dir.resolve("fingerprint.txt")));
    }

    @Test
    void doneStagesSurviveARerunAndAChangeRedoesItsStageAndTheStagesAfter() throws Exception {
        StageLedger first = new StageLedger(dir, LINES);
        for (String s : StageLedger.STAGES) {
            assertTrue(first.done(s).isEmpty());
            first.redo(s);
            first.markDone(s, 1000, 2000, 1.23456);
        }
        StageLedger again = new StageLedger(dir, LINES);
        for (String s : StageLedger.STAGES) {
            StageLedger.Done d = again.done(s).orElseThrow();
            assertEquals(1000, d.startMs());
            assertEquals(2000, d.endMs());
            assertEquals(1.235, d.seconds(), 0);
        }
        // the training settings change: simulate and ingest stay done, train and every stage after it do not
        List<String> changed = LINES.stream().map(x -> x.startsWith("T ") ? "T train epochs=2" : x).toList();
        StageLedger third = new StageLedger(dir, changed);
        assertTrue(third.done("simulate").isPresent());
        assertTrue(third.done("ingest").isPresent());
        assertTrue(third.done("train").isEmpty());
        // a kill while train runs: its marker and those after it are gone, the earlier ones stay usable
        third.redo("train");
        for (String s : List.of("train", "evaluate", "score")) assertFalse(Files.exists(third.marker(s)), s);
        StageLedger afterKill = new StageLedger(dir, changed);
        assertTrue(afterKill.done("ingest").isPresent());
        assertTrue(afterKill.done("evaluate").isEmpty());
    }

    @Test
    void anEarlierStageRedoneRedoesTheLaterOnesEvenWithTheirMarkers() throws Exception {
        StageLedger l = new StageLedger(dir, LINES);
        for (String s : StageLedger.STAGES) l.markDone(s, 1, 2, 1);
        StageLedger again = new StageLedger(dir, LINES);
        again.redo("ingest");   // e.g. its output was deleted by hand
        assertTrue(again.done("simulate").isEmpty(), "nothing is done once a stage is redone in this run");
        assertTrue(again.done("train").isEmpty());
        assertFalse(Files.exists(again.marker("score")));
    }

    @Test
    void aDamagedMarkerIsNoMarker() throws Exception {
        StageLedger l = new StageLedger(dir, LINES);
        Files.writeString(l.marker("simulate"), "half");
        assertTrue(l.done("simulate").isEmpty());
    }
}
