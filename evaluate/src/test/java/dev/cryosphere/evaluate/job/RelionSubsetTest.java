package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.testing.RelionTools;
import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.core.util.ImageStats;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 4: subsets RELION can use, checked by RELION 3.1 itself (relion_reconstruct --ctf run from the
 * project folder reads our STAR files and reconstructs the map) and by gemmi's STAR reader (every column of the source,
 * the optics table, the rows).
 */
class RelionSubsetTest {
    @TempDir
    static Path project;

    static final int N = 1000;
    static Path stack;
    static long[] rows;

    @BeforeAll
    static void project() throws Exception {
        RelionTools.assumeAvailable();
        Path extract = Files.createDirectories(project.resolve("Extract/job003"));
        stack = Files.createSymbolicLink(extract.resolve("particles.mrcs"), SharedData.oracle1ztu("sim1000.mrcs"));
        Random r = new Random(5);
        List<Long> pick = new ArrayList<>();
        for (int i = 0; i < N; i++) if (r.nextDouble() < 0.6) pick.add((long) i);
        rows = pick.stream().mapToLong(Long::longValue).toArray();
    }

    /** A RELION-style refinement STAR (paths from the project folder) with the columns a real one carries. */
    static Path projectStar() throws Exception {
        Path f = project.resolve("Refine3D/job010/run_data.star");
        if (Files.exists(f)) return f;
        Files.createDirectories(f.getParent());
        List<String> src = Files.readAllLines(SharedData.oracle1ztu("sim1000.star"));
        StringBuilder sb = new StringBuilder("""

                # version 30001

                data_optics

                loop_
                _rlnOpticsGroupName #1
                _rlnOpticsGroup #2
                _rlnMtfFileName #3
                _rlnMicrographOriginalPixelSize #4
                _rlnVoltage #5
                _rlnSphericalAberration #6
                _rlnAmplitudeContrast #7
                _rlnImagePixelSize #8
                _rlnImageSize #9
                _rlnImageDimensionality #10
                _rlnBeamTiltX #11
                _rlnBeamTiltY #12
                opticsGroup1 1 mtf_k3_standard_300kV.star 1.000000 300.000000 2.700000 0.070000 2.000000 64 2 0.000000 0.000000


                # version 30001

                data_particles

                loop_
                _rlnCoordinateX #1
                _rlnCoordinateY #2
                _rlnAngleRot #3
                _rlnAngleTilt #4
                _rlnAnglePsi #5
                _rlnOriginXAngst #6
                _rlnOriginYAngst #7
                _rlnDefocusU #8
                _rlnDefocusV #9
                _rlnDefocusAngle #10
                _rlnPhaseShift #11
                _rlnCtfBFactor #12
                _rlnOpticsGroup #13
                _rlnImageName #14
                _rlnMicrographName #15
                _rlnGroupNumber #16
                _rlnClassNumber #17
                _rlnRandomSubset #18
                _rlnLogLikeliContribution #19
                _rlnNormCorrection #20
                """);
        int k = 0;
        for (String line : src) {
            String[] t = line.trim().split("\\s+");
            if (t.length != 12 || !t[11].contains("@")) continue;
            sb.append(String.format("%d.000000 %d.000000 ", 100 + k % 37 * 50, 200 + k / 37 * 50));
            for (int j = 0; j < 11; j++) sb.append(t[j]).append(' ');
            sb.append(t[11].replace("sim1000.mrcs", "Extract/job003/particles.mrcs"))
                    .append(String.format(" MotionCorr/job002/Movies/mic%03d.mrc %d 1 %d 1.23456e+05 1.000000%n",
                            k / 37 + 1, k / 37 + 1, k % 2 + 1));
            k++;
        }
        assertEquals(N, k);
        return Files.writeString(f, sb);
    }

    static ParticleExport export(Path star) {
        DatasetInfo.Sources sources = new DatasetInfo.Sources(
                new DatasetInfo.SourceFile(star.toUri().toString(), 0, 0, "", "full"),
                List.of(new DatasetInfo.SourceFile(stack.toUri().toString(), 0, 0, "", "ends")));
        DatasetInfo info = new DatasetInfo(1, N, 64, 2.0, false, List.of(), null, List.of(), 0, List.of(), sources, null, "", "", "");
        return ParticleExport.of(info);
    }

