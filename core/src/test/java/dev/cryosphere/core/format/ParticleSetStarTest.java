package dev.cryosphere.core.format;

import dev.cryosphere.core.geometry.Euler;
import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** STAR reading checked against cryoDRGN's parse_pose_star / parse_ctf_star output on the same files. */
class ParticleSetStarTest {
    private static final String PFCRT = "cryodrgn/pfcrt_star_parse_oracle/";

    /**
     * The PfCRT STAR (RELION 3.0) has no rlnAmplitudeContrast: cryoDRGN was given Q0 = 0.1 on its command line
     * (-w 0.1), as it was given -D 300 and --Apix 1.035. Our reader requires Q0 in the file, so the oracle is run
     * on a copy with that column added.
     */
    private static Path pfcrtWithQ0(Path dir) throws IOException {
        Path original = SharedData.particles(PFCRT + "FinalRefinement-OriginalParticles-PfCRT.star");
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(original)) {
            sb.append(line);
            if (line.startsWith("_rlnVoltage")) sb.append("\n_rlnAmplitudeContrast #23");
            else if (line.contains("@Extract/")) sb.append(" 0.1");
            sb.append('\n');
        }
        Path copy = dir.resolve("pfcrt_q0.star");
        Files.writeString(copy, sb);
        return copy;
    }

    @Test
    void pfcrtWithoutAmplitudeContrastIsRejectedByName() {
        Path star = SharedData.particles(PFCRT + "FinalRefinement-OriginalParticles-PfCRT.star");
        var e = assertThrows(InputException.class, () -> ParticleSet.read(star));
        assertTrue(e.getMessage().contains("FinalRefinement-OriginalParticles-PfCRT.star"), e.getMessage());
        assertTrue(e.getMessage().contains("rlnAmplitudeContrast"), e.getMessage());
    }

    /** pose.star.csv holds RELION's A = Euler_angles2matrix(rot, tilt, psi) row-major (not Aᵀ: that differs by ~1). */
    @Test
    void pfcrtRotationsAndShiftsMatchCryoDrgn(@TempDir Path dir) throws IOException {
        ParticleSet set = ParticleSet.read(pfcrtWithQ0(dir), SharedData.particles(PFCRT));
        OracleCsv pose = OracleCsv.read(SharedData.particles(PFCRT + "pose.star.csv"));
        assertEquals(5, set.size());
        assertEquals(pose.size(), set.size());
        for (int i = 0; i < set.size(); i++) {
            Particle p = set.particles().get(i);
            double[] a = Euler.toMatrix(p.rot(), p.tilt(), p.psi());
            for (int k = 0; k < 9; k++)
                assertEquals(pose.get(i, "R" + k / 3 + k % 3), a[k], 1e-4, "particle " + i + " R" + k / 3 + k % 3);
            // cryoDRGN: trans = +rlnOriginX (pixels) / D, D = 300; the sign is kept
            double originXPixels = p.originXAngst() / p.pixelSize(), originYPixels = p.originYAngst() / p.pixelSize();
            assertEquals(pose.get(i, "tx_frac"), originXPixels / 300, 1e-4);
            assertEquals(pose.get(i, "ty_frac"), originYPixels / 300, 1e-4);
            assertEquals(pose.get(i, "tx_frac") * 300, originXPixels, 1e-4);
            assertEquals(pose.get(i, "ty_frac") * 300, originYPixels, 1e-4);
        }
        assertEquals(-0.14063 * 1.035, set.particles().get(0).originXAngst(), 1e-12);
    }

    /** D_px = 300 came from cryoDRGN's command line (the 3.0 STAR has no box), so box is -1 here. */
    @Test
    void pfcrtCtfMatchesCryoDrgn(@TempDir Path dir) throws IOException {
        ParticleSet set = ParticleSet.read(pfcrtWithQ0(dir), SharedData.particles(PFCRT));
        OracleCsv ctf = OracleCsv.read(SharedData.particles(PFCRT + "ctf1.csv"));
        for (int i = 0; i < set.size(); i++) {
            Particle p = set.particles().get(i);
            assertEquals(ctf.get(i, "apix_A"), p.pixelSize(), 1e-9);
            assertEquals(ctf.get(i, "dfU_A"), p.ctf().defocusU(), 1e-3);
            assertEquals(ctf.get(i, "dfV_A"), p.ctf().defocusV(), 1e-3);
            assertEquals(ctf.get(i, "dfang_deg"), p.ctf().defocusAngle(), 1e-5);
            assertEquals(ctf.get(i, "kV"), p.ctf().voltage(), 1e-9);
            assertEquals(ctf.get(i, "cs_mm"), p.ctf().cs(), 1e-9);
            assertEquals(ctf.get(i, "amp_contrast"), p.ctf().ampContrast(), 1e-9);
            assertEquals(ctf.get(i, "phase_shift_deg"), p.ctf().phaseShift(), 1e-9);
            assertEquals(-1, p.box());
            assertEquals(1, p.opticsGroup());
        }
        Particle first = set.particles().get(0);
        assertEquals(0, first.imageIndex());
        assertEquals(SharedData.particles(PFCRT).resolve("Extract/job012/FinalRefinement-OriginalParticles-PfCRT.mrcs"),
                first.stack());
        assertEquals(4, set.particles().get(4).imageIndex());
        assertEquals(1, set.opticsGroups().size());
    }

    @Test
    void relion31OpticsBlockMayComeAfterParticles() {
        ParticleSet a = ParticleSet.read(SharedData.particles("cryodrgn/relion31/relion31.star"));
        ParticleSet b = ParticleSet.read(SharedData.particles("cryodrgn/relion31/relion31.v2.star"));
        assertEquals(5, a.size());
        assertEquals(a.particles(), b.particles());
        assertEquals(a.opticsGroups(), b.opticsGroups());

        Particle p = a.particles().get(0);
        assertEquals(SharedData.particles("cryodrgn/relion31/relion31.mrcs"), p.stack());
        assertEquals(0, p.imageIndex());
        assertEquals(2.806, p.pixelSize());
        assertEquals(256, p.box());
        assertEquals(-102.30296, p.rot());
        assertEquals(82.318041, p.tilt());
        assertEquals(124.706463, p.psi());
        assertEquals(0.019324, p.originXAngst());
        assertEquals(-0.64686, p.originYAngst());
        assertEquals(13108.082418, p.ctf().defocusU());
        assertEquals(-160.39, p.ctf().defocusAngle());
        assertEquals(300, p.ctf().voltage());
        assertEquals(0.01, p.ctf().cs());
        assertEquals(0.1, p.ctf().ampContrast());
        assertEquals(1.0, p.ctf().scale());
        assertEquals(new OpticsGroup(1, "opticsGroup1", 2.806, 256, 300, 0.01, 0.1), a.opticsGroups().get(0));
    }

    @Test
    void relion5ReadsAllRowsFromBothStacks() {
        Path dir = SharedData.particles("cryodrgn/relion5");
        ParticleSet set = ParticleSet.read(dir.resolve("relion5.star"));
        assertEquals(17, set.size());
        Set<Path> stacks = set.particles().stream().map(Particle::stack).collect(Collectors.toSet());
        assertEquals(Set.of(dir.resolve("toy_images_a.mrcs"), dir.resolve("toy_images_b.mrcs")), stacks);
        Particle second = set.particles().get(1);
        assertEquals(1, second.imageIndex());
        assertEquals(dir.resolve("toy_images_b.mrcs"), second.stack());
        assertEquals(0.89, second.pixelSize());
        assertEquals(448, second.box());
        assertEquals(100, second.ctf().voltage());
        assertEquals(1.6, second.ctf().cs());
        for (int i = 0; i < set.size(); i++) assertEquals(i, set.particles().get(i).row());
    }

    @Test
    void relion30PixelSizeFromMagnification() {
        ParticleSet set = ParticleSet.read(SharedData.particles("cryodrgn/empiar_10076_7/empiar_10076_7.star"));
        assertEquals(7, set.size());
        Particle p = set.particles().get(0);
        assertEquals(5 * 1e4 / 38168, p.pixelSize(), 1e-12);
        assertEquals(1.31, p.pixelSize(), 1e-4);
        assertEquals(15301.1, p.ctf().defocusU());
        assertEquals(14916.4, p.ctf().defocusV());
        assertEquals(5.28, p.ctf().defocusAngle());
        assertEquals(0, p.ctf().phaseShift());
        assertEquals(0, p.rot());
        assertEquals(0, p.originXAngst());
        assertEquals(List.of(OpticsGroup.of(1, p.pixelSize(), -1, 300, 2.7, 0.07)), set.opticsGroups());
    }

    @Test
    void missingStackFallsBackToBareNameInRoot(@TempDir Path dir) throws IOException {
        Files.createFile(dir.resolve("stack.mrcs"));
        Path star = dir.resolve("p.star");
        Files.writeString(star, """
                data_
                loop_
                _rlnImageName
                _rlnDefocusU
                _rlnVoltage
                _rlnSphericalAberration
                _rlnAmplitudeContrast
                _rlnImagePixelSize
                _rlnOriginX
                3@Extract/job1/stack.mrcs 10000 300 2.7 0.1 2.0 1.5
                1@missing/other.mrcs 10000 300 2.7 0.1 2.0 -1
                """);
        ParticleSet set = ParticleSet.read(star);
        assertEquals(dir.resolve("stack.mrcs"), set.particles().get(0).stack());
        assertEquals(2, set.particles().get(0).imageIndex());
        assertEquals(3.0, set.particles().get(0).originXAngst());
        // a missing stack is for later validation to report
        assertEquals(dir.resolve("missing/other.mrcs"), set.particles().get(1).stack());
        assertEquals(10000, set.particles().get(1).ctf().defocusV());
    }
}
