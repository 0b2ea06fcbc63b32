package dev.cryosphere.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Bad inputs to `cryosphere evaluate`: one clear error line each (exit 2), and no EVAL or temporary folder left. */
class EvaluateBadInputTest {
    @TempDir
    static Path dir;
    static EvalFixtures fx;

    @BeforeAll
    static void fixtures() throws Exception {
        fx = EvalFixtures.create(dir, 24);
    }

    private static void assertFails(List<String> extra, String... expected) throws Exception {
        Path out = dir.resolve("eval");
        List<String> args = new ArrayList<>(List.of("evaluate", "--out", out.toString(), "--master", "local[2]"));
        if (!extra.contains("--data")) args.addAll(List.of("--data", fx.data.toString()));
        if (!extra.contains("--run")) args.addAll(List.of("--run", fx.run.toString()));
        args.addAll(extra);
        Cli c = Cli.run(args.toArray(String[]::new));
        assertEquals(2, c.exitCode(), c.err());
        String err = c.err().trim();
        assertTrue(err.startsWith("error: ") && err.lines().count() == 1, "one line: " + err);
        for (String e : expected) assertTrue(err.contains(e), "'" + e + "' in: " + err);
        assertFalse(Files.exists(out), "nothing written");
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".eval")), "no temporary folder left");
        }
    }

    @Test
    void runFolderWithoutAModel() throws Exception {
        Path run = dir.resolve("untrained");
        EvalFixtures.runFolder(run, fx.sim.resolve("base.pdb"), 1.0, false);
        assertFails(List.of("--run", run.toString()), "untrained", "no complete checkpoint");
    }

    @Test
    void datasetBoxDiffersFromTheRun() throws Exception {
        Path small = dir.resolve("ds24");
        Cli c = Cli.run("ingest", "--particles", fx.sim.resolve("particles.star").toString(), "--out", small.toString(),
                "--box", "24", "--master", "local[2]");
        assertEquals(0, c.exitCode(), c.err());
        Path out = dir.resolve("eval");
        c = Cli.run("evaluate", "--run", fx.run.toString(), "--data", small.toString(), "--out", out.toString(), "--master", "local[2]");
        assertEquals(2, c.exitCode(), c.err());
        assertTrue(c.err().contains("box 24 px") && c.err().contains("32 px"), c.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void badSelectionSyntax() throws Exception {
        assertFails(List.of("--distance", "lid=A:12x-15,A:1-20"), "A:12x-15", "expected CHAIN:FROM-TO");
        assertFails(List.of("--distance", "lid A:1-20"), "--distance", "NAME=SEL1,SEL2");
        assertFails(List.of("--distance", "lid=Q:1-20,A:1-20"), "no residue of the structure matches");
        assertFails(List.of("--structures", "every=0"), "--structures", "positive");
    }

    @Test
    void truthLabelsNamingMissingMaps() throws Exception {
        Path labels = dir.resolve("bad_labels.csv");
        Files.writeString(labels, "particle_index,map\n0,base.mrc\n1,missing.mrc\n");
        assertFails(List.of("--truth-maps", fx.maps.toString(), "--truth-labels", labels.toString()), "missing.mrc", "does not exist");
    }

    @Test
    void existingOutputIsKept() throws Exception {
        Path out = dir.resolve("taken");
        Files.createDirectories(out);
        Cli c = Cli.run("evaluate", "--run", fx.run.toString(), "--data", fx.data.toString(), "--out", out.toString());
        assertEquals(2, c.exitCode());
        assertTrue(c.err().contains("already exists"), c.err());
    }

    // ---------------------------------------------------------------- issue 15: damaged runs and datasets, outputs

    private static Path copyOf(Path from, String name) throws Exception {
        Path to = dir.resolve(name);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(q);
                else Files.copy(p, q);
            }
        }
        return to;
    }

    private static Path onlyCheckpoint(Path run) throws Exception {
        try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("epoch-")).findFirst().orElseThrow();
        }
    }

    private static void truncate(Path file, long keep) throws Exception {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(keep);
        }
    }

    @Test
    void truncatedCheckpoint() throws Exception {
        Path run = copyOf(fx.run, "run-truncated");
        Path zip = onlyCheckpoint(run).resolve("model.zip");
        truncate(zip, Files.size(zip) / 2);
        assertFails(List.of("--run", run.toString()), zip + ": damaged checkpoint, cannot be read (",
                "delete its folder " + zip.getParent() + " to go back to the checkpoint before");
    }

    @Test
    void corruptStateJson() throws Exception {
        Path run = copyOf(fx.run, "run-state");
        Path state = onlyCheckpoint(run).resolve("state.json");
        Files.writeString(state, "{\"epochs_done\": 1, \"epo");
        assertFails(List.of("--run", run.toString()), state + ": damaged, not JSON (");
        Files.writeString(state, "{\"epochs_done\": \"one\"}");
        assertFails(List.of("--run", run.toString()), state + ", key epochs_done: '\"one\"' is not an epoch number");
    }

    @Test
    void corruptConfigJson() throws Exception {
        Path run = copyOf(fx.run, "run-config");
        Path config = run.resolve("config.json");
        String json = Files.readString(config);
        Files.writeString(config, json.substring(0, json.length() / 2));
        assertFails(List.of("--run", run.toString()), config + ", line ", ": damaged (not the model configuration train wrote): ");
        Files.writeString(config, json.replaceFirst("\"box\"\\s*:\\s*\\d+", "\"box\": -3"));
        assertFails(List.of("--run", run.toString()), config + ", line ", ": damaged (not the model configuration train wrote): ",
                "box");
    }

    @Test
    void truncatedParquetPart() throws Exception {
        Path data = copyOf(fx.data, "ds-truncated");
        Path part;
        try (Stream<Path> s = Files.list(data)) {
            part = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
        }
        truncate(part, Files.size(part) - 100);
        Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));
        assertFails(List.of("--data", data.toString()), "part-", ".parquet: damaged Parquet part, cannot be read (",
                "ingest the dataset again");
    }

    @Test
    void corruptDatasetJson() throws Exception {
        Path data = copyOf(fx.data, "ds-json");
        Files.writeString(data.resolve("_dataset.json"), "{\"format_version\": 1, \"count\": ");
        assertFails(List.of("--data", data.toString()), data.resolve("_dataset.json") + ": damaged, cannot be read (",
                "ingest the dataset again");
    }

    @Test
    void outputUnderARegularFileIsOneLineExit3() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        Cli c = Cli.run("evaluate", "--run", fx.run.toString(), "--data", fx.data.toString(), "--out",
                file.resolve("eval").toString(), "--master", "local[2]");
        assertEquals(3, c.exitCode(), c.err());
        assertEquals("error: " + file.resolve("eval") + ": cannot create it: " + file + " is a file, not a folder",
                c.err().strip());
    }

    @Test
    void readOnlyOutputIsOneLineExit3() throws Exception {
        try (SmallFileSystem ro = SmallFileSystem.readOnly(dir.resolve("ro"))) {
            Path out = ro.dir().resolve("eval");
            Cli c = Cli.run("evaluate", "--run", fx.run.toString(), "--data", fx.data.toString(), "--out", out.toString(),
                    "--master", "local[2]");
            assertEquals(3, c.exitCode(), c.err());
            String err = c.err().strip();
            assertTrue(err.startsWith("error: " + out + ": cannot write in " + ro.dir() + ": ") && err.lines().count() == 1, err);
            assertEquals(List.of(), ro.entries());
        }
    }
}