    /** Our subset as gemmi reads it: the loop's tags and rows of the named block (python prints one line per row). */
    static List<String> gemmi(Path star, String block) {
        String py = "import gemmi,sys\nb=gemmi.cif.read_file(sys.argv[1]).find_block(sys.argv[2])\n"
                + "t=[i.loop for i in b if i.loop is not None][0]\nprint(' '.join(t.tags))\n"
                + "w=t.width(); v=list(t.values)\nfor r in range(t.length()): print(' '.join(v[r*w:(r+1)*w]))\n";
        return RelionTools.run(project, RelionTools.PYTHON.toString(), "-c", py, star.toString(), block).lines().toList();
    }

    static double reconstructAndCompare(Path star) {
        Path rec = star.resolveSibling(star.getFileName().toString().replace(".star", "_rec.mrc"));
        RelionTools.run(project, "relion_reconstruct", "--i", project.relativize(star).toString(), "--o",
                project.relativize(rec).toString(), "--ctf");
        Volume ours = Volume.read(rec), truth = Volume.read(SharedData.oracle1ztu("1ztu_box64_2A.mrc"));
        return ImageStats.pearson(ours.data(), truth.data());
    }

    /**
     * The subset's map against the true map, relative to RELION's own reconstruction of all 1000 images from the shared
     * oracle (0.65 measured; the images are noisy, SNR ≈ 0.05): a subset of 60 % reaches 0.54 (a STAR file whose names
     * pointed at the wrong images would give about 0).
     */
    static void checkReconstruction(Path star) {
        double c = reconstructAndCompare(star);
        double full = ImageStats.pearson(Volume.read(SharedData.oracle1ztu("rec_sim1000.mrc")).data(),
                Volume.read(SharedData.oracle1ztu("1ztu_box64_2A.mrc")).data());
        System.out.printf("relion_reconstruct --ctf of a %d-particle subset: correlation with the map %.3f (all %d: %.3f)%n",
                rows.length, c, N, full);
        assertTrue(c > 0.7 * full, "reconstruction vs map " + c + ", RELION's of the full set " + full);
    }

    @Test
    void everyColumnAndTheOpticsTableKeptAndRelionReconstructsTheSubset() throws Exception {
        Path source = projectStar();
        Path out = project.resolve("Select/job020/subset");
        export(source).write(out, rows);      // default: the source's own paths (here from the project folder)
        Path star = out.resolveSibling("subset.star");
        List<String> srcParticles = gemmi(source, "particles"), subParticles = gemmi(star, "particles");
        assertEquals(srcParticles.get(0), subParticles.get(0), "the same columns in the same order");
        assertEquals(20, subParticles.get(0).split(" ").length);
        assertEquals(rows.length + 1, subParticles.size());
        for (int i = 0; i < rows.length; i++)
            assertEquals(srcParticles.get(1 + (int) rows[i]), subParticles.get(1 + i), "row " + rows[i]);
        assertEquals(gemmi(source, "optics"), gemmi(star, "optics"));
        checkReconstruction(star);
    }

    @Test
    void pathsRelativeToTheStarFolderAreRewrittenForTheProjectOrAbsolute() throws Exception {
        // a STAR file whose image paths start at its own folder (as our simulator and some exports write them)
        Path dir = Files.createDirectories(project.resolve("Import/job001"));
        Path star = Files.copy(SharedData.oracle1ztu("sim1000.star"), dir.resolve("particles.star"));
        Files.createSymbolicLink(dir.resolve("sim1000.mrcs"), SharedData.oracle1ztu("sim1000.mrcs"));
        stack = dir.resolve("sim1000.mrcs");
        try {
            Path out = project.resolve("Select/job021/subset");
            ParticleExport e = export(star).relativeTo(project);
            e.write(out, rows);
            assertTrue(e.pathNote().contains(project.toString()), e.pathNote());
            List<String> sub = gemmi(out.resolveSibling("subset.star"), "particles");
            int col = List.of(sub.get(0).split(" ")).indexOf("_rlnImageName");
            assertEquals(String.format("%06d@Import/job001/sim1000.mrcs", rows[0] + 1), sub.get(1).split(" ")[col]);
            checkReconstruction(out.resolveSibling("subset.star"));

            Path abs = project.resolve("Select/job022/subset");
            export(star).absolute(true).write(abs, rows);
            String name = gemmi(abs.resolveSibling("subset.star"), "particles").get(1).split(" ")[col];
            assertEquals(String.format("%06d@%s", rows[0] + 1, stack), name);
            ParticleExport plain = export(star);
            assertTrue(plain.pathNote().endsWith("relative to " + dir.toRealPath()) || plain.pathNote().endsWith(
                    "relative to " + dir), plain.pathNote());
        } finally {
            stack = project.resolve("Extract/job003/particles.mrcs");
        }
    }

