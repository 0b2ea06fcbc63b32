package dev.cryosphere.cli;

import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.ParticleBatch;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Ingest on a real 2-worker standalone cluster (deploy/local-cluster.sh) gives the same dataset as the core readers. */
class IngestClusterIT {
    @TempDir
    Path tmp;

    @Test
    void ingestRunsUnchangedOnATwoWorkerCluster() throws Exception {
        Path star = SharedData.oracle1ztu("sim1000.star");
        Path out = tmp.resolve("ds");
        try (LocalCluster cluster = LocalCluster.start(tmp.resolve("cluster"), 2)) {
            Cli c = Cli.run("ingest", "--particles", star.toString(), "--out", out.toString(), "--master", cluster.masterUrl,
                    "--shard-mb", "4");
            assertEquals(0, c.exitCode(), c.err());
            assertEquals(2, cluster.executorCount(), "one executor per worker");
        }
        DatasetReader ds = DatasetReader.open(out);
        List<Particle> rows = ParticleSet.read(star).particles();
        assertEquals(rows.size(), ds.count());
        assertTrue(ds.parts().size() >= 2, "several part files: " + ds.parts());
        int seen = 0;
        try (MrcReader stack = MrcReader.open(rows.get(0).stack()); DatasetReader.BatchStream s = ds.batches(128)) {
            while (s.hasNext()) {
                ParticleBatch b = s.next();
                for (int i = 0; i < b.size; i++, seen++) {
                    Particle p = rows.get((int) b.particleIndex[i]);
                    assertEquals(seen, b.particleIndex[i], "source order");
                    assertArrayEquals(stack.readImage(p.imageIndex()), b.images[i], "pixels of row " + seen);
                    assertEquals(p.ctf().defocusU(), b.ctf[i].defocusU(), 0);
                }
            }
        }
        assertEquals(rows.size(), seen);
    }
}
