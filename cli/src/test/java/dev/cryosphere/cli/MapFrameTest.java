package dev.cryosphere.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.MapFrame;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.testing.RelionTools;
import dev.cryosphere.trainer.run.TrainedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16, item 1: a model fitted into a RELION-style consensus map (origin 0, as relion_image_handler writes it:
 * checked with gemmi) is the box-frame model moved by the map's centre, (box/2) · apix = 48 Å on each axis. With
 * {@code --map} render draws the same images, train recovers the box-frame model exactly and records the offset, and
 * evaluate's structures and maps land back in the map's frame.
 */
class MapFrameTest {
    @TempDir
    static Path dir;
    static Path data, base, moved, map, config;
    static final int BOX = 24;
    static final double APIX = 4.0, SHIFT = BOX / 2 * APIX;

    @BeforeAll
    static void set() throws Exception {
        RelionTools.assumeAvailable();
        TinyDataset tiny = TinyDataset.make(dir, 64, BOX, APIX);
        data = tiny.data();
        base = tiny.structure();
        config = TinyDataset.writeConfig(dir.resolve("tiny.yaml"), 1, "");
        Path ours = dir.resolve("ours.mrc");
        Cli c = Cli.run("volume", "--structure", base.toString(), "--box", "" + BOX, "--apix", "" + APIX, "--out", ours.toString());
        assertEquals(0, c.exitCode(), c.err());
        RelionTools.run(dir, "relion_image_handler", "--i", ours.toString(), "--o", "relion.mrc");
        map = dir.resolve("relion.mrc");
        moved = FittedModel.moved(base, SHIFT, dir.resolve("fitted.pdb"));   // every coordinate +48 Å
    }

    /** gemmi's reading of an MRC header: origin (words 50-52), nxstart, voxel size. */
    static double[] gemmiHeader(Path mrc) {
        String py = "import gemmi,sys\nm=gemmi.read_ccp4_map(sys.argv[1])\n"
                + "print(m.header_float(50),m.header_float(51),m.header_float(52),m.header_i32(5),m.grid.spacing[0])";
        String[] f = RelionTools.run(dir, RelionTools.PYTHON.toString(), "-c", py, mrc.toString()).trim().split("\\s+");
        double[] v = new double[f.length];
        for (int i = 0; i < f.length; i++) v[i] = Double.parseDouble(f[i]);
        return v;
    }

    @Test
    void theRelionMapsCentreIsTheBoxCentreAndTheModelComesBackExactly() {
        assertArrayEquals(new double[]{0, 0, 0, 0, APIX}, gemmiHeader(map), 1e-6, "RELION writes origin 0, start 0");
        MapFrame f = MapFrame.read(map);
        assertArrayEquals(new double[]{SHIFT, SHIFT, SHIFT}, f.centre(), 1e-9);
        assertArrayEquals(AtomicModel.read(base).coordinates(), f.toBox(AtomicModel.read(moved)).coordinates(), 1e-9);
        double[] c = centroid(AtomicModel.read(base).coordinates());
        Cli info = Cli.run("info", moved.toString(), "--map", map.toString());
        assertEquals(0, info.exitCode(), info.err());
        assertTrue(info.out().contains(String.format(Locale.ROOT, "centroid (%.2f, %.2f, %.2f) Å; every residue inside",
                c[0], c[1], c[2])), info.out());
    }

    @Test
    void renderWithTheMapDrawsTheBoxFrameModelsImages() throws Exception {
        Path star = data.resolveSibling("sim").resolve("particles.star");
        Path a = dir.resolve("box.mrcs"), b = dir.resolve("fitted.mrcs");
        assertEquals(0, Cli.run("render", "--structure", base.toString(), "--particles", star.toString(), "--out", a.toString()).exitCode());
        Cli c = Cli.run("render", "--structure", moved.toString(), "--map", map.toString(), "--particles", star.toString(),
                "--out", b.toString());
        assertEquals(0, c.exitCode(), c.err());
        try (MrcReader x = MrcReader.open(a); MrcReader y = MrcReader.open(b)) {
            for (int i = 0; i < 8; i++) assertArrayEquals(x.readImage(i), y.readImage(i), 1e-4f, "image " + i);
        }
        Cli without = Cli.run("render", "--structure", moved.toString(), "--particles", star.toString(), "--out",
                dir.resolve("no.mrcs").toString());
        assertEquals(2, without.exitCode(), "the fitted model without --map is outside the box");
    }

