package dev.cryosphere.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.DatasetRow;
import dev.cryosphere.core.dataset.ParticleBatch;
import dev.cryosphere.core.testing.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code kill -9} of {@code ingest} at 6 random moments (seeded) in the phases of its run, each a random delay after
 * an event the test sees, up to what follows that event in an uninterrupted run: before it writes (JVM and Spark
 * start-up, validation: after the start; 2 kills), while the executors write the parts into the hidden temporary
 * folder (after a random number of finished parts; 2), near the end (after all but the last two parts: the last parts,
 * {@code _dataset.json}, the rename onto OUT, shut-down; 1) and after the rename (shut-down; 1). After each kill OUT is
 * either absent or the complete dataset of an uninterrupted run (never a half-written one); the same command (with
 * {@code --overwrite} when OUT is there) then exits 0 and writes exactly the uninterrupted run's dataset, and nothing
 * but OUT is left beside it. "The same dataset" is checked twice: row by row through the project's reader against the
 * uninterrupted run, and with parquet-hadoop's generic reader over the part files on disk against the simulated MRC
 * stack read by hand (every image bit for bit, every particle once, in order). Fixed kill points are in
 * IngestKillTest.
 */
class IngestRandomKillIT {
    @TempDir
    Path dir;

    private static final int PARTICLES = 1600, BOX = 64;
    private static final long SEED = 20261207;
    private static final ObjectMapper JSON = new ObjectMapper();

    private enum Phase { BEFORE_WRITING, WRITING, NEAR_THE_END, AFTER_THE_RENAME }

    @Test
    void aKillAtAnyMomentLeavesNoHalfDatasetAndTheRerunWritesTheSameOne() throws Exception {
        long tStart = System.nanoTime();
        Path sim = dir.resolve("sim");
        Cli s = Cli.run("simulate", "--structure", SharedData.structures("1ztu.pdb").toString(), "--center",
                "-n", String.valueOf(PARTICLES), "--box", String.valueOf(BOX), "--apix", "2.5", "--seed", "5",
                "--out", sim.toString());
        assertEquals(0, s.exitCode(), s.err());
        Path stack = sim.resolve("particles.mrcs");
        List<String> args = List.of("ingest", "--particles", sim.resolve("particles.star").toString(),
                "--master", "local[2]", "--shard-mb", "4");

        // the uninterrupted run, in a JVM of its own as the killed ones, watched: its phases set the kill moments
        Path straight = dir.resolve("straight");
        long t0 = System.nanoTime();
        Process p = start(args, straight);
        long tempMs = -1, outMs = -1;
        long[] partsAt = new long[1000];   // when the temporary folder first held k finished parts
        Arrays.fill(partsAt, -1);
        while (p.isAlive()) {
            long now = (System.nanoTime() - t0) / 1_000_000;
            if (tempMs < 0 && !temps(straight).isEmpty()) tempMs = now;
            if (outMs < 0 && Files.exists(straight)) outMs = now;
            for (int k = finishedParts(straight); k >= 0 && partsAt[k] < 0; k--) partsAt[k] = now;
            Thread.sleep(5);
        }
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, p.exitValue(), Files.readString(log(straight)));
        assertTrue(tempMs >= 0 && outMs >= tempMs, "the uninterrupted run was seen writing into a temporary folder "
                + "(" + tempMs + " ms) before OUT appeared (" + outMs + " ms)");
        int parts = DatasetReader.open(straight).parts().size();
        assertTrue(parts >= 4, "several parts: " + parts);
        // "near the end": from all parts but the last two (one per executor) finished to the end of the process
        long nearEndMs = partsAt[parts - 2];
        assertTrue(nearEndMs >= tempMs, "the uninterrupted run was seen with " + (parts - 2) + " finished parts");
        assertMatchesStack(straight, stack, "the uninterrupted run");
        List<DatasetRow> expected = rows(straight);
        assertEquals(List.of(), beside(straight), "the uninterrupted run leaves nothing beside OUT");
        System.out.printf("IngestRandomKillIT: uninterrupted ingest %d ms (temporary folder at %d ms, %d of %d parts "
                + "at %d ms, OUT at %d ms)%n", wallMs, tempMs, parts - 2, parts, nearEndMs, outMs);

