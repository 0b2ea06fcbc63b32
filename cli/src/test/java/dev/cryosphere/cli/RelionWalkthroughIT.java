package dev.cryosphere.cli;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.testing.RelionTools;
import dev.cryosphere.core.util.ImageStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 6: the user guide's "Walkthrough: a RELION project", command for command, on a RELION-made set (the
 * committed hinge-ci set: gemmi full-atom maps projected by relion_project --ctf, none of our code) laid out as a
 * RELION project. The consensus map is RELION's own reconstruction (origin 0), the model is fitted into it (not
 * box-centred), and every hand-over is checked by an independent reader: RELION reads our subset STAR, gemmi reads
 * our maps and structures.
 */
class RelionWalkthroughIT {
    @TempDir
    Path project;

    static final Path SET = ExternalSetTest.root().resolve("benchmarks/external/cache/hinge-ci");
    static final int BOX = 32;
    static final double APIX = 4.6, SHIFT = BOX / 2 * APIX;
    static final String STAR = "Refine3D/job002/run_data.star", MAP = "Refine3D/job002/run_class001.mrc";

    @Test
    void relionProjectToRelionReconstruct() throws Exception {
        RelionTools.assumeAvailable();
        // --- the RELION project: an extracted stack and a refinement STAR whose image names start at the project folder
        Path stack = Files.createDirectories(project.resolve("Extract/job001")).resolve("particles.mrcs");
        Files.copy(SET.resolve("particles.mrcs"), stack);
        Files.createDirectories(project.resolve("Refine3D/job002"));
        Files.writeString(project.resolve(STAR), Files.readString(SET.resolve("particles.star"))
                .replace("@particles.mrcs", "@Extract/job001/particles.mrcs"));
        // the consensus map: RELION's own reconstruction, so its header (origin 0) is what users have
        relion("relion_reconstruct", "--i", STAR, "--o", MAP, "--ctf");
        Path map = project.resolve(MAP);
        double[] mapHeader = gemmiHeader(map);
        assertHeader(mapHeader, map);
        // the model fitted into that map: the box-frame model moved by the map's centre, (box/2)·apix on each axis
        Path fitted = fitted(SET.resolve("base.pdb"), project.resolve("fitted.pdb"));
        double[] fittedCentroid = gemmiCentroid(fitted);
        System.out.printf(Locale.ROOT, "walkthrough: fitted model's centroid (%.2f, %.2f, %.2f) Å in the map's frame%n",
                fittedCentroid[0], fittedCentroid[1], fittedCentroid[2]);

        // --- info: the fitted model lands in the particles' box, centred
        Cli c = cli("info", at("fitted.pdb"), "--map", at(MAP));
        double[] box = MapFrameTest.centroid(AtomicModel.read(SET.resolve("base.pdb")).coordinates());
        assertTrue(c.out().contains(String.format(Locale.ROOT, "centroid (%.2f, %.2f, %.2f) Å; every residue inside",
                box[0], box[1], box[2])), c.out());

        // --- render: the fitted model with each particle's pose and CTF looks like its image, not like another's
        cli("render", "--structure", at("fitted.pdb"), "--map", at(MAP), "--particles", at(STAR), "--root", at("."),
                "--out", at("check.mrcs"));
        double own = 0, other = 0;
        int n = 64;
        try (MrcReader img = MrcReader.open(stack); MrcReader ren = MrcReader.open(project.resolve("check.mrcs"))) {
            for (int i = 0; i < n; i++) {
                own += ImageStats.pearson(img.readImage(i), ren.readImage(i)) / n;
                other += ImageStats.pearson(img.readImage(i), ren.readImage((i + 1) % n)) / n;
            }
        }
        System.out.printf(Locale.ROOT, "walkthrough: render vs particles, mean Pearson %.3f (another particle's render: %.3f)%n", own, other);
        assertTrue(own > 0.6 && other < 0.3, own + " vs " + other);

        // --- ingest from the project folder
        cli("ingest", "--particles", at(STAR), "--root", at("."), "--out", at("cryosphere/ds"), "--master", "local[2]");

        // --- train with --map: the forward-model check line (standard error) shows the frames agree
        TinyDataset.writeConfig(project.resolve("cryosphere/run.yaml"), 2, "");
        String err = withStderr(() -> cli("train", "--data", at("cryosphere/ds"), "--structure", at("fitted.pdb"),
                "--map", at(MAP), "--config", at("cryosphere/run.yaml"), "--out", at("cryosphere/run")));
        Matcher m = Pattern.compile("forward-model check: .* correlates ([-0-9.]+) with (\\d+) images \\(with another "
                + "particle's pose: ([-0-9.]+); ([-0-9.]+) standard errors apart\\)").matcher(err);
        assertTrue(m.find(), err);
        double checkOwn = Double.parseDouble(m.group(1)), checkOther = Double.parseDouble(m.group(3)), z = Double.parseDouble(m.group(4));
        System.out.printf(Locale.ROOT, "walkthrough: train's forward-model check %.4f vs %.4f, %.1f standard errors%n", checkOwn, checkOther, z);
        assertTrue(z >= 10 && checkOwn > 0.6, m.group());
        assertTrue(!err.contains("warning: the base structure matches"), err);

        // --- evaluate: cluster subsets for RELION, structures and maps in the consensus map's frame
        cli("evaluate", "--run", at("cryosphere/run"), "--data", at("cryosphere/ds"), "--out", at("cryosphere/eval"),
                "--master", "local[2]", "--clusters", "2", "--traversal-steps", "3", "--relion-project", at("."));
        int pdbs = 0, maps = 0;
        double worstOffset = 0, worstMapCorrelation = 1;
        try (Stream<Path> s = Files.walk(project.resolve("cryosphere/eval"))) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".pdb")) {
                    double[] cen = gemmiCentroid(p);
                    double d = Math.sqrt(Math.pow(cen[0] - fittedCentroid[0], 2) + Math.pow(cen[1] - fittedCentroid[1], 2)
                            + Math.pow(cen[2] - fittedCentroid[2], 2));
                    worstOffset = Math.max(worstOffset, d);
                    pdbs++;
                } else if (name.endsWith(".mrc")) {
                    assertHeader(gemmiHeader(p), p);
                    worstMapCorrelation = Math.min(worstMapCorrelation, gemmiCorrelation(p, map));
                    maps++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "walkthrough: evaluate wrote %d PDB files (centroids at most %.2f Å from the fitted "
                + "model's) and %d maps (origin 0; correlation with RELION's map at least %.3f)%n", pdbs, worstOffset, maps, worstMapCorrelation);
        assertTrue(pdbs >= 8 && maps >= 8, pdbs + " PDB files, " + maps + " maps");
        assertTrue(worstOffset < 5, "a structure's centroid is " + worstOffset + " Å from the fitted model's");
        assertTrue(worstMapCorrelation > 0.7, "an evaluate map correlates " + worstMapCorrelation + " with RELION's");
        for (String cluster : List.of("cluster_00.star", "cluster_01.star"))
            assertTrue(Files.readString(project.resolve("cryosphere/eval/clusters").resolve(cluster))
                    .contains("@Extract/job001/particles.mrcs"), cluster + ": image paths from the project folder");

        // --- select a latent region for RELION, and RELION reconstructs it from the project folder
        c = cli("select", "--latents", at("cryosphere/eval/latents.csv"), "--data", at("cryosphere/ds"), "--where",
                "pc1 > 0", "--out", at("Select/job003/particles"), "--relion-project", at("."));
        int picked = Integer.parseInt(c.out().replaceAll("(?s).*select: (\\d+) particles.*", "$1"));
        long expected = Files.readAllLines(project.resolve("cryosphere/eval/clusters.csv")).stream().skip(1)
                .filter(l -> Double.parseDouble(l.split(",")[2]) > 0).count();
        relion("relion_reconstruct", "--i", "Select/job003/particles.star", "--o", "Select/job003/particles.mrc", "--ctf");
        Path subset = project.resolve("Select/job003/particles.mrc");
        assertHeader(gemmiHeader(subset), subset);
        double r = gemmiCorrelation(subset, map);
        System.out.printf(Locale.ROOT, "walkthrough: relion_reconstruct of the %d selected particles: correlation %.3f with the consensus map%n",
                picked, r);
        assertTrue(picked == expected && picked >= 20 && picked <= 748, picked + " particles selected, pc1 > 0 in " + expected);
        assertTrue(r >= 0.8, "subset map vs consensus " + r);
    }

    // --- helpers: commands run from the project folder, as the walkthrough does

    /** `cryosphere ARGS`; exit 0 required. */
    private static Cli cli(String... args) {
        Cli c = Cli.run(args);
        assertEquals(0, c.exitCode(), String.join(" ", args) + ": " + c.err());
        return c;
    }

    /** A path as the walkthrough writes it (relative to the project folder, where it runs), for the in-process command. */
    private String at(String path) {
        return project.resolve(path).normalize().toString();
    }

    private String relion(String... command) {
        return RelionTools.run(project, command);
    }

    /** Standard error (where train prints its forward-model check) while {@code r} runs, still shown on the console. */
    private static String withStderr(Runnable r) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(new java.io.OutputStream() {
            @Override
            public synchronized void write(int b) { buf.write(b); saved.write(b); }

            @Override
            public synchronized void write(byte[] b, int off, int len) { buf.write(b, off, len); saved.write(b, off, len); }
        }, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** base.pdb (box frame) moved by +(box/2)·apix on each axis. */
    private static Path fitted(Path base, Path out) throws Exception {
        return FittedModel.moved(base, SHIFT, out);
    }

    private double[] python(String script, Path... args) {
        List<String> cmd = new ArrayList<>(List.of(RelionTools.PYTHON.toString(), "-c", script));
        for (Path a : args) cmd.add(a.toString());
        String[] f = RelionTools.run(project, cmd.toArray(String[]::new)).trim().split("\\s+");
        double[] v = new double[f.length];
        for (int i = 0; i < f.length; i++) v[i] = Double.parseDouble(f[i]);
        return v;
    }

    /** gemmi's reading of an MRC header: nx, ny, nz, voxel size (cell / nx: gemmi 0.5 leaves spacing 0 on some maps), origin. */
    private double[] gemmiHeader(Path mrc) {
        return python("import gemmi,sys\nm=gemmi.read_ccp4_map(sys.argv[1]);g=m.grid\n"
                + "print(g.nu,g.nv,g.nw,g.unit_cell.a/g.nu,m.header_float(50),m.header_float(51),m.header_float(52))", mrc);
    }

    /** BOX³ voxels of APIX Å with origin 0 (to float precision: ours is written as −1.5e-6). */
    private static void assertHeader(double[] h, Path mrc) {
        assertTrue(h[0] == BOX && h[1] == BOX && h[2] == BOX && Math.abs(h[3] - APIX) < 1e-4
                && Math.abs(h[4]) < 1e-4 && Math.abs(h[5]) < 1e-4 && Math.abs(h[6]) < 1e-4, mrc + ": box, voxel size and origin read by gemmi " + java.util.Arrays.toString(h));
    }

    /** gemmi's centroid of every atom of a PDB file, Å. */
    private double[] gemmiCentroid(Path pdb) {
        return python("import gemmi,sys\nst=gemmi.read_structure(sys.argv[1])\n"
                + "p=[a.pos for ch in st[0] for r in ch for a in r]\n"
                + "print(*[sum(getattr(q,k) for q in p)/len(p) for k in 'xyz'])", pdb);
    }

    /** Real-space Pearson correlation of two maps on the same grid, read by gemmi. */
    private double gemmiCorrelation(Path a, Path b) {
        return python("import gemmi,sys,numpy as np\n"
                + "x,y=(np.array(gemmi.read_ccp4_map(f).grid).ravel() for f in sys.argv[1:3])\n"
                + "print(np.corrcoef(x,y)[0,1])", a, b)[0];
    }
}
