package dev.cryosphere.evaluate.report;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class RelativePathTest {
    @Test
    void pathsAreRelativeToTheReportFolder() {
        Path eval = Path.of("/data/project/eval");
        assertEquals("../run", RelativePath.of(eval, Path.of("/data/project/run")));
        assertEquals("../run/metrics.csv", RelativePath.of(eval, "/data/project/run/metrics.csv"));
        assertEquals("traversals/pc1_00.pdb", RelativePath.of(eval, Path.of("/data/project/eval/traversals/pc1_00.pdb")));
        assertEquals("../ds", RelativePath.of(eval, "file:///data/project/ds"));
        assertEquals("hdfs://nn:8020/ds", RelativePath.of(eval, "hdfs://nn:8020/ds"));
        // relative input is taken from the working directory, as the command line does
        assertEquals(RelativePath.of(eval, Path.of("run").toAbsolutePath()), RelativePath.of(eval, "run"));
    }

    @Test
    void absolutePathsInAMessageAreMadeRelative() {
        Path eval = Path.of("/data/project/eval");
        assertEquals("particle subsets not exported: ../relion/particles.star: the dataset's source metadata is not readable here",
                RelativePath.inText(eval, "particle subsets not exported: /data/project/relion/particles.star: the dataset's source metadata is not readable here"));
        assertEquals("no path here, 3/4 done", RelativePath.inText(eval, "no path here, 3/4 done"));
    }
}
