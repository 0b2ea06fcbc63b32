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
        List<String> args = new ArrayList<>(List.of("evaluate", "--data", fx.data.toString(), "--out", out.toString(), "--master", "local[2]"));
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
}
