package dev.cryosphere.ingest;

import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.DatasetSchema;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Acceptance 3: every bad input is one InputException naming the file and row/field, and OUT never appears. */
class IngestBadInputTest extends SparkTest {
    @TempDir
    Path tmp;

    private static final List<TestSets.Group> ONE = List.of(new TestSets.Group(1, 1.5, 16));

    private InputException fails(Path star, String... expected) {
        return failsWith(IngestOptions.of(star.toString(), tmp.resolve("out").toString()), expected);
    }

    private InputException failsWith(IngestOptions o, String... expected) {
        InputException e = assertThrows(InputException.class, () -> IngestJob.run(o, jsc()));
        for (String s : expected) assertTrue(e.getMessage().contains(s), "message '" + e.getMessage() + "' lacks '" + s + "'");
        assertFalse(Files.exists(Path.of(o.out)) && !o.overwrite, "OUT must not appear");
        assertNoTemporaries();
        return e;
    }

    private void assertNoTemporaries() {
        try (var s = Files.list(tmp)) {
            List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertEquals(List.of(), left, "temporary output left behind");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void missingStack() {
        TestSets.stack(tmp.resolve("a.mrcs"), 3, 16, 1, null);
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true,
                TestSets.concat(TestSets.refs("a.mrcs", 3, 1), TestSets.refs("gone.mrcs", 2, 1)));
        fails(star, "p.star", "row 4", "000001@gone.mrcs", "stack not found", "gone.mrcs");
    }

    @Test
    void truncatedStack() throws Exception {
        Path a = TestSets.stack(tmp.resolve("a.mrcs"), 4, 16, 1, null);
        try (FileChannel ch = FileChannel.open(a, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(a) - 100);
        }
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true, TestSets.refs("a.mrcs", 4, 1));
        fails(star, "a.mrcs", "truncated");
    }

