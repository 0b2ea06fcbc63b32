package dev.cryosphere.core.format;

import dev.cryosphere.core.testing.RelionTools;
import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What we write, read by readers that share no code with ours: gemmi (Debian's python3-gemmi) for MRC maps and stacks
 * (voxel size, origin, axis order, every value) and for PDB/mmCIF models (chains, residue numbers, coordinates,
 * B-factors); and RELION's rewrite of our map (relion_image_handler), read back by gemmi and by our reader.
 */
class IndependentReadersTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void tools() { RelionTools.assumeAvailable(); }

    private static String python(String script, Object... args) {
        String[] cmd = new String[3 + args.length];
        cmd[0] = RelionTools.PYTHON.toString();
        cmd[1] = "-c";
        cmd[2] = script;
        for (int i = 0; i < args.length; i++) cmd[3 + i] = args[i].toString();
        return RelionTools.run(dir, cmd).strip();
    }

    /**
     * gemmi's view of an MRC file: nx ny nz, mode, mx my mz, mapc mapr maps, ispg, voxel size (cell / m, as gemmi,
     * mrcfile and ChimeraX take it) and origin; then every value in file order, gemmi's grid indexed [x, y, z] (mapc,
     * mapr, maps = 1, 2, 3; no symmetry expansion, which would fold a stack of mz = 1 into one section).
     */
    private static final String GEMMI_MAP = """
            import gemmi, sys, numpy as np
            m = gemmi.read_ccp4_map(sys.argv[1])
            h = [m.header_i32(w) for w in (1, 2, 3, 4, 8, 9, 10, 17, 18, 19, 23)]
            cell = [m.header_float(w) for w in (11, 12, 13)]
            h += [c / n for c, n in zip(cell, h[4:7])] + [m.header_float(w) for w in (50, 51, 52)]
            print(' '.join(repr(x) for x in h))
            a = np.array(m.grid, copy=False)
            print(' '.join(repr(float(v)) for v in a.transpose(2, 1, 0).ravel()))
            """;

    private static double[] numbers(String line) {
        String[] f = line.trim().split("\\s+");
        double[] v = new double[f.length];
        for (int i = 0; i < f.length; i++) v[i] = Double.parseDouble(f[i]);
        return v;
    }

    /** A non-cubic map whose value names its voxel: 0.25 + x + 100 y + 10000 z. */
    private static Volume pattern() {
        int nx = 10, ny = 8, nz = 6;
        float[] d = new float[nx * ny * nz];
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++)
            d[(z * ny + y) * nx + x] = 0.25f + x + 100 * y + 10000 * z;
        return new Volume(d, nx, ny, nz, 1.7, new double[]{-3.4, 5.1, 0.85});
    }

    @Test
    void gemmiReadsOurMapsVoxelSizeOriginAxesAndValues() {
        Volume v = pattern();
        Path ours = dir.resolve("pattern.mrc");
        MrcWriter.writeVolume(ours, v);
        String[] out = python(GEMMI_MAP, ours).split("\n");
        double[] h = numbers(out[0]);
        assertArrayEquals(new double[]{10, 8, 6, 2, 10, 8, 6, 1, 2, 3, 1}, java.util.Arrays.copyOf(h, 11), 0,
                "nx ny nz, mode 2 (float32), mx my mz = n, mapc/mapr/maps = x/y/z, ispg 1 (a volume)");
        assertArrayEquals(new double[]{1.7, 1.7, 1.7}, java.util.Arrays.copyOfRange(h, 11, 14), 1e-5, "voxel size, Å");
        assertArrayEquals(new double[]{-3.4, 5.1, 0.85}, java.util.Arrays.copyOfRange(h, 14, 17), 1e-5, "origin, Å");
        assertArrayEquals(toDouble(v.data()), numbers(out[1]), 1e-3, "every value at its (x, y, z)");
    }

    @Test
    void relionRewritesOurMapWithTheSameValuesAndVoxelSizeAndWeReadItsFile() {
        Volume v = pattern();
        Path ours = dir.resolve("for-relion.mrc");
        MrcWriter.writeVolume(ours, v);
        RelionTools.run(dir, "relion_image_handler", "--i", ours.toString(), "--o", "relion.mrc");
        Path relion = dir.resolve("relion.mrc");
        String[] out = python(GEMMI_MAP, relion).split("\n");
        double[] h = numbers(out[0]);
        // the same layout as ours, but RELION 3.1 leaves ispg 0 where MRC2014 (and we) say 1 for a single volume;
        // gemmi, mrcfile, ChimeraX and RELION read either
        assertArrayEquals(new double[]{10, 8, 6, 2, 10, 8, 6, 1, 2, 3, 0}, java.util.Arrays.copyOf(h, 11), 0,
                "RELION's header as gemmi reads it");
        assertArrayEquals(new double[]{1.7, 1.7, 1.7}, java.util.Arrays.copyOfRange(h, 11, 14), 1e-5, "RELION keeps the voxel size");
        assertArrayEquals(toDouble(v.data()), numbers(out[1]), 1e-3, "RELION keeps every value in place");
        Volume back = Volume.read(relion);
        assertEquals(1.7, back.pixelSize(), 1e-5);
        assertArrayEquals(v.data(), back.data(), 1e-3f, "our reader of RELION's file");
    }

    @Test
    void gemmiReadsOurStacksImageByImage() {
        int nx = 6, ny = 4, n = 3;
        float[][] images = new float[n][nx * ny];
        for (int i = 0; i < n; i++) for (int k = 0; k < nx * ny; k++) images[i][k] = 1000 * i + k + 0.5f;
        Path stack = dir.resolve("stack.mrcs");
        MrcWriter.writeStack(stack, images, nx, ny, 2.3);
        String[] out = python(GEMMI_MAP, stack).split("\n");
        double[] h = numbers(out[0]);
        assertArrayEquals(new double[]{6, 4, 3, 2, 6, 4, 1, 1, 2, 3, 0}, java.util.Arrays.copyOf(h, 11), 0,
                "nx ny, nz = images; mz = 1 and ispg 0 (an image stack, MRC2014)");
        assertArrayEquals(new double[]{2.3, 2.3}, java.util.Arrays.copyOfRange(h, 11, 13), 1e-5, "pixel size");
        double[] flat = new double[n * nx * ny];
        for (int i = 0; i < n; i++) for (int k = 0; k < nx * ny; k++) flat[i * nx * ny + k] = images[i][k];
        assertArrayEquals(flat, numbers(out[1]), 1e-4, "image i is section i, x fastest");
    }

    /** gemmi's reading of a model: one line per atom of the first model. */
    private static final String GEMMI_MODEL = """
            import gemmi, sys
            st = gemmi.read_structure(sys.argv[1])
            for ch in st[0]:
                for r in ch:
                    for a in r:
                        print('|'.join(str(x) for x in (ch.name, r.seqid.num, r.seqid.icode, r.name, a.name,
                              a.element.name, a.pos.x, a.pos.y, a.pos.z, a.b_iso)))
            """;

    @Test
    void gemmiReadsOurPdbAndMmcifModels() {
        AtomicModel m = AtomicModel.read(SharedData.structures("1ake.pdb"));
        for (String ext : List.of("pdb", "cif")) {
            Path f = dir.resolve("sites." + ext);
            if (ext.equals("pdb")) m.writePdb(f); else m.writeCif(f);
            List<String> lines = python(GEMMI_MODEL, f).lines().toList();
            assertEquals(m.size(), lines.size(), ext + ": one atom per residue");
            double[] xyz = m.coordinates(), amp = m.amplitudes();
            for (int i = 0; i < m.size(); i++) {
                String[] g = lines.get(i).split("\\|");
                String where = ext + " residue " + i + ": " + lines.get(i);
                assertEquals(m.chain(i), g[0], where);
                assertEquals(m.residueNumber(i), Integer.parseInt(g[1]), where);
                assertEquals(m.residueName(i), g[3], where);
                assertEquals(m.siteAtom(i), g[4], where);
                for (int k = 0; k < 3; k++) assertEquals(xyz[3 * i + k], Double.parseDouble(g[6 + k]), 6e-4, where);
                assertEquals(Math.min(amp[i], 999.99), Double.parseDouble(g[9]), 6e-3, where + " (B-factor = amplitude)");
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static { Locale.setDefault(Locale.ROOT); }
}
