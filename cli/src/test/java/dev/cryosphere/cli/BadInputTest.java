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
}