    @Test
    void aOneConformationSubsetReconstructsThatConformation() throws Exception {
        // two conformations of adenylate kinase (one frame), 300 RELION projections each with CTF, in one STAR file
        Path dir = Files.createDirectories(project.resolve("Extract/job030"));
        Path open = SharedData.structures("adk_open.pdb"), closed = SharedData.structures("adk_closed.pdb");
        RelionTools.map(dir, open, "open.mrc", 64, 2.0, open);
        RelionTools.map(dir, closed, "closed.mrc", 64, 2.0, open);
        List<String> poses = Files.readAllLines(SharedData.oracle1ztu("poses_ctf_1000.star")).stream()
                .filter(l -> l.trim().split("\\s+").length == 11 && !l.startsWith("_")).toList();
        String optics = RelionTools.optics(new double[]{2.0}, new int[]{64});
        StringBuilder all = new StringBuilder(optics).append("# version 30001\n\ndata_particles\n\nloop_\n")
                .append(RelionTools.POSE_COLUMNS).append("_rlnImageName #12\n");
        String[] names = {"open", "closed"};
        for (int k = 0; k < 2; k++) {
            StringBuilder one = new StringBuilder(optics).append("# version 30001\n\ndata_particles\n\nloop_\n")
                    .append(RelionTools.POSE_COLUMNS);
            for (int i = 0; i < 300; i++) one.append(poses.get(300 * k + i)).append('\n');
            Files.writeString(dir.resolve(names[k] + "_poses.star"), one);
            RelionTools.run(dir, "relion_project", "--i", names[k] + ".mrc", "--ang", names[k] + "_poses.star", "--o",
                    names[k] + "_proj", "--ctf", "--angpix", "2.0");
            for (int i = 0; i < 300; i++)
                all.append(poses.get(300 * k + i).trim()).append(String.format(" %06d@Extract/job030/%s_proj.mrcs%n", i + 1, names[k]));
        }
        Path source = Files.writeString(Files.createDirectories(project.resolve("Refine3D/job031")).resolve("run_data.star"), all);
        DatasetInfo.Sources sources = new DatasetInfo.Sources(
                new DatasetInfo.SourceFile(source.toUri().toString(), 0, 0, "", "full"),
                List.of(new DatasetInfo.SourceFile(dir.resolve("open_proj.mrcs").toUri().toString(), 0, 0, "", "ends"),
                        new DatasetInfo.SourceFile(dir.resolve("closed_proj.mrcs").toUri().toString(), 0, 0, "", "ends")));
        ParticleExport e = ParticleExport.of(new DatasetInfo(1, 600, 64, 2.0, false, List.of(), null, List.of(), 0, List.of(),
                sources, null, "", "", "")).relativeTo(project);
        long[] openRows = new long[300];
        for (int i = 0; i < 300; i++) openRows[i] = i;
        Path out = project.resolve("Select/job032/open");
        e.write(out, openRows);
        Path rec = project.resolve("Select/job032/open_rec.mrc");
        RelionTools.run(project, "relion_reconstruct", "--i", "Select/job032/open.star", "--o", "Select/job032/open_rec.mrc", "--ctf");
        float[] r = Volume.read(rec).data();
        double withOpen = ImageStats.pearson(r, Volume.read(dir.resolve("open.mrc")).data());
        double withClosed = ImageStats.pearson(r, Volume.read(dir.resolve("closed.mrc")).data());
        System.out.printf("open-only subset, relion_reconstruct: correlation %.3f with the open map, %.3f with the closed%n",
                withOpen, withClosed);
        assertTrue(withOpen > withClosed + 0.05, withOpen + " vs " + withClosed);
    }
}
