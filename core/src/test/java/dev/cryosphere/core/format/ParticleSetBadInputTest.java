package dev.cryosphere.core.format;

import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Every error names the file and the row or field, so that users can fix their input. */
class ParticleSetBadInputTest {
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
            1 300 2.7 0.1 1.5 64

            """;

    private InputException readFails(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        var e = assertThrows(InputException.class, () -> ParticleSet.read(file));
        assertTrue(e.getMessage().contains(name), "message should name the file: " + e.getMessage());
        return e;
    }

    private static void assertMentions(InputException e, String... parts) {
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }

    @Test
    void missingImageNameColumnIsAnErrorForJobsThatReadImages() throws IOException {
        Path file = dir.resolve("no_image.star");
        Files.writeString(file, OPTICS + """
                data_particles
                loop_
                _rlnDefocusU #1
                _rlnOpticsGroup #2
                10000 1
                """);
        ParticleSet poses = ParticleSet.read(file);   // a pose/CTF-only file is fine for rendering
        assertFalse(poses.hasImages());
        var e = assertThrows(InputException.class, poses::requireImages);
        assertTrue(e.getMessage().contains("no_image.star"), e.getMessage());
        assertMentions(e, "rlnImageName", "data_particles");
    }

    @Test
    void missingPoseColumnsAreRecordedAndRefusedByNameWhenPosesAreNeeded() throws IOException {
        Path file = dir.resolve("psi_only.star");
        Files.writeString(file, OPTICS + """
                data_particles
                loop_
                _rlnImageName #1
                _rlnDefocusU #2
                _rlnAnglePsi #3
                _rlnOriginX #4
                1@s.mrcs 10000 30 1.5
                """);
        ParticleSet set = ParticleSet.read(file);   // e.g. a 2D classification: read, poses not complete
        assertEquals(java.util.List.of("_rlnAngleRot", "_rlnAngleTilt", "_rlnOriginYAngst"), set.missingPoseColumns());
        var e = assertThrows(InputException.class, () -> set.requirePoses("render"));
        assertEquals(file + ", data_particles: missing pose columns _rlnAngleRot, _rlnAngleTilt, _rlnOriginYAngst: render "
                + "needs every particle's pose, _rlnAngleRot, _rlnAngleTilt, _rlnAnglePsi and an origin (_rlnOriginXAngst/"
                + "_rlnOriginYAngst, or _rlnOriginX/_rlnOriginY in pixels); cryoSPHERE does not estimate poses: give the "
                + "particles of a consensus 3D refinement", e.getMessage());
        for (String f : new String[]{"cryodrgn/relion31/relion31.star", "cryodrgn/relion5/relion5.star",
                "relion_oracle_1ztu/sim1000.star"})
            assertTrue(ParticleSet.read(SharedData.particles(f)).hasPoses(), f);
        for (String f : new String[]{"cryodrgn/empiar_10076_7/empiar_10076_7.star", "cryodrgn/empiar_10076_7/empiar_10076_7.cs"})
            assertFalse(ParticleSet.read(SharedData.particles(f)).hasPoses(), f);
    }

    @Test
    void missingDefocusColumn() throws IOException {
        var e = readFails("no_defocus.star", OPTICS + """
                data_particles
                loop_
                _rlnImageName #1
                _rlnOpticsGroup #2
                1@s.mrcs 1
                """);
        assertMentions(e, "rlnDefocusU", "data_particles");
    }

    @Test
    void nonNumericDefocusAtRow3() throws IOException {
        var e = readFails("bad_defocus.star", OPTICS + """
                data_particles
                loop_
                _rlnImageName #1
                _rlnDefocusU #2
                _rlnOpticsGroup #3
                1@s.mrcs 10000 1
                2@s.mrcs 10100 1
                3@s.mrcs 10x00 1
                """);
        assertMentions(e, "row 3", "rlnDefocusU", "10x00");
    }

    @Test
    void emptyParticlesTable() throws IOException {
        var e = readFails("empty.star", OPTICS + """
                data_particles
                loop_
                _rlnImageName #1
                _rlnDefocusU #2
                _rlnOpticsGroup #3
                """);
        assertMentions(e, "no particles");
    }

    @Test
    void unknownOpticsGroup() throws IOException {
        var e = readFails("bad_group.star", OPTICS + """
                data_particles
                loop_
                _rlnImageName #1
                _rlnDefocusU #2
                _rlnOpticsGroup #3
                1@s.mrcs 10000 1
                2@s.mrcs 10000 7
                """);
        assertMentions(e, "row 2", "optics group 7");
    }

    @Test
    void missingVoltageInRelion30() throws IOException {
        var e = readFails("no_voltage.star", """
                data_
                loop_
                _rlnImageName #1
                _rlnDefocusU #2
                _rlnSphericalAberration #3
                _rlnAmplitudeContrast #4
                _rlnImagePixelSize #5
                1@s.mrcs 10000 2.7 0.1 1.5
                """);
        assertMentions(e, "rlnVoltage");
    }

    @Test
    void missingPixelSizeInRelion30() throws IOException {
        var e = readFails("no_apix.star", """
                data_
                loop_
                _rlnImageName #1
                _rlnDefocusU #2
                _rlnVoltage #3
                _rlnSphericalAberration #4
                _rlnAmplitudeContrast #5
                1@s.mrcs 10000 300 2.7 0.1
                """);
        assertMentions(e, "row 1", "pixel size");
    }

    @Test
    void badImageNumber() throws IOException {
        var e = readFails("bad_index.star", OPTICS + """
                data_particles
                loop_
                _rlnImageName #1
                _rlnDefocusU #2
                _rlnOpticsGroup #3
                0@s.mrcs 10000 1
                """);
        assertMentions(e, "row 1", "rlnImageName");
    }

    @Test
    void unknownExtension() throws IOException {
        readFails("particles.txt", "whatever");
    }

    @Test
    void truncatedCsFile() throws IOException {
        byte[] full = Files.readAllBytes(SharedData.particles("cryodrgn/cryosparc/cryosparc_P12_J24_001_particles.cs"));
        Path file = dir.resolve("truncated.cs");
        Files.write(file, Arrays.copyOf(full, full.length / 2));
        var e = assertThrows(InputException.class, () -> ParticleSet.read(file));
        assertMentions(e, "truncated.cs", "truncated");

        Path headerOnly = dir.resolve("header_cut.cs");
        Files.write(headerOnly, Arrays.copyOf(full, 40));
        var e2 = assertThrows(InputException.class, () -> ParticleSet.read(headerOnly));
        assertMentions(e2, "header_cut.cs", "header", "truncated");
    }

    @Test
    void notNumpy() throws IOException {
        Path file = dir.resolve("text.cs");
        Files.writeString(file, "this is not numpy at all");
        var e = assertThrows(InputException.class, () -> ParticleSet.read(file));
        assertMentions(e, "text.cs", "numpy");
    }

    @Test
    void csWithoutCtfFields() throws IOException {
        Path file = dir.resolve("no_ctf.cs");
        Files.write(file, npy("[('blob/path', '|S6'), ('blob/idx', '<u4'), ('blob/psize_A', '<f4')]", 2, 14, (b, r) -> {
            b.put("a.mrcs".getBytes(StandardCharsets.US_ASCII));
            b.putInt(r);
            b.putFloat(1.5f);
        }));
        var e = assertThrows(InputException.class, () -> ParticleSet.read(file));
        assertMentions(e, "no_ctf.cs", "ctf/");
    }

    interface RecordWriter { void write(ByteBuffer b, int row); }

    /** A version 1.0 .npy file of a structured array, as numpy.save writes it. */
    static byte[] npy(String descr, int rows, int recordSize, RecordWriter records) {
        String dict = "{'descr': " + descr + ", 'fortran_order': False, 'shape': (" + rows + ",), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + rows * recordSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (int r = 0; r < rows; r++) records.write(b, r);
        assertEquals(b.capacity(), b.position());
        return b.array();
    }
}