        Random random = new Random(SEED);
        Phase[] phases = {Phase.BEFORE_WRITING, Phase.BEFORE_WRITING, Phase.WRITING, Phase.WRITING,
                Phase.NEAR_THE_END, Phase.AFTER_THE_RENAME};
        List<String> moments = new ArrayList<>();
        int sawTemp = 0;
        for (int i = 0; i < phases.length; i++) {
            Path out = dir.resolve("killed-" + i);
            Phase phase = phases[i];
            // a random moment in the phase: a random delay after an event the test sees (the start; while writing,
            // the k-th finished part, k random), up to what follows it in the uninterrupted run (a load that slows or
            // speeds one run does not move the kill out of its phase)
            int k = phase == Phase.WRITING ? random.nextInt(parts - 2) : phase == Phase.NEAR_THE_END ? parts - 2 : 0;
            long phaseMs = switch (phase) {
                case BEFORE_WRITING -> tempMs;
                case WRITING -> (nearEndMs - tempMs) * 2 / (parts - 2);   // one part per executor
                case NEAR_THE_END -> wallMs - nearEndMs;
                case AFTER_THE_RENAME -> wallMs - outMs;
            };
            long delay = (long) (random.nextDouble() * phaseMs);
            long k0 = System.nanoTime();
            p = start(args, out);
            boolean inPhase = switch (phase) {
                case BEFORE_WRITING -> true;
                case WRITING, NEAR_THE_END -> waitFor(p, () -> (!temps(out).isEmpty() && finishedParts(out) >= k)
                        || Files.exists(out));
                case AFTER_THE_RENAME -> waitFor(p, () -> Files.exists(out));
            };
            long phaseAt = (System.nanoTime() - k0) / 1_000_000;
            boolean finished = p.waitFor(delay, TimeUnit.MILLISECONDS);
            if (!finished) p.destroyForcibly().waitFor();   // SIGKILL
            long killAt = (System.nanoTime() - k0) / 1_000_000;

            List<Path> temps = temps(out);
            boolean complete = Files.exists(out);
            if (!temps.isEmpty()) sawTemp++;
            String when = String.format("kill %d (%s, %d ms after %s, %d ms after start%s): %s", i, phase, delay,
                    switch (phase) {
                        case BEFORE_WRITING -> "the start";
                        case WRITING, NEAR_THE_END -> k + " finished parts";
                        case AFTER_THE_RENAME -> "OUT appeared";
                    }, killAt,
                    inPhase ? "" : ", the run ended before the phase was seen",
                    finished ? "the run had finished (exit " + p.exitValue() + ")"
                            : complete ? "OUT present" : temps.isEmpty() ? "no OUT, no temporary folder"
                            : "no OUT; temporary folder with " + finishedParts(out) + " finished parts");
            moments.add(when);
            System.out.println("IngestRandomKillIT: " + when + " (phase seen at " + phaseAt + " ms)");

            // (a) no half-written OUT: absent, or exactly the uninterrupted run's dataset
            if (complete) assertSameDataset(straight, expected, out, stack, "OUT after " + when);

            // (b) the same command again (replacing a complete OUT needs --overwrite, as documented) succeeds and
            // writes the uninterrupted run's dataset
            List<String> rerun = new ArrayList<>(args);
            rerun.addAll(List.of("--out", out.toString()));
            if (complete) rerun.add("--overwrite");
            Cli c = Cli.run(rerun.toArray(String[]::new));
            assertEquals(0, c.exitCode(), "rerun after " + when + ": " + c.err());
            assertSameDataset(straight, expected, out, stack, "the rerun after " + when);

            // (c) nothing left beside OUT: the killed run's temporary folder is gone
            assertEquals(List.of(), beside(out), "left beside OUT after the rerun after " + when);
        }
        assertTrue(sawTemp >= 1, "at least one kill hit the writing (a temporary folder was left): " + moments);
        System.out.printf("IngestRandomKillIT: %d kills of a %d ms ingest, %d s in all%n", phases.length, wallMs,
                (System.nanoTime() - tStart) / 1_000_000_000);
    }

    // ---------------------------------------------------------------- processes

    private static Process start(List<String> args, Path out) throws IOException {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--out", out.toString()));
        return ChildJvm.start(all, log(out));
    }

    private static Path log(Path out) { return out.resolveSibling(out.getFileName() + ".log"); }

    private interface Condition { boolean holds() throws IOException; }

    /** Polls until the condition holds (true) or the process ends (false). */
    private static boolean waitFor(Process p, Condition c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (c.holds()) return true;
            if (!p.isAlive()) return c.holds();
            Thread.sleep(2);
        }
        throw new AssertionError("the phase never came in 120 s");
    }

    /** The hidden temporary folders of a run writing OUT ({@code .OUT.tmp-<uuid>}). */
    private static List<Path> temps(Path out) throws IOException {
        String prefix = "." + out.getFileName() + ".tmp-";
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    /** Part files renamed into place in a temporary folder (not the hidden attempt files). */
    private static int finishedParts(Path out) throws IOException {
        int n = 0;
        for (Path t : temps(out)) {
            try (Stream<Path> s = Files.list(t)) {
                n += (int) s.filter(f -> f.getFileName().toString().matches("part-\\d+\\.parquet")).count();
            } catch (java.nio.file.NoSuchFileException e) {
                // renamed onto OUT meanwhile
            }
        }
        return n;
    }

    /** Everything beside OUT whose name mentions OUT's, except OUT and its log. */
    private static List<String> beside(Path out) throws IOException {
        String name = out.getFileName().toString();
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.map(x -> x.getFileName().toString())
                    .filter(n -> n.contains(name) && !n.equals(name) && !n.equals(name + ".log")).sorted().toList();
        }
    }

    // ---------------------------------------------------------------- datasets

    /** OUT holds exactly the uninterrupted run's dataset: files, _dataset.json, rows, and the stack's images. */
    private static void assertSameDataset(Path straight, List<DatasetRow> expected, Path out, Path stack, String what)
            throws IOException {
        assertEquals(listing(straight), listing(out), what + ": the files of the dataset");
        assertEquals(info(straight), info(out), what + ": _dataset.json (but its time and command line)");
        List<DatasetRow> rows = rows(out);
        assertEquals(expected.size(), rows.size(), what + ": row count");
        for (int i = 0; i < rows.size(); i++) assertSameRow(expected.get(i), rows.get(i), what + ", row " + i);
        assertMatchesStack(out, stack, what);
    }

    private static List<String> listing(Path ds) throws IOException {
        try (Stream<Path> s = Files.list(ds)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static ObjectNode info(Path ds) throws IOException {
        ObjectNode n = (ObjectNode) JSON.readTree(ds.resolve("_dataset.json").toFile());
        assertTrue(n.path("command_line").asText().startsWith("cryosphere ingest --particles"), n.toString());
        n.remove(List.of("created", "command_line"));
        return n;
    }

    /** Every row through the project's reader (DatasetReader). */
    private static List<DatasetRow> rows(Path ds) {
        List<DatasetRow> rows = new ArrayList<>();
        try (DatasetReader.BatchStream b = DatasetReader.open(ds).batches(256)) {
            while (b.hasNext()) {
                ParticleBatch batch = b.next();
                for (int i = 0; i < batch.size; i++) rows.add(batch.row(i));
            }
        }
        return rows;
    }

    private static void assertSameRow(DatasetRow e, DatasetRow a, String what) {
        assertEquals(e.particleIndex(), a.particleIndex(), what);
        assertEquals(e.imageName(), a.imageName(), what);
        assertEquals(e.opticsGroup(), a.opticsGroup(), what);
        assertEquals(e.box(), a.box(), what);
        assertTrue(Arrays.equals(e.image(), a.image()), what + ": image");
        assertEquals(e.pixelSize(), a.pixelSize(), what);
        assertArrayEquals(e.rotation(), a.rotation(), what);
        assertEquals(List.of(e.rot(), e.tilt(), e.psi(), e.originXAngst(), e.originYAngst()),
                List.of(a.rot(), a.tilt(), a.psi(), a.originXAngst(), a.originYAngst()), what);
        assertEquals(e.ctf(), a.ctf(), what);
    }

    /**
     * Independently of the project's code: the part files found on disk, read with parquet-hadoop's generic reader,
     * hold each particle once, in order (particle_index 0, 1, …), and each row's image is, bit for bit, the image its
     * image_name points at in the MRC stack read by hand (header words, then little-endian float32 images).
     */
    private static void assertMatchesStack(Path ds, Path stack, String what) throws IOException {
        ByteBuffer mrc = ByteBuffer.wrap(Files.readAllBytes(stack)).order(ByteOrder.LITTLE_ENDIAN);
        int nx = mrc.getInt(0), ny = mrc.getInt(4), nz = mrc.getInt(8), mode = mrc.getInt(12), ext = mrc.getInt(92);
        assertEquals(List.of(BOX, BOX, PARTICLES, 2), List.of(nx, ny, nz, mode), "the simulated stack's header");
        int bytes = nx * ny * 4;
        assertEquals(1024L + ext + (long) nz * bytes, mrc.capacity(), "the simulated stack's length");

        List<Path> parts;
        try (Stream<Path> s = Files.list(ds)) {
            parts = s.filter(f -> f.getFileName().toString().matches("part-\\d+\\.parquet")).sorted().toList();
        }
        long next = 0;
        for (Path part : parts) {
            try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(),
                    new org.apache.hadoop.fs.Path(part.toUri())).withConf(new Configuration()).build()) {
                for (Group g; (g = r.read()) != null; next++) {
                    assertEquals(next, g.getLong("particle_index", 0), what + ": " + part.getFileName());
                    String name = g.getString("image_name", 0);
                    assertTrue(name.endsWith("@particles.mrcs"), name);
                    int image = Integer.parseInt(name.substring(0, name.indexOf('@')));
                    assertEquals(next + 1, image, what + ": row " + next + " is " + name);
                    byte[] stored = g.getBinary("image", 0).getBytes();
                    byte[] source = Arrays.copyOfRange(mrc.array(), 1024 + ext + (image - 1) * bytes,
                            1024 + ext + image * bytes);
                    assertArrayEquals(source, stored, what + ": the pixels of " + name);
                }
            }
        }
        assertEquals(PARTICLES, next, what + ": rows in the part files on disk");
    }
}
