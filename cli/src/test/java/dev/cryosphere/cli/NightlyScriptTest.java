package dev.cryosphere.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * deploy/nightly.sh's bookkeeping with a stand-in for submit.sh (no Spark, a second): a failing job marks its dataset
 * failed with the job's error line and the exit code, the other datasets still run, and the script exits 1; SIGTERM
 * stops the running job and marks the dataset failed; a bad spec is refused with exit 2. NightlyIT runs the real jobs.
 */
class NightlyScriptTest {
    @TempDir
    Path dir;

    /** A fake submit.sh: logs its job; fails on JOB=$FAIL_JOB for the dataset path containing $FAIL_IN; sleeps on $SLEEP_JOB. */
    private Path fakeSubmit() throws IOException {
        Path f = dir.resolve("fake-submit.sh");
        Files.writeString(f, """
                #!/usr/bin/env bash
                while [[ "$1" == --* ]]; do shift 2; done
                job="$1"; shift
                echo "fake $job $*" >> "$CALLS"
                if [[ "$job" == train ]]; then   # a run folder marked $RUN_MARK (kept, as a real run's checkpoints, when it fails)
                  out=""; prev=""
                  for a in "$@"; do [[ "$prev" == --out ]] && out="$a"; prev="$a"; done
                  mkdir -p "$out" && echo '{}' > "$out/config.json" && echo "${RUN_MARK:-}" > "$out/mark"
                  printf 'epoch,loss,wall_s,training_master\n1,-0.2,1,gradient-sharing\n2,-0.3,2,gradient-sharing\n3,-0.3,3,parameter-averaging\n' > "$out/metrics.csv"
                fi
                if [[ "$job" == "${FAIL_JOB:-}" && "$*" == *"${FAIL_IN:-}"* ]]; then echo "some output"; echo "error: $job broke"; exit 2; fi
                if [[ "$job" == "${SLEEP_JOB:-}" ]]; then exec sleep 60; fi
                if [[ "$job" == evaluate ]]; then
                  out=""; prev=""
                  for a in "$@"; do [[ "$prev" == --out ]] && out="$a"; prev="$a"; done
                  mkdir -p "$out" && echo '<html>report</html>' > "$out/report.html"
                fi
                exit 0
                """);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        return f;
    }

