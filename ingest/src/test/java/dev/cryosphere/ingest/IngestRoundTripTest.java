package dev.cryosphere.ingest;

import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.DatasetRow;
import dev.cryosphere.core.dataset.DatasetSchema;
import dev.cryosphere.core.dataset.ParticleBatch;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.geometry.Euler;
import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Acceptance 1: ingest, then read back through the reader API: same pixels and metadata as the core readers give. */
class IngestRoundTripTest extends SparkTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"cryodrgn/relion31/relion31.star", "cryodrgn/relion5/relion5.star",
            "cryodrgn/empiar_10076_7/empiar_10076_7.star", "cryodrgn/empiar_10076_7/empiar_10076_7.cs",
            "relion_oracle_1ztu/sim1000.star"})
    void roundTripIsPixelExact(String metadata) {
        Path star = SharedData.particles(metadata);
        Path out = tmp.resolve("ds");
        IngestOptions o = IngestOptions.of(star.toString(), out.toString());
        o.shardMb = 1;   // several parts even for small sets
        o.allowNoPoses = metadata.contains("empiar");   // real particles straight after extraction: no poses
        IngestJob.Result r = IngestJob.run(o, jsc());
        assertFalse(r.skipped());
        assertSameAsCore(ParticleSet.read(star), out, 1.0f);
    }

    @Test
    void hadoopStreamsGiveTheSamePixels() {
        // the hdfs:// / s3a:// code path (MrcReader over an FSDataInputStream), on file:// URIs
        System.setProperty(IngestJob.FORCE_HADOOP_IO_PROPERTY, "true");
        try {
            Path star = SharedData.particles("cryodrgn/relion5/relion5.star");
            Path out = tmp.resolve("ds-hadoop");
            IngestOptions o = IngestOptions.of(star.toUri().toString(), out.toUri().toString());
            IngestJob.run(o, jsc());
            assertSameAsCore(ParticleSet.read(star), out, 1.0f);
        } finally {
            System.clearProperty(IngestJob.FORCE_HADOOP_IO_PROPERTY);
        }
    }

    @Test
    void invertNegatesEveryPixel() {
        Path star = SharedData.particles("cryodrgn/relion31/relion31.star");
        Path out = tmp.resolve("inv");
        IngestOptions o = IngestOptions.of(star.toString(), out.toString());
        o.invert = true;
        IngestJob.run(o, jsc());
        assertSameAsCore(ParticleSet.read(star), out, -1.0f);
        assertTrue(DatasetReader.open(out).info().inverted());
    }

    @Test
    void datasetJsonDescribesTheSet() throws Exception {
        Path star = SharedData.particles("relion_oracle_1ztu/sim1000.star");
        Path out = tmp.resolve("info");
        IngestOptions o = IngestOptions.of(star.toString(), out.toString());
        o.shardMb = 1;
        o.commandLine = "cryosphere ingest --particles sim1000.star";
        IngestJob.run(o, jsc());
        ParticleSet set = ParticleSet.read(star);
        DatasetInfo info = DatasetReader.open(out).info();
        assertEquals(set.size(), info.count());
        assertEquals(set.particles().get(0).pixelSize(), info.pixelSize(), 1e-12);
        assertEquals(1, info.opticsGroups().size());
        assertEquals(set.size(), info.opticsGroups().get(0).count());
        assertEquals(0, info.rejected());
        assertEquals(o.commandLine, info.commandLine());
        assertTrue(info.software().startsWith("cryosphere-spark"));
        // parts in order, contiguous particle indices, rows add up; part files are near 1 MiB of images
        long next = 0, rows = 0;
        for (DatasetInfo.Part p : info.parts()) {
            assertEquals(next, p.firstParticleIndex());
            next = p.lastParticleIndex() + 1;
            rows += p.rows();
            assertTrue(Files.exists(out.resolve(p.file())));
        }
        assertEquals(set.size(), rows);
        assertTrue(info.parts().size() >= 2, "16 MiB of images in 1 MiB shards gives several parts");
        // sources: metadata hashed in full, one stack
        assertEquals("full", info.sources().metadata().hashed());
        assertEquals(1, info.sources().stacks().size());
        assertEquals(Files.size(star), info.sources().metadata().size());
        // normalisation: independent recomputation of the std of the centred FFT coefficients over the same sample
        DatasetInfo.Normalization norm = info.normalization();
        assertEquals(100, norm.sampleSize());
        assertEquals(0.0, norm.fMu());
        assertEquals(NormalizationOracle.fStd(set, IngestJob.sample(set.size(), 100, 0)), norm.fStd(), 1e-9 * norm.fStd());
        // no temporary leftovers next to OUT, no attempt files inside
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("info"), s.map(p -> p.getFileName().toString()).toList());
        }
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("attempt")));
        }
        assertFalse(Files.exists(out.resolve(DatasetSchema.REJECTED_FILE)));
    }

    @Test
    void metadataOnlyReadSkipsImagesAndBatchesKeepOrder() {
        Path star = SharedData.particles("relion_oracle_1ztu/sim1000.star");
        Path out = tmp.resolve("meta");
        IngestOptions o = IngestOptions.of(star.toString(), out.toString());
        o.shardMb = 1;
        IngestJob.run(o, jsc());
        DatasetReader ds = DatasetReader.open(out.toString());
        long expected = 0;
        try (DatasetReader.BatchStream s = ds.batches(77, false)) {
            while (s.hasNext()) {
                ParticleBatch b = s.next();
                assertNull(b.images);
                assertTrue(b.size <= 77 && b.size > 0);
                for (int i = 0; i < b.size; i++) assertEquals(expected++, b.particleIndex[i]);
            }
        }
        assertEquals(ds.count(), expected);
        // one part on its own, as an executor reads it
        String part = ds.parts().get(1);
        try (DatasetReader.BatchStream s = DatasetReader.readPart(part, 1000, true)) {
            ParticleBatch b = s.next();
            assertEquals(ds.info().parts().get(1).firstParticleIndex(), b.particleIndex[0]);
            assertEquals(ds.info().parts().get(1).rows(), b.size);
            assertFalse(s.hasNext());
        }
    }

    /** Every row against ParticleSet + MrcReader, in order; pixels times {@code sign} bit for bit. */
    static void assertSameAsCore(ParticleSet set, Path out, float sign) {
        DatasetReader ds = DatasetReader.open(out);
        List<DatasetRow> rows = new ArrayList<>();
        try (DatasetReader.BatchStream s = ds.batches(3)) {
            while (s.hasNext()) {
                ParticleBatch b = s.next();
                for (int i = 0; i < b.size; i++) rows.add(b.row(i));
            }
        }
        assertEquals(set.size(), rows.size());
        assertEquals(set.size(), ds.count());
        for (int i = 0; i < set.size(); i++) {
            Particle p = set.particles().get(i);
            DatasetRow r = rows.get(i);
            String at = "row " + i;
            assertEquals(p.row(), r.particleIndex(), at);
            assertEquals(p.imageName(), r.imageName(), at);
            assertEquals(p.opticsGroup(), r.opticsGroup(), at);
            assertEquals(p.pixelSize(), r.pixelSize(), 0.0, at);
            assertEquals(p.rot(), r.rot(), 0.0, at);
            assertEquals(p.tilt(), r.tilt(), 0.0, at);
            assertEquals(p.psi(), r.psi(), 0.0, at);
            assertArrayEquals(Euler.toMatrix(p.rot(), p.tilt(), p.psi()), r.rotation(), 0.0, at);
            assertEquals(p.originXAngst(), r.originXAngst(), 0.0, at);
            assertEquals(p.originYAngst(), r.originYAngst(), 0.0, at);
            assertEquals(p.ctf(), r.ctf(), at);
            try (MrcReader mrc = MrcReader.open(p.stack())) {
                assertEquals(mrc.nx(), r.box(), at);
                float[] expected = mrc.readImage(p.imageIndex());
                for (int k = 0; k < expected.length; k++) expected[k] *= sign;
                assertArrayEquals(expected, r.image(), at);
            }
        }
    }
}
