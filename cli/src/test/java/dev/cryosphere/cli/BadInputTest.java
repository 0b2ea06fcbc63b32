package dev.cryosphere.cli;

import dev.cryosphere.core.format.MrcWriter;
import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input through the command line: one clear error naming the file and the row or field, a non-zero exit code,
 * and no output left behind.
 */
class BadInputTest {
    @TempDir
    Path dir;

    private static final String OPTICS = """
            data_optics
            loop_
            _rlnOpticsGroup #1
            _rlnVoltage #2
            _rlnSphericalAberration #3
            _rlnAmplitudeContrast #4
            _rlnImagePixelSize #5
            _rlnImageSize #6
            1 300 2.7 0.1 2.0 16

            """;

    private Path star(String name, String particles) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, OPTICS + "data_particles\nloop_\n" + particles);
        return p;
    }

    private Path stack(String name, int n) {
        float[][] imgs = new float[n][16 * 16];
        for (int i = 0; i < n; i++) for (int k = 0; k < 256; k++) imgs[i][k] = (float) Math.sin(k + i);
        Path p = dir.resolve(name);
        MrcWriter.writeStack(p, imgs, 16, 16, 2.0);
        return p;
    }

    private void assertFails(Cli c, String... mentions) {
        assertNotEquals(0, c.exitCode(), "exit code");
        for (String m : mentions) assertTrue(c.err().contains(m), "'" + m + "' not in: " + c.err());
        assertTrue(c.err().startsWith("error: "), c.err());
        assertFalse(c.err().contains("\tat "), "no stack trace for bad input: " + c.err());
    }

    private void assertNoOutput(Path out) throws IOException {
        assertFalse(Files.exists(out), out + " must not exist");
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp")), "temporary output left behind");
        }
    }

    private static String pdb() { return SharedData.structures("1ztu.pdb").toString(); }

    @Test
    void truncatedStack() throws IOException {
        Path s = stack("trunc.mrcs", 4);
        try (RandomAccessFile f = new RandomAccessFile(s.toFile(), "rw")) { f.setLength(f.length() - 100); }
        assertFails(Cli.run("info", s.toString()), "trunc.mrcs", "truncated");
    }

    @Test
    void headerCountLargerThanTheFile() throws IOException {
        Path s = stack("lying.mrcs", 3);
        try (RandomAccessFile f = new RandomAccessFile(s.toFile(), "rw")) {
            f.seek(8);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(10).array());   // nz = 10
        }
        assertFails(Cli.run("info", s.toString()), "lying.mrcs", "10");
    }

    @Test
    void unknownMrcMode() throws IOException {
        Path s = stack("mode.mrcs", 2);
        try (RandomAccessFile f = new RandomAccessFile(s.toFile(), "rw")) {
            f.seek(12);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(5).array());
        }
        assertFails(Cli.run("info", s.toString()), "mode.mrcs", "mode");
    }

    @Test
    void nanPixels() throws IOException {
        float[][] imgs = {new float[256]};
        imgs[0][17] = Float.NaN;
        Path s = dir.resolve("nan.mrcs");
        MrcWriter.writeStack(s, imgs, 16, 16, 2.0);
        Cli c = Cli.run("info", s.toString());
        assertEquals(2, c.exitCode());
        assertTrue(c.out().contains("nan.mrcs") && c.out().contains("image 1 has 1 NaN"), c.out());
    }

    @Test
    void missingStarColumn() throws IOException {
        Path p = star("nodefocus.star", "_rlnImageName #1\n_rlnOpticsGroup #2\n1@x.mrcs 1\n");
        Path out = dir.resolve("r.mrcs");
        assertFails(Cli.run("render", "--structure", pdb(), "--particles", p.toString(), "--out", out.toString()),
                "nodefocus.star", "rlnDefocusU");
        assertNoOutput(out);
    }

    @Test
    void nonNumericValueNamesRowAndColumn() throws IOException {
        Path p = star("nan.star", "_rlnImageName #1\n_rlnDefocusU #2\n1@x.mrcs 10000\n2@x.mrcs 11000\n3@x.mrcs abc\n");
        Path out = dir.resolve("r.mrcs");
        assertFails(Cli.run("render", "--structure", pdb(), "--particles", p.toString(), "--out", out.toString()),
                "nan.star", "row 3", "rlnDefocusU");
        assertNoOutput(out);
    }

    @Test
    void emptyStar() throws IOException {
        Path p = star("empty.star", "_rlnImageName #1\n_rlnDefocusU #2\n");
        assertFails(Cli.run("info", p.toString()), "empty.star", "no particles");
    }

    @Test
    void imageIndexOutOfRange() throws IOException {
        stack("five.mrcs", 5);
        Path p = star("range.star", "_rlnImageName #1\n_rlnDefocusU #2\n1@five.mrcs 10000\n9@five.mrcs 10000\n");
        Cli c = Cli.run("info", p.toString());
        assertEquals(2, c.exitCode());
        assertTrue(c.out().contains("five.mrcs has 5 images but the metadata uses index 9"), c.out());
    }

    @Test
    void missingStackFile() throws IOException {
        Path p = star("nostack.star", "_rlnImageName #1\n_rlnDefocusU #2\n1@gone.mrcs 10000\n");
        Cli c = Cli.run("info", p.toString());
        assertEquals(2, c.exitCode());
        assertTrue(c.out().contains("gone.mrcs (first used on row 1) does not exist"), c.out());
    }

    @Test
    void pdbWithoutResidues() throws IOException {
        Path w = dir.resolve("waters.pdb");
        Files.writeString(w, "HETATM    1  O   HOH A   1      10.000  10.000  10.000  1.00 20.00           O\nEND\n");
        Path out = dir.resolve("sim");
        assertFails(Cli.run("simulate", "--structure", w.toString(), "-n", "5", "--out", out.toString()), "waters.pdb", "no protein");
        assertNoOutput(out);
    }

    @Test
    void missingStructureFile() {
        assertFails(Cli.run("info", dir.resolve("absent.pdb").toString()), "absent.pdb");
    }

    @Test
    void badHingeSelection() throws IOException {
        Path out = dir.resolve("sim");
        assertFails(Cli.run("simulate", "--structure", pdb(), "--hinge", "A:50-x", "--hinge-axis", "A:49,A:60", "-n", "5",
                "--out", out.toString()), "A:50-x");
        assertNoOutput(out);
        assertFails(Cli.run("simulate", "--structure", pdb(), "--hinge", "Q:1-5", "--hinge-axis", "A:49,A:60", "-n", "5",
                "--out", out.toString()), "Q:1-5");
        assertNoOutput(out);
    }

    @Test
    void existingOutputIsRefusedWithoutOverwrite() throws IOException {
        Path out = dir.resolve("taken");
        Files.createDirectory(out);
        assertFails(Cli.run("simulate", "--structure", pdb(), "-n", "5", "--out", out.toString()), "taken", "--overwrite");
    }

    @Test
    void fscOfMapsWithDifferentBoxes() throws IOException {
        Path a = SharedData.oracle1ztu("1ztu_box64_2A.mrc");
        Path small = dir.resolve("small.mrc");
        dev.cryosphere.core.format.MrcWriter.writeVolume(small,
                dev.cryosphere.core.format.Volume.centred(new float[32 * 32 * 32], 32, 2.0));
        assertFails(Cli.run("fsc", a.toString(), small.toString()), "small.mrc", "32");
    }

    @Test
    void renderWithoutBoxInMetadata() throws IOException {
        Path p = dir.resolve("nobox.star");
        Files.writeString(p, """
                data_optics
                loop_
                _rlnOpticsGroup #1
                _rlnVoltage #2
                _rlnSphericalAberration #3
                _rlnAmplitudeContrast #4
                _rlnImagePixelSize #5
                1 300 2.7 0.1 2.0

                data_particles
                loop_
                _rlnDefocusU #1
                10000
                """);
        Path out = dir.resolve("r.mrcs");
        assertFails(Cli.run("render", "--structure", pdb(), "--particles", p.toString(), "--out", out.toString()),
                "nobox.star", "--box");
        assertNoOutput(out);
    }

    // ---------------------------------------------------------------- issue 15/16: no silent guesses

    private static final String POSES = "_rlnAngleRot #3\n_rlnAngleTilt #4\n_rlnAnglePsi #5\n_rlnOriginXAngst #6\n"
            + "_rlnOriginYAngst #7\n";

    private void assertOneLine(Cli c, int code, String... mentions) {
        assertEquals(code, c.exitCode(), c.err());
        assertFails(c, mentions);
        assertEquals(1, c.err().strip().lines().count(), "one line: " + c.err());
    }

    @Test
    void renderWithoutAngleColumnsNamesThem() throws IOException {
        Path p = star("noangles.star", "_rlnDefocusU #1\n_rlnOpticsGroup #2\n_rlnOriginXAngst #3\n_rlnOriginYAngst #4\n"
                + "10000 1 0 0\n");
        Path out = dir.resolve("r.mrcs");
        assertOneLine(Cli.run("render", "--structure", SharedData.oracle1ztu("1ztu_boxcentred.pdb").toString(), "--particles",
                p.toString(), "--out", out.toString()), 2, "noangles.star, data_particles: missing pose columns "
                + "_rlnAngleRot, _rlnAngleTilt, _rlnAnglePsi: render needs every particle's pose");
        assertNoOutput(out);
    }

    @Test
    void infoSaysWhenPosesAreMissingButAcceptsTheFile() throws IOException {
        stack("two.mrcs", 2);
        Path p = star("ctf.star", "_rlnImageName #1\n_rlnDefocusU #2\n1@two.mrcs 10000\n2@two.mrcs 10000\n");
        Cli c = Cli.run("info", p.toString());
        assertEquals(0, c.exitCode(), c.out() + c.err());
        assertTrue(c.out().contains("no poses: missing _rlnAngleRot, _rlnAngleTilt, _rlnAnglePsi, _rlnOriginXAngst, "
                + "_rlnOriginYAngst"), c.out());
    }

    @Test
    void aDatasetIngestedWithoutPosesRecordsItAndTrainRefusesIt() throws IOException {
        stack("two.mrcs", 2);
        Path p = star("ctf.star", "_rlnImageName #1\n_rlnDefocusU #2\n1@two.mrcs 10000\n2@two.mrcs 10000\n");
        Path data = dir.resolve("nopose.parquet");
        Cli ingest = Cli.run("ingest", "--particles", p.toString(), "--out", data.toString(), "--allow-no-poses");
        assertEquals(0, ingest.exitCode(), ingest.out() + ingest.err());
        // _dataset.json says so, read as JSON rather than through our own reader
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(data.resolve("_dataset.json").toFile());
        assertEquals("[\"_rlnAngleRot\",\"_rlnAngleTilt\",\"_rlnAnglePsi\",\"_rlnOriginXAngst\",\"_rlnOriginYAngst\"]",
                json.get("missing_pose_columns").toString());
        assertTrue(json.get("options").get("allow_no_poses").asBoolean(), json.toString());
        Path run = dir.resolve("run");
        assertOneLine(Cli.run("train", "--data", data.toString(), "--structure", pdb(), "--out", run.toString(),
                "--epochs", "1"), 2, "nopose.parquet, _dataset.json: ingested with --allow-no-poses: the source has no "
                + "_rlnAngleRot, _rlnAngleTilt, _rlnAnglePsi, _rlnOriginXAngst, _rlnOriginYAngst (stored as 0 in every row)");
        assertNoOutput(run);
    }

    @Test
    void aNameWithoutImageNumberIntoAStackIsAProblemNamingRowAndColumn() throws IOException {
        stack("three.mrcs", 3);
        Path p = star("bare.star", "_rlnImageName #1\n_rlnDefocusU #2\n" + POSES + "1@three.mrcs 10000 0 0 0 0 0\n"
                + "three.mrcs 10000 0 0 0 0 0\n");
        Cli c = Cli.run("info", p.toString());
        assertEquals(2, c.exitCode());
        assertTrue(c.out().contains("bare.star, row 2, column _rlnImageName: 'three.mrcs' has no image number (N@), which "
                + "means a file of one image, but " + dir.resolve("three.mrcs") + " holds 3 images"), c.out());
    }

    @Test
    void duplicatedStarColumnIsOneLine() throws IOException {
        Path p = star("dup.star", "_rlnImageName #1\n_rlnDefocusU #2\n_rlnDefocusU #3\n1@x.mrcs 10000 20000\n");
        assertOneLine(Cli.run("info", p.toString()), 2, "dup.star, line ", "column _rlnDefocusU appears twice");
    }

    @Test
    void starWithByteOrderMarkReads() throws IOException {
        stack("bom.mrcs", 1);
        Path p = dir.resolve("bom.star");
        Files.writeString(p, "\uFEFF" + OPTICS + "data_particles\nloop_\n_rlnImageName #1\n_rlnDefocusU #2\n" + POSES
                + "1@bom.mrcs 10000 0 0 0 0 0\n");
        Cli c = Cli.run("info", p.toString());
        assertEquals(0, c.exitCode(), c.out() + c.err());
        assertTrue(c.out().contains("1 particles, 1 optics group(s)"), c.out());
    }

    @Test
    void namedPipeGivenAsStarOrStackIsRefusedInOneLine() throws Exception {
        Path fifo = dir.resolve("particles.star");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo not available");
        assertOneLine(Cli.run("info", fifo.toString()), 2, "particles.star: not a regular file (a named pipe (FIFO))");
        Path out = dir.resolve("r.mrcs");
        assertOneLine(Cli.run("render", "--structure", pdb(), "--particles", fifo.toString(), "--out", out.toString()), 2,
                "not a regular file (a named pipe (FIFO))");
        assertNoOutput(out);
        Path ds = dir.resolve("ds");
        assertOneLine(Cli.run("ingest", "--particles", fifo.toString(), "--out", ds.toString(), "--master", "local[1]"), 2,
                "not a regular file (a named pipe (FIFO))");
        assertNoOutput(ds);
        Path stackFifo = dir.resolve("stack.mrcs");
        new ProcessBuilder("mkfifo", stackFifo.toString()).start().waitFor();
        assertOneLine(Cli.run("info", stackFifo.toString()), 2, "stack.mrcs: not a regular file (a named pipe (FIFO))");
    }

    @Test
    void mrcLongerThanItsHeaderSaysIsAnError() throws IOException {
        Path s = stack("long.mrcs", 4);
        try (RandomAccessFile f = new RandomAccessFile(s.toFile(), "rw")) {
            f.seek(8);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1).array());   // nz = 1 of 4
        }
        assertOneLine(Cli.run("info", s.toString()), 2, "long.mrcs, header: the file has", "fits 4 images, not the header's nz = 1");
    }

    @Test
    void pdbWithADuplicatedResidueNamesChainResidueAndLine() throws IOException {
        java.util.List<String> lines = Files.readAllLines(SharedData.oracle1ztu("1ztu_boxcentred.pdb"));
        java.util.List<String> first = lines.stream().filter(l -> l.startsWith("ATOM") && l.substring(22, 26).trim()
                .equals(lines.stream().filter(x -> x.startsWith("ATOM")).findFirst().orElseThrow().substring(22, 26).trim()))
                .toList();
        int end = 0;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("ATOM")) end = i;
        java.util.List<String> edited = new java.util.ArrayList<>(lines);
        edited.addAll(end + 1, first);
        Path dup = Files.write(dir.resolve("dup.pdb"), edited);
        Path out = dir.resolve("v.mrc");
        assertOneLine(Cli.run("volume", "--structure", dup.toString(), "--box", "64", "--apix", "2", "--out", out.toString()),
                2, "dup.pdb, line " + (end + 2) + ": residue A:", "appears twice");
        assertNoOutput(out);
    }

    @Test
    void structureOutsideTheBoxSaysHowFarAndTheFix() throws IOException {
        // 1ztu.pdb as deposited: its centre is at (28.8, 49.2, 28.2) Å, not in the box frame
        Path out = dir.resolve("r.mrcs");
        String star = SharedData.oracle1ztu("poses_ctf.star").toString();
        Cli c = Cli.run("render", "--structure", pdb(), "--particles", star, "--out", out.toString());
        assertOneLine(c, 2, "1ztu.pdb, residue A:", "Å outside the 64 px × 2 Å = 128.0 Å box of " + star,
                "residues are outside", "centre the model in the box");
        assertNoOutput(out);

        Path sim = dir.resolve("sim");
        c = Cli.run("simulate", "--structure", pdb(), "-n", "5", "--out", sim.toString());
        assertOneLine(c, 2, "1ztu.pdb, residue A:", "--box 64 --apix 2.0 (no --center)", "centre the model in the box");
        assertNoOutput(sim);
        assertEquals(0, Cli.run("simulate", "--structure", pdb(), "--center", "-n", "5", "--out", sim.toString()).exitCode());

        Path map = dir.resolve("v.mrc");
        c = Cli.run("volume", "--structure", SharedData.oracle1ztu("1ztu_boxcentred.pdb").toString(), "--box", "16",
                "--apix", "2", "--out", map.toString());
        assertOneLine(c, 2, "1ztu_boxcentred.pdb, residue", "Å outside the 16 px × 2 Å = 32.0 Å box",
                "larger than the box: use particles extracted in a larger box");
        assertNoOutput(map);
    }
}