    private Path spec() throws IOException {
        for (String d : new String[]{"a", "b"}) {
            Files.createDirectories(dir.resolve(d));
            Files.writeString(dir.resolve(d + "/p.star"), "data_\n# " + d + "\n");
            Files.writeString(dir.resolve(d + "/s.pdb"), "ATOM\n");
            Files.writeString(dir.resolve(d + "/x.mrcs"), "stack " + d);
        }
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, """
                work: w    # a trailing comment
                master: spark://nowhere:7077
                datasets:
                  a:
                    particles: a/p.star
                    structure: a/s.pdb
                  b:
                    particles: b/p.star
                    structure: b/s.pdb
                """);
        return spec;
    }

    private Process start(Path spec, String... env) throws IOException {
        Path root = Path.of(System.getProperty("cryosphere.root", "..")).toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("deploy/nightly.sh").toString(), spec.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile());
        pb.environment().put("CRYOSPHERE_SUBMIT", fakeSubmit().toString());
        pb.environment().put("CALLS", dir.resolve("calls.txt").toString());
        pb.environment().put("AERON_SHM", dir.resolve("shm").toString());   // not this machine's /dev/shm
        // the spec reader (NightlySpec) from this test's class path: the jars are not packaged yet
        pb.environment().put("CRYOSPHERE_CLASSPATH", System.getProperty("java.class.path"));
        for (int i = 0; i < env.length; i += 2) pb.environment().put(env[i], env[i + 1]);
        return pb.start();
    }

    private String status(String d) throws IOException {
        return Files.readString(dir.resolve("w/datasets/" + d + "/status.json"));
    }

    @Test
    void aFailedJobFailsItsDatasetWithTheReasonAndTheOthersStillRun() throws Exception {
        Path spec = spec();
        Process p = start(spec, "FAIL_JOB", "train", "FAIL_IN", "/a/");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(dir.resolve("out.txt"));
        assertEquals(1, p.exitValue(), out);
        String a = status("a");
        assertTrue(a.contains("\"state\": \"failed\""), a);
        assertTrue(a.contains("\"reason\": \"train failed (exit 2): error: train broke\""), a);
        assertTrue(a.contains("\"ingest\": {\"state\": \"done\""), a);
        assertTrue(a.contains("\"train\": {\"state\": \"failed\""), a);
        assertTrue(status("b").contains("\"state\": \"done\""), status("b"));
        assertTrue(out.contains("1 done, 0 skipped (unchanged), 1 failed"), out);

        // the rerun redoes a from train on (ingest kept), skips b
        Files.delete(dir.resolve("calls.txt"));
        p = start(spec);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("out.txt")));
        String calls = Files.readString(dir.resolve("calls.txt"));
        assertTrue(calls.startsWith("fake train") && !calls.contains("ingest") && !calls.contains("/b/"), calls);
        assertTrue(status("a").contains("\"state\": \"done\""));
        assertTrue(status("b").contains("\"state\": \"skipped\""));

        // a new stack file under the stack root changes the fingerprint: a is redone from ingest
        Files.writeString(dir.resolve("a/y.mrcs"), "another stack");
        Files.delete(dir.resolve("calls.txt"));
        assertEquals(0, start(spec).waitFor());
        calls = Files.readString(dir.resolve("calls.txt"));
        assertTrue(calls.startsWith("fake ingest") && !calls.contains("/b/"), calls);
    }

    /**
     * on_change: restart keeps the last complete run as run.prev: a restart that fails leaves an unfinished run, which
     * the same inputs resume and changed inputs replace, without moving it over the complete one.
     */
    @Test
    void aFailedRestartNeverReplacesTheLastCompleteRun() throws Exception {
        Path spec = spec();
        Path a = dir.resolve("w/datasets/a");
        assertEquals(0, start(spec, "RUN_MARK", "one").waitFor());
        assertEquals("one", Files.readString(a.resolve("run/mark")).strip());

        Files.writeString(dir.resolve("a/p.star"), "data_\n# a, edited\n");
        assertEquals(1, start(spec, "RUN_MARK", "two", "FAIL_JOB", "train", "FAIL_IN", "/a/").waitFor());
        assertEquals("one", Files.readString(a.resolve("run.prev/mark")).strip(), "the complete run moved aside");
        assertEquals("two", Files.readString(a.resolve("run/mark")).strip(), "the failed restart's unfinished run");

        Files.delete(dir.resolve("calls.txt"));
        assertEquals(1, start(spec, "RUN_MARK", "two", "FAIL_JOB", "train", "FAIL_IN", "/a/").waitFor());
        assertTrue(Files.readString(dir.resolve("calls.txt")).contains("fake train --data " + a.resolve("data") + " --out "
                + a.resolve("run") + " --resume"), "the same inputs resume the unfinished run");

        Files.writeString(dir.resolve("a/p.star"), "data_\n# a, edited again\n");
        Path out = dir.resolve("out.txt");
        assertEquals(0, start(spec, "RUN_MARK", "three").waitFor(), Files.readString(out));
        assertTrue(Files.readString(out).contains("the unfinished run of earlier inputs is removed"), Files.readString(out));
        assertEquals("one", Files.readString(a.resolve("run.prev/mark")).strip(), "still the last complete run");
        assertEquals("three", Files.readString(a.resolve("run/mark")).strip());

        Files.writeString(dir.resolve("a/p.star"), "data_\n# a, a third time\n");
        assertEquals(0, start(spec, "RUN_MARK", "four").waitFor());
        assertEquals("three", Files.readString(a.resolve("run.prev/mark")).strip(), "a complete restart becomes run.prev");
        assertTrue(status("a").contains("\"training_master\": \"gradient-sharing (epochs 1-2), parameter-averaging (epoch 3)\""),
                status("a"));
    }

    @Test
    void sigtermStopsTheJobAndMarksTheDatasetFailed() throws Exception {
        Process p = start(spec(), "SLEEP_JOB", "train");
        Path calls = dir.resolve("calls.txt");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(calls) && Files.readString(calls).contains("fake train"))) {
            assertTrue(System.nanoTime() < deadline, "train never started");
            Thread.sleep(50);
        }
        Thread.sleep(300);
        p.toHandle().destroy(); // SIGTERM
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "nightly.sh ended on SIGTERM");
        assertEquals(143, p.exitValue());
        String a = status("a");
        assertTrue(a.contains("\"state\": \"failed\"") && a.contains("interrupted by a signal during train"), a);
        assertTrue(p.descendants().noneMatch(ProcessHandle::isAlive), "the job was stopped too");
    }

    @Test
    void aBadSpecIsRefused() throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, "work: w\ndatasets:\n  a:\n    particle: x.star\n");
        Process p = start(spec);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8).contains("unknown key 'particle'"));
    }
}