    @Test
    void trainRecoversTheModelAndEvaluateWritesBackInTheMapFrame() throws Exception {
        Path run = dir.resolve("run"), eval = dir.resolve("eval");
        Cli c = Cli.run("train", "--data", data.toString(), "--structure", moved.toString(), "--map", map.toString(),
                "--out", run.toString(), "--config", config.toString());
        assertEquals(0, c.exitCode(), c.err());
        JsonNode offset = new ObjectMapper().readTree(run.resolve("run.json").toFile()).get("frame_offset_angst");
        for (int k = 0; k < 3; k++) assertEquals(SHIFT, offset.get(k).asDouble(), 1e-9);
        TrainedModel m = TrainedModel.load(run);
        assertArrayEquals(AtomicModel.read(base).coordinates(), m.baseModel().coordinates(), 1e-9, "the box-frame model");
        c = Cli.run("evaluate", "--run", run.toString(), "--data", data.toString(), "--out", eval.toString(), "--master",
                "local[2]", "--clusters", "2", "--traversal-steps", "3", "--structures", "every=32", "--pdb");
        assertEquals(0, c.exitCode(), c.err());
        double[] target = centroid(AtomicModel.read(moved).coordinates());
        int pdbs = 0, maps = 0;
        try (Stream<Path> s = Files.walk(eval)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".pdb")) {
                    double[] cen = centroid(AtomicModel.read(p).coordinates());
                    double d = Math.sqrt(Math.pow(cen[0] - target[0], 2) + Math.pow(cen[1] - target[1], 2) + Math.pow(cen[2] - target[2], 2));
                    assertTrue(d < 10, p + " centroid " + d + " Å from the fitted model's (83 Å in the box frame)");
                    pdbs++;
                } else if (n.endsWith(".mrc")) {
                    // our maps (box 24, 4 Å) overlay the RELION map: the same origin, 0, read by gemmi
                    assertArrayEquals(new double[]{0, 0, 0}, java.util.Arrays.copyOf(gemmiHeader(p), 3), 1e-4, p.toString());
                    maps++;
                }
            }
        }
        assertTrue(pdbs >= 4 && maps >= 2, pdbs + " PDB files, " + maps + " maps");

        // resume: the run's frame was fixed at its start; a map of another frame is refused, the same map accepted
        RelionTools.run(dir, "relion_image_handler", "--i", map.toString(), "--o", "box32.mrc", "--new_box", "32");
        Path other = dir.resolve("box32.mrc");
        byte[] before = Files.readAllBytes(run.resolve("run.json"));
        c = Cli.run("train", "--data", data.toString(), "--map", other.toString(), "--out", run.toString(), "--resume",
                "--epochs", "2");
        assertEquals(2, c.exitCode(), c.err());
        assertTrue(c.err().startsWith("error: " + other + ", key --map: differ from the settings of the run being resumed")
                && c.err().contains("the run's box centre is at (48.00, 48.00, 48.00) Å in its frame, this map's at "
                + "(64.00, 64.00, 64.00) Å"), c.err());
        assertArrayEquals(before, Files.readAllBytes(run.resolve("run.json")), "the refused resume changed nothing");
        c = Cli.run("train", "--data", data.toString(), "--map", map.toString(), "--out", run.toString(), "--resume",
                "--epochs", "2");
        assertEquals(0, c.exitCode(), c.err());
        assertTrue(Files.isDirectory(run.resolve("checkpoints").resolve("epoch-0002")), "resumed with the same map");
    }

    static double[] centroid(double[] xyz) {
        double[] c = new double[3];
        for (int i = 0; i < xyz.length; i++) c[i % 3] += xyz[i] / (xyz.length / 3);
        return c;
    }
}
