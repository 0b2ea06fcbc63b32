package dev.cryosphere.core.format;

import dev.cryosphere.core.geometry.Euler;
import dev.cryosphere.core.geometry.Rotations;
import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class CryoSparcCsTest {
    private static final String P12 = "cryodrgn/cryosparc/cryosparc_P12_J24_001_particles.cs";

    /** ctf2.csv is cryoDRGN's parse_ctf_csparc output for this file. */
    @Test
    void ctfMatchesCryoDrgn() {
        ParticleSet set = ParticleSet.read(SharedData.particles(P12));
        OracleCsv ctf = OracleCsv.read(SharedData.particles("cryodrgn/cryosparc/ctf2.csv"));
        assertEquals(2019, set.size());
        assertEquals(ctf.size(), set.size());
        for (int i = 0; i < set.size(); i++) {
            Particle p = set.particles().get(i);
            assertEquals(ctf.get(i, "D_px"), p.box());
            assertEquals(ctf.get(i, "apix_A"), p.pixelSize(), 1e-6);
            assertEquals(ctf.get(i, "dfU_A"), p.ctf().defocusU(), 1e-2);
            assertEquals(ctf.get(i, "dfV_A"), p.ctf().defocusV(), 1e-2);
            assertEquals(ctf.get(i, "dfang_deg"), p.ctf().defocusAngle(), 1e-4);
            assertEquals(ctf.get(i, "kV"), p.ctf().voltage(), 1e-9);
            assertEquals(ctf.get(i, "cs_mm"), p.ctf().cs(), 1e-6);
            assertEquals(ctf.get(i, "amp_contrast"), p.ctf().ampContrast(), 1e-6);
            assertEquals(ctf.get(i, "phase_shift_deg"), p.ctf().phaseShift(), 1e-6);
        }
        assertEquals(1, set.opticsGroups().size());
        assertEquals(180, set.opticsGroups().get(0).box());
    }

    /** First row of the file, read with numpy: pose (2.3386633, -0.25595567, -1.2236784), shift (11.334375, -1.828125). */
    @Test
    void poseIsTransposedRotationVectorAndShiftKeepsItsSign() {
        Path file = SharedData.particles(P12);
        Particle p = ParticleSet.read(file).particles().get(0);
        double[] a = Euler.toMatrix(p.rot(), p.tilt(), p.psi());
        double[] r = Rotations.fromRotationVector(2.3386633f, -0.25595567f, -1.2236784f);
        double[] expected = Rotations.transpose(r);
        for (int k = 0; k < 9; k++) assertEquals(expected[k], a[k], 1e-9);
        assertEquals(11.334375 * 2.95f, p.originXAngst(), 1e-5);
        assertEquals(-1.828125 * 2.95f, p.originYAngst(), 1e-5);
        assertEquals(0, p.imageIndex());
        assertEquals(file.getParent().resolve("J19/extract/20150917_05196_DNA-TET-25k-DE20_raw.region_000.sum-all_003-072_particles.mrc"),
                p.stack());
    }

    @Test
    void importedPathsLoseTheirMarkerAndMissingPoseIsIdentity() {
        Path file = SharedData.particles("cryodrgn/cryosparc/cryosparc_J2_particles_exported.cs");
        ParticleSet set = ParticleSet.read(file);
        assertEquals(22, set.size());
        Particle p = set.particles().get(0);
        assertEquals(file.getParent().resolve("J1/imported/000090334788266266069_18jam15b_0345_ali_DW.mrcs"), p.stack());
        assertEquals(0, p.rot());
        assertEquals(0, p.tilt());
        assertEquals(0, p.psi());
        assertEquals(0, p.originXAngst());
        assertEquals(300, p.box());
        assertEquals(16412.178f, p.ctf().defocusU());
        assertEquals(Math.toDegrees(0.86163914f), p.ctf().defocusAngle(), 1e-9);
        // read (an exported subset straight after import has no poses), but jobs that need poses refuse it by name
        assertEquals(java.util.List.of("alignments3D/pose", "alignments3D/shift"), set.missingPoseColumns());
        var e = assertThrows(dev.cryosphere.core.util.InputException.class, () -> set.requirePoses("training (ingest)"));
        assertTrue(e.getMessage().startsWith(file + ": missing pose fields alignments3D/pose, alignments3D/shift: training "
                + "(ingest) needs every particle's pose"), e.getMessage());
        assertTrue(ParticleSet.read(SharedData.particles("cryodrgn/cryosparc/cryosparc_P12_J24_001_particles.cs")).hasPoses());
    }

    /** The same particles as RELION 3.0 STAR and as cryoSPARC .cs. */
    @Test
    void empiarStarAndCsAgree() {
        ParticleSet star = ParticleSet.read(SharedData.particles("cryodrgn/empiar_10076_7/empiar_10076_7.star"));
        ParticleSet cs = ParticleSet.read(SharedData.particles("cryodrgn/empiar_10076_7/empiar_10076_7.cs"));
        assertEquals(7, cs.size());
        assertEquals(star.size(), cs.size());
        for (int i = 0; i < cs.size(); i++) {
            Particle s = star.particles().get(i), c = cs.particles().get(i);
            assertEquals(s.stack(), c.stack());
            assertEquals(s.imageIndex(), c.imageIndex());
            assertEquals(s.pixelSize(), c.pixelSize(), 1e-5);
            assertEquals(s.ctf().defocusU(), c.ctf().defocusU(), 1e-2);
            assertEquals(s.ctf().defocusV(), c.ctf().defocusV(), 1e-2);
            assertEquals(s.ctf().defocusAngle(), c.ctf().defocusAngle(), 1e-4);
            assertEquals(s.ctf().voltage(), c.ctf().voltage(), 1e-9);
            assertEquals(s.ctf().cs(), c.ctf().cs(), 1e-6);
            assertEquals(s.ctf().ampContrast(), c.ctf().ampContrast(), 1e-6);
            assertEquals(s.ctf().phaseShift(), c.ctf().phaseShift(), 1e-9);
        }
        assertEquals(320, cs.particles().get(0).box());
    }

    /** Unicode strings, big-endian doubles, sub-array fields and padding, as numpy may write them. */
    @Test
    void readsOtherDtypes(@TempDir Path dir) throws IOException {
        String descr = "[('blob/path', '<U4'), ('', '|V2'), ('blob/idx', '>i8'), ('blob/psize_A', '>f8'), "
                + "('ctf/df1_A', '<f4'), ('ctf/df2_A', '<f4'), ('ctf/df_angle_rad', '<f4'), ('ctf/accel_kv', '<f4'), "
                + "('ctf/cs_mm', '<f4'), ('ctf/amp_contrast', '<f4'), ('alignments3D/pose', '<f8', (3,)), "
                + "('alignments3D/shift', '<f4', (2,))]";
        int size = 16 + 2 + 8 + 8 + 6 * 4 + 24 + 8;
        Path file = dir.resolve("synthetic.cs");
        Files.write(file, ParticleSetBadInputTest.npy(descr, 2, size, (b, r) -> {
            for (char ch : "s.mr".toCharArray()) b.putInt(ch);
            b.putShort((short) 0);
            b.order(java.nio.ByteOrder.BIG_ENDIAN).putLong(r + 4).putDouble(1.25).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.putFloat(20000).putFloat(19000).putFloat((float) (Math.PI / 2)).putFloat(300).putFloat(2.7f).putFloat(0.07f);
            b.putDouble(0).putDouble(0).putDouble(r == 0 ? 0 : Math.PI / 2);
            b.putFloat(2).putFloat(-3);
        }));
        ParticleSet set = ParticleSet.read(file, dir);
        Particle p = set.particles().get(1);
        assertEquals(dir.resolve("s.mr"), p.stack());
        assertEquals(5, p.imageIndex());
        assertEquals(1.25, p.pixelSize());
        assertEquals(90, p.ctf().defocusAngle(), 1e-5);
        assertEquals(2.5, p.originXAngst(), 1e-12);
        assertEquals(-3.75, p.originYAngst(), 1e-12);
        // pose = 90° about z; RELION A is its transpose, i.e. rot + psi = -90°
        double[] a = Euler.toMatrix(p.rot(), p.tilt(), p.psi());
        double[] expected = Rotations.transpose(Rotations.fromAxisAngle(0, 0, 1, Math.PI / 2));
        for (int k = 0; k < 9; k++) assertEquals(expected[k], a[k], 1e-12);
        assertEquals(-1, set.opticsGroups().get(0).box());
    }
}
