package dev.cryosphere.cli;

import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.ParticleBatch;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.evaluate.EncoderInput;
import dev.cryosphere.evaluate.job.DistanceSpec;
import dev.cryosphere.trainer.run.TrainedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** `cryosphere evaluate` and `cryosphere select` end to end on a random-init run (every output, and the numbers). */
class EvaluateCommandTest {
    static final int N = 120;
    @TempDir
    static Path dir;
    static EvalFixtures fx;
    static Path eval;

    @BeforeAll
    static void evaluate() throws Exception {
        fx = EvalFixtures.create(dir, N);
        eval = dir.resolve("eval");
        Cli c = Cli.run("evaluate", "--run", fx.run.toString(), "--data", fx.data.toString(), "--out", eval.toString(),
                "--master", "local[2]", "--clusters", "3", "--traversal-steps", "4", "--structures", "every=10", "--pdb",
                "--distance", "ends=A:5-40,A:280-312", "--truth-maps", fx.maps.toString(), "--truth-labels", fx.labels.toString());
        assertEquals(0, c.exitCode(), c.err());
    }

    @Test
    void latentsAreTheEncoderMeansOfTheNormalisedImagesInDatasetOrder() throws Exception {
        List<String> lines = Files.readAllLines(eval.resolve("latents.csv"));
        assertEquals("particle_index,image_name,z0,z1,z2,z3", lines.get(0));
        assertEquals(N + 1, lines.size());
        TrainedModel m = TrainedModel.load(fx.run);
        try (DatasetReader.BatchStream s = DatasetReader.open(fx.data).batches(N)) {
            ParticleBatch b = s.next();
            double[][] z = m.encode(EncoderInput.of(b.images, 0, b.size, m.config()));
            for (int i = 0; i < N; i++) {
                String[] f = lines.get(i + 1).split(",");
                assertEquals(i, Long.parseLong(f[0]));
                assertEquals(b.imageName[i], f[1]);
                for (int d = 0; d < 4; d++) assertEquals(z[i][d], Double.parseDouble(f[2 + d]), 1e-5, "z of particle " + i);
            }
            // particle 10's PDB is the mean-segmentation structure of its latent; distances are measured on it
            double[] xyz = m.structures(new double[][]{z[10]}, m.segmentation(null))[0];
            AtomicModel pdb = AtomicModel.read(eval.resolve("structures/particle_10.pdb"));
            assertArrayEquals(xyz, pdb.coordinates(), 1e-2);
            DistanceSpec d = DistanceSpec.parse("ends=A:5-40,A:280-312", m.baseModel());
            String row = Files.readAllLines(eval.resolve("distances.csv")).get(11);
            assertEquals("10", row.split(",")[0]);
            assertEquals(d.measure(xyz), Double.parseDouble(row.split(",")[1]), 1e-6);
        }
    }

    @Test
    void writesEveryOutput() throws Exception {
        for (String f : List.of("latents.parquet", "pca.csv", "clusters.csv", "cluster_centres.csv", "traversals.csv",
                "distances.csv", "fsc_per_particle.csv", "fsc_mean.csv", "volume_fsc.csv", "segmentation.csv",
                "structures.parquet", "report.html", "traversals/pc1_00.pdb", "traversals/pc1_03.cif", "traversals/pc2_03.mrc",
                "clusters/cluster_00.pdb", "clusters/cluster_02.mrc", "structures/particle_0.pdb", "structures/particle_110.pdb"))
            assertTrue(Files.exists(eval.resolve(f)), f);
        assertFalse(Files.exists(eval.resolve("structures/particle_5.pdb")));
        assertEquals(5, Files.readAllLines(eval.resolve("pca.csv")).size());
        List<String> fsc = Files.readAllLines(eval.resolve("fsc_per_particle.csv"));
        assertEquals("particle_index,res_0.5,res_0.143,auc", fsc.get(0));
        assertEquals(N + 1, fsc.size());
        // the STAR subsets partition the particles and RELION's reader (ours) reads them back
        int total = 0;
        try (Stream<Path> s = Files.list(eval.resolve("clusters"))) {
            for (Path star : s.filter(p -> p.toString().endsWith(".star")).toList()) total += ParticleSet.read(star).size();
        }
        assertEquals(N, total);
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".eval")), "no temporary output left");
        }
    }

    @Test
    void selectExportsTheParticlesOfACluster() throws Exception {
        long inCluster = Files.readAllLines(eval.resolve("clusters.csv")).stream().skip(1).filter(l -> l.split(",")[1].equals("1")).count();
        Path out = dir.resolve("sel/c1");
        Cli c = Cli.run("select", "--latents", eval.resolve("latents.csv").toString(), "--data", fx.data.toString(),
                "--where", "cluster == 1", "--out", out.toString());
        assertEquals(0, c.exitCode(), c.err());
        assertEquals(inCluster, ParticleSet.read(dir.resolve("sel/c1.star")).size());
        // absolute image paths: every stack exists from anywhere (RelionSubsetTest runs RELION on the other conventions)
        c = Cli.run("select", "--latents", eval.resolve("latents.csv").toString(), "--data", fx.data.toString(),
                "--where", "cluster == 1", "--out", dir.resolve("sel/abs").toString(), "--absolute-paths");
        assertEquals(0, c.exitCode(), c.err());
        assertTrue(c.out().contains("absolute image paths"), c.out());
        var abs = ParticleSet.read(dir.resolve("sel/abs.star"));
        assertEquals(inCluster, abs.size());
        for (var p : abs.particles()) {
            String path = p.imageName().substring(p.imageName().indexOf('@') + 1);
            assertTrue(Path.of(path).isAbsolute() && Files.isRegularFile(Path.of(path)), p.imageName());
        }
        c = Cli.run("select", "--latents", eval.resolve("latents.csv").toString(), "--data", fx.data.toString(),
                "--where", "cluster == 1", "--out", dir.resolve("sel/both").toString(), "--absolute-paths",
                "--relion-project", dir.toString());
        assertEquals(2, c.exitCode());
        assertTrue(c.err().startsWith("error: --relion-project"), c.err());
        c = Cli.run("select", "--latents", eval.resolve("latents.csv").toString(), "--data", fx.data.toString(),
                "--where", "cluster = 1", "--out", dir.resolve("sel/bad").toString());
        assertEquals(2, c.exitCode());
        assertTrue(c.err().contains("expected COLUMN OP NUMBER"), c.err());
        assertFalse(Files.exists(dir.resolve("sel/bad.star")));
    }
}