    @Test
    void indexBeyondTheHeaderCount() {
        TestSets.stack(tmp.resolve("a.mrcs"), 3, 16, 1, null);
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true, TestSets.refs("a.mrcs", 5, 1));
        fails(star, "p.star", "row 5", "000005@a.mrcs", "image 5 is beyond the 3 images", "a.mrcs");
    }

    @Test
    void opticsGroupMissing() {
        TestSets.stack(tmp.resolve("a.mrcs"), 3, 16, 1, null);
        List<String[]> refs = TestSets.refs("a.mrcs", 3, 1);
        refs.set(1, new String[]{"000002@a.mrcs", "2"});
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true, refs);
        fails(star, "p.star", "rlnOpticsGroup", "optics group 2 does not exist");
    }

    @Test
    void mismatchedBoxInOneGroup() {
        TestSets.stack(tmp.resolve("a.mrcs"), 2, 16, 1, null);
        TestSets.stack(tmp.resolve("b.mrcs"), 2, 24, 2, null);
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, false,
                TestSets.concat(TestSets.refs("a.mrcs", 2, 1), TestSets.refs("b.mrcs", 2, 1)));
        fails(star, "p.star", "optics group 1", "mixed image sizes", "a.mrcs", "16×16", "b.mrcs", "24×24");
    }

    @Test
    void groupsWithDifferentBoxesNeedBoxOption() {
        TestSets.stack(tmp.resolve("a.mrcs"), 2, 16, 1, null);
        TestSets.stack(tmp.resolve("b.mrcs"), 2, 24, 2, null);
        List<TestSets.Group> two = List.of(new TestSets.Group(1, 1.5, 16), new TestSets.Group(2, 1.0, 24));
        Path star = TestSets.star(tmp.resolve("p.star"), two, true,
                TestSets.concat(TestSets.refs("a.mrcs", 2, 1), TestSets.refs("b.mrcs", 2, 2)));
        fails(star, "p.star", "different image sizes", "--box");
        // with --box both groups are cropped to 16; pixel sizes per group
        IngestOptions o = IngestOptions.of(star.toString(), tmp.resolve("out").toString());
        o.box = 16;
        DatasetInfo info = IngestJob.run(o, jsc()).info();
        assertEquals(16, info.box());
        assertEquals(1.5, info.opticsGroups().get(0).pixelSize(), 1e-12);
        assertEquals(1.5, info.opticsGroups().get(1).pixelSize(), 1e-12);   // 1.0 × 24/16
        assertEquals(24, info.opticsGroups().get(1).sourceBox());
        assertEquals(1.5, info.pixelSize(), 1e-12);
    }

    @Test
    void boxLargerThanTheImages() {
        TestSets.stack(tmp.resolve("a.mrcs"), 2, 16, 1, null);
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true, TestSets.refs("a.mrcs", 2, 1));
        IngestOptions o = IngestOptions.of(star.toString(), tmp.resolve("out").toString());
        o.box = 32;
        failsWith(o, "--box", "32 is larger than the images (16 px)");
    }

    @Test
    void nonSquareImages() throws Exception {
        try (var w = dev.cryosphere.core.format.MrcStackWriter.open(tmp.resolve("a.mrcs"), 16, 12, 1.5)) {
            w.append(new float[16 * 12]);
        }
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, false, TestSets.refs("a.mrcs", 1, 1));
        fails(star, "a.mrcs", "header", "16×12", "square");
    }

    @Test
    void metadataWithoutImages() throws Exception {
        Path star = tmp.resolve("poses.star");
        Files.writeString(star, "data_\nloop_\n_rlnAngleRot\n_rlnDefocusU\n_rlnVoltage\n_rlnSphericalAberration\n"
                + "_rlnAmplitudeContrast\n_rlnImagePixelSize\n10 15000 300 2.7 0.1 1.5\n");
        fails(star, "poses.star", "_rlnImageName");
    }

    @Test
    void missingMetadataFile() {
        fails(tmp.resolve("nothing.star"), "nothing.star", "file not found");
    }

    @Test
    void nanImageStopsTheJobByDefault() {
        float[] nan = new float[256];
        nan[17] = Float.NaN;
        TestSets.stack(tmp.resolve("a.mrcs"), 5, 16, 1, Map.of(2, nan));
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true, TestSets.refs("a.mrcs", 5, 1));
        fails(star, "a.mrcs", "image 3", "000003@a.mrcs", "row 3", "NaN", "--skip-bad");
    }

    @Test
    void constantImageStopsTheJobByDefault() {
        float[] flat = new float[256];
        Arrays.fill(flat, 2.5f);
        TestSets.stack(tmp.resolve("a.mrcs"), 5, 16, 1, Map.of(4, flat));
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true, TestSets.refs("a.mrcs", 5, 1));
        fails(star, "a.mrcs", "image 5", "constant image");
    }

    @Test
    void skipBadWritesTheRejectsAndGoesOn() throws Exception {
        float[] nan = new float[256];
        nan[3] = Float.NaN;
        float[] inf = new float[256];
        inf[0] = Float.POSITIVE_INFINITY;
        float[] flat = new float[256];
        TestSets.stack(tmp.resolve("a.mrcs"), 8, 16, 1, Map.of(1, nan, 4, flat, 6, inf));
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true, TestSets.refs("a.mrcs", 8, 1));
        Path out = tmp.resolve("out");
        IngestOptions o = IngestOptions.of(star.toString(), out.toString());
        o.skipBad = true;
        o.shardMb = 1;
        DatasetInfo info = IngestJob.run(o, jsc()).info();
        assertEquals(5, info.count());
        assertEquals(3, info.rejected());
        List<String> csv = Files.readAllLines(out.resolve(DatasetSchema.REJECTED_FILE));
        assertEquals(List.of("particle_index,image_name,reason",
                "1,000002@a.mrcs,contains NaN pixel values",
                "4,000005@a.mrcs,constant image (every pixel is 0.0)",
                "6,000007@a.mrcs,contains infinite pixel values"), csv);
        // the good rows are there, in order, with the core reader's pixels
        ParticleSet set = ParticleSet.read(star);
        var ds = DatasetReader.open(out);
        try (var s = ds.batches(100)) {
            var b = s.next();
            assertEquals(List.of(0L, 2L, 3L, 5L, 7L), Arrays.stream(b.particleIndex).boxed().toList());
            try (var mrc = dev.cryosphere.core.format.MrcReader.open(set.particles().get(7).stack())) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(mrc.readImage(7), b.images[4]);
            }
        }
    }

    @Test
    void existingOutIsRefusedWithoutOverwrite() throws Exception {
        TestSets.stack(tmp.resolve("a.mrcs"), 3, 16, 1, null);
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true, TestSets.refs("a.mrcs", 3, 1));
        Path out = Files.createDirectory(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "precious");
        IngestOptions o = IngestOptions.of(star.toString(), out.toString());
        InputException e = assertThrows(InputException.class, () -> IngestJob.run(o, jsc()));
        assertTrue(e.getMessage().contains("out") && e.getMessage().contains("already exists")
                && e.getMessage().contains("--overwrite"), e.getMessage());
        assertEquals("precious", Files.readString(out.resolve("keep.txt")));
        // --overwrite replaces it completely
        o.overwrite = true;
        IngestJob.run(o, jsc());
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertEquals(3, DatasetReader.open(out).count());
        assertNoTemporaries();
    }

    @Test
    void incrementalSkipsUnchangedSourcesAndRedoesChangedOnes() throws Exception {
        Path a = TestSets.stack(tmp.resolve("a.mrcs"), 3, 16, 1, null);
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true, TestSets.refs("a.mrcs", 3, 1));
        Path out = tmp.resolve("out");
        IngestOptions o = IngestOptions.of(star.toString(), out.toString());
        o.incremental = true;
        assertFalse(IngestJob.run(o, jsc()).skipped());
        String created = DatasetReader.open(out).info().created();
        assertTrue(IngestJob.run(o, jsc()).skipped());
        // other options: not unchanged
        o.invert = true;
        assertFalse(IngestJob.run(o, jsc()).skipped());
        assertTrue(IngestJob.run(o, jsc()).skipped());
        // a rewritten stack (same size) is detected
        TestSets.stack(a, 3, 16, 99, null);
        assertFalse(IngestJob.run(o, jsc()).skipped());
        assertTrue(DatasetReader.open(out).info().inverted());
        assertTrue(created != null);
        assertNoTemporaries();
    }

    // ---------------------------------------------------------------- issue 15/16: no silent guesses

    /** RELION 3.1 STAR with one optics group (1.5 Å, 16 px) and the given particle columns and rows. */
    private Path starOf(String name, List<String> columns, String... rows) throws Exception {
        StringBuilder sb = new StringBuilder("data_optics\nloop_\n_rlnOpticsGroup\n_rlnImagePixelSize\n_rlnVoltage\n"
                + "_rlnSphericalAberration\n_rlnAmplitudeContrast\n_rlnImageSize\n1 1.5 300 2.7 0.1 16\n\n"
                + "data_particles\nloop_\n");
        for (String c : columns) sb.append('_').append(c).append('\n');
        for (String r : rows) sb.append(r).append('\n');
        return Files.writeString(tmp.resolve(name), sb.toString());
    }

    @Test
    void missingAngleColumnsAreAnErrorNamingThem() throws Exception {
        TestSets.stack(tmp.resolve("a.mrcs"), 2, 16, 1, null);
        Path star = starOf("noangles.star", List.of("rlnImageName", "rlnDefocusU", "rlnAnglePsi", "rlnOriginXAngst",
                "rlnOriginYAngst"), "1@a.mrcs 15000 10 0 0", "2@a.mrcs 15000 20 0 0");
        InputException e = fails(star, "noangles.star, data_particles: missing pose columns _rlnAngleRot, _rlnAngleTilt:",
                "training (ingest) needs every particle's pose");
        assertEquals("data_particles", e.where());
    }

    @Test
    void missingOriginColumnsAreAnErrorNamingThem() throws Exception {
        TestSets.stack(tmp.resolve("a.mrcs"), 2, 16, 1, null);
        Path star = starOf("noorigin.star", List.of("rlnImageName", "rlnDefocusU", "rlnAngleRot", "rlnAngleTilt",
                "rlnAnglePsi", "rlnOriginX"), "1@a.mrcs 15000 1 2 3 0.5", "2@a.mrcs 15000 1 2 3 0.5");
        fails(star, "noorigin.star", "missing pose column _rlnOriginYAngst:");
    }

    @Test
    void metadataWithoutAnyPoseIsIngestedOnlyWhenAskedWithAWarning() throws Exception {
        TestSets.stack(tmp.resolve("a.mrcs"), 3, 16, 1, null);
        Path star = starOf("ctfonly.star", List.of("rlnImageName", "rlnDefocusU"), "1@a.mrcs 15000", "2@a.mrcs 15000",
                "3@a.mrcs 15000");
        fails(star, "ctfonly.star", "_rlnAngleRot, _rlnAngleTilt, _rlnAnglePsi, _rlnOriginXAngst, _rlnOriginYAngst");
        IngestOptions o = IngestOptions.of(star.toString(), tmp.resolve("out").toString());
        o.allowNoPoses = true;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        try {
            IngestJob.run(o, jsc());
        } finally {
            System.setErr(saved);
        }
        assertEquals(3, DatasetReader.open(tmp.resolve("out")).count());
        assertTrue(err.toString().contains("all 3 rows are stored with 0 (--allow-no-poses)"), err.toString());
    }

    @Test
    void csWithoutPoseFieldsIsAnErrorNamingThem() throws Exception {
        TestSets.stack(tmp.resolve("a.mrcs"), 2, 16, 1, null);
        String descr = "[('blob/path', '|S6'), ('blob/idx', '<u4'), ('blob/psize_A', '<f4'), ('blob/shape', '<u4', (2,)), "
                + "('ctf/df1_A', '<f4'), ('ctf/df2_A', '<f4'), ('ctf/df_angle_rad', '<f4'), ('ctf/accel_kv', '<f4'), "
                + "('ctf/cs_mm', '<f4'), ('ctf/amp_contrast', '<f4'), ('alignments3D/shift', '<f4', (2,))]";
        Path cs = Files.write(tmp.resolve("nopose.cs"), TestSets.npy(descr, 2,
                6 + 4 + 4 + 8 + 6 * 4 + 8, (b, r) -> {
                    b.put("a.mrcs".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    b.putInt(r).putFloat(1.5f).putInt(16).putInt(16);
                    b.putFloat(15000).putFloat(15000).putFloat(0).putFloat(300).putFloat(2.7f).putFloat(0.1f);
                    b.putFloat(0).putFloat(0);
                }));
        InputException e = fails(cs, "nopose.cs: missing pose field alignments3D/pose:", "alignments3D/pose and alignments3D/shift");
        assertEquals(null, e.where());
    }

    @Test
    void aNameWithoutImageNumberIntoAStackOfSeveralIsAnError() throws Exception {
        TestSets.stack(tmp.resolve("a.mrcs"), 3, 16, 1, null);
        Path star = starOf("bare.star", List.of("rlnImageName", "rlnDefocusU", "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi",
                "rlnOriginXAngst", "rlnOriginYAngst"), "1@a.mrcs 15000 0 0 0 0 0", "a.mrcs 15000 0 0 0 0 0");
        InputException e = fails(star, "bare.star, row 2, column _rlnImageName: 'a.mrcs' has no image number (N@)",
                "holds 3 images", "000001@a.mrcs");
        assertEquals("row 2, column _rlnImageName", e.where());
    }

    @Test
    void aNameWithoutImageNumberOfASingleImageFileIsFine() throws Exception {
        TestSets.stack(tmp.resolve("one.mrc"), 1, 16, 1, null);
        TestSets.stack(tmp.resolve("two.mrc"), 1, 16, 2, null);
        Path star = starOf("singles.star", List.of("rlnImageName", "rlnDefocusU", "rlnAngleRot", "rlnAngleTilt",
                "rlnAnglePsi", "rlnOriginXAngst", "rlnOriginYAngst"), "one.mrc 15000 0 0 0 0 0", "two.mrc 15000 0 0 0 0 0");
        IngestJob.run(IngestOptions.of(star.toString(), tmp.resolve("out").toString()), jsc());
        assertEquals(2, DatasetReader.open(tmp.resolve("out")).count());
    }

    @Test
    void aStackThatIsANamedPipeIsRefused() throws Exception {
        Path fifo = tmp.resolve("pipe.mrcs");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo not available");
        Path star = TestSets.star(tmp.resolve("p.star"), ONE, true, TestSets.refs("pipe.mrcs", 2, 1));
        fails(star, "pipe.mrcs: not a regular file (a named pipe (FIFO)); give the stack itself");
        Files.delete(fifo);
    }
}
