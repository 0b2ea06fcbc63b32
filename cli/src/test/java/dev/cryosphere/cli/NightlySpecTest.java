package dev.cryosphere.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The nightly spec (YAML) as deploy/nightly.sh reads it: the lines, in spec order, and one error per bad spec. */
class NightlySpecTest {
    @TempDir
    Path dir;

    private List<String> lines(String yaml) throws Exception {
        Path f = dir.resolve("spec.yaml");
        Files.writeString(f, yaml);
        return NightlySpec.lines(NightlySpec.read(f));
    }

    private String error(String yaml) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, yaml);
        return assertThrows(NightlySpec.BadSpec.class, () -> NightlySpec.read(f)).getMessage();
    }

    @Test
    void defaultsThenDatasetsInSpecOrder() throws Exception {
        assertEquals(List.of(
                "G\twork\t/data/nightly",
                "G\tmaster\tlocal[*]",
                "G\tevaluate_options\t--no-volumes --clusters 10",
                "N\tzeta",
                "D\tzeta\tparticles\t/data/z/run_data.star",
                "D\tzeta\tstructure\tbase.pdb",
                "D\tzeta\tevaluate_options\t--distance lid=A:122-159,A:1-29 --no-volumes",
                "N\talpha",
                "D\talpha\tparticles\ta.cs",
                "D\talpha\ttrain_options\t300"), lines("""
                work: /data/nightly      # a comment
                master: local[*]
                evaluate_options: --no-volumes --clusters 10
                datasets:
                  zeta:
                    particles: /data/z/run_data.star
                    structure: base.pdb
                    evaluate_options: "--distance lid=A:122-159,A:1-29 --no-volumes"
                  alpha:
                    particles: a.cs
                    train_options: 300
                    root:                # empty: unset
                """));
    }

    @Test
    void aBadSpecNamesTheKey() throws Exception {
        assertEquals("datasets.a: unknown key 'particle'", error("work: w\ndatasets:\n  a:\n    particle: x.star\n"));
        assertEquals("unknown key 'wrok'", error("wrok: w\ndatasets:\n  a: {particles: x}\n"));
        assertTrue(error("datasets:\n  a: {particles: x}\n").contains("'work: DIR' is required"));
        assertTrue(error("work: w\n").startsWith("no datasets"));
        assertEquals("datasets.a.work: only at the top level", error("work: w\ndatasets:\n  a: {work: x}\n"));
        assertTrue(error("work: w\ndatasets:\n  a: {train_options: [--epochs, 3]}\n").startsWith("datasets.a.train_options: expected a single value"));
        assertTrue(error("work: w\ndatasets:\n  a: {particles: x}\n  a: {particles: y}\n").startsWith("not valid YAML"));
        assertTrue(error("work = w\n[a]\nparticles = x\n").startsWith("expected a mapping"));
        assertTrue(error("work: w\ndatasets:\n  'a b': {particles: x}\n").contains("a dataset name is"));
    }
}
