package dev.cryosphere.core.physics;

import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link AtomicDensity} against closed forms and, voxel by voxel, against gemmi's {@code DensityCalculatorE} set up as
 * benchmarks/external/make_sets.py does (skipped when /usr/bin/python3 with gemmi and numpy is missing).
 */
class AtomicDensityTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    /**
     * The integral of one atom over space is occ · Σ a_i (Å), since ρ is the 3-D Fourier transform of
     * f(s) = Σ a_i exp(−(b_i+B) s²) and the integral is f(0). On a 0.2 Å grid the Riemann sum of these Gaussians
     * (narrowest σ ≈ 0.5 Å at B = 20) is exact to far below 1e-9, so what remains is the tail beyond the
     * 1e-5 Å⁻² cutoff, which must be small but not zero.
     */
    @Test
    void oneAtomIntegratesToOccupancyTimesSumOfA() {
        double apix = 0.2, occ = 0.7;
        int n = 64;
        for (String el : List.of("C", "Se")) {
            Volume v = AtomicDensity.render(List.of(new AtomicDensity.Atom(el, 0.05, -0.1, 0.13, 20, occ)), n, apix);
            double sum = 0;
            for (float x : v.data()) sum += x;
            double integral = sum * apix * apix * apix;
            double expected = occ * ElectronScatteringFactors.of(el).sumA();
            double rel = (expected - integral) / expected;
            System.out.printf(Locale.ROOT, "%s: integral %.6f Å, occ·Σa %.6f Å, missing tail %.2e%n", el, integral, expected, rel);
            assertTrue(rel > 0 && rel < 2e-3, el + ": relative shortfall " + rel);
        }
        assertEquals(2.5088, ElectronScatteringFactors.of("C").sumA(), 1e-12);   // Peng 1996, carbon
    }

    /** On a voxel, the peak is occ · Σ a_i (4π/(b_i+B))^{3/2}: written out here without the implementation's terms. */
    @Test
    void peakOnAVoxelIsTheClosedForm() {
        double[] a = {0.0893, 0.2563, 0.7570, 1.0487, 0.3575}, b = {0.2465, 1.7100, 6.4094, 18.6113, 50.2523};
        double bIso = 50, occ = 0.5, expected = 0;
        for (int i = 0; i < 5; i++) expected += occ * a[i] * Math.pow(4 * Math.PI / (b[i] + bIso), 1.5);
        Volume v = AtomicDensity.render(List.of(new AtomicDensity.Atom("c", 1.0, -2.0, 0.5, bIso, occ)), 32, 0.5);
        assertEquals(expected, v.at(16 + 2, 16 - 4, 16 + 1), 1e-6 * expected);
        assertEquals(-8.0, v.origin()[0], 0);
    }

    /**
     * Prepared atoms (terms worked out once, coordinates per map) give the very map of {@link AtomicDensity#render},
     * atoms near and across the box faces included (the span-sized tables clip there).
     */
    @Test
    void preparedAtomsRenderTheSameMap() {
        String[] el = {"C", "N", "O", "S", "H", "Se", "C"};
        double[] xyz = {0.1, 0.2, 0.3, 5.9, -6.3, 2.0, -7.7, 7.6, -7.9, 3.3, 3.3, -3.3, 9.0, 0.0, 0.0, -1.2, -0.4, 6.8, 0, 0, 0};
        List<AtomicDensity.Atom> atoms = new ArrayList<>();
        for (int k = 0; k < el.length; k++) atoms.add(new AtomicDensity.Atom(el[k], xyz[3 * k], xyz[3 * k + 1], xyz[3 * k + 2], 37, 0.9));
        float[] a = AtomicDensity.render(atoms, 16, 1.0).data();
        float[] b = AtomicDensity.prepare(el, 37, 0.9).render(xyz, 16, 1.0).data();
        assertArrayEquals(a, b, 0f);
        double sum = 0;
        for (float v : a) sum += v;
        assertTrue(sum > 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AtomicDensity.prepare(new String[]{"C", "Qq"}, 50, 1));
        assertTrue(e.getMessage().contains("'Qq'"), e.getMessage());
    }

    @Test
    void unknownElementIsRefusedByName() {
        List<AtomicDensity.Atom> atoms = List.of(new AtomicDensity.Atom("C", 0, 0, 0, 50, 1),
                new AtomicDensity.Atom("Xx", 0, 0, 0, 50, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AtomicDensity.render(atoms, 8, 1));
        assertTrue(e.getMessage().contains("'Xx'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ElectronScatteringFactors.of("X"));
    }

    /** Single atoms of many elements, B 2 to 80 Å², occupancies below 1, off-grid positions. */
    @Test
    void matchesGemmiForSingleAtoms() throws Exception {
        List<AtomicDensity.Atom> atoms = List.of(
                new AtomicDensity.Atom("H", -5.0, 0.3, 0.0, 20, 1),
                new AtomicDensity.Atom("C", 0.13, 0.27, -0.41, 50, 1),
                new AtomicDensity.Atom("N", 4.6, 4.4, 0.1, 2, 1),
                new AtomicDensity.Atom("O", -3.3, -4.1, 2.2, 30, 0.5),
                new AtomicDensity.Atom("S", 3.1, -3.7, -4.2, 80, 1),
                new AtomicDensity.Atom("P", -4.4, 3.9, -3.6, 50, 0.8),
                new AtomicDensity.Atom("Se", 2.0, 1.0, 4.6, 50, 1),
                new AtomicDensity.Atom("Fe", -1.2, -1.4, -4.9, 10, 1),
                new AtomicDensity.Atom("Rb", 0.0, -4.8, 4.7, 40, 1));   // a negative a_i
        Path file = dir.resolve("atoms.txt");
        StringBuilder sb = new StringBuilder();
        for (AtomicDensity.Atom a : atoms)
            sb.append(String.format(Locale.ROOT, "%s %.6f %.6f %.6f %.6f %.6f%n", a.element(), a.x(), a.y(), a.z(), a.bFactor(), a.occupancy()));
        Files.writeString(file, sb);
        compare("single atoms", atoms, 48, 0.5);
    }

    /** Residues A:255-264 of 1ZTU (two selenomethionines), as make_sets.py sets atoms up: B 50 Å², occupancy 1. */
    @Test
    void matchesGemmiForResiduesOf1ztu() throws Exception {
        Path pdb = SharedData.structures("1ztu.pdb");
        Path file = dir.resolve("atoms.txt");
        System.out.println(python("extract", pdb.toString(), "255", "264", file.toString()).trim());
        List<AtomicDensity.Atom> atoms = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            atoms.add(new AtomicDensity.Atom(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])));
        }
        assertTrue(atoms.size() > 50);
        compare("1ztu A:255-264", atoms, 64, 0.5);
    }

    /**
     * gemmi's cell is periodic and this box is not, so every atom is kept at least its cutoff radius inside the box;
     * then the two maps must agree everywhere.
     */
    private void compare(String what, List<AtomicDensity.Atom> atoms, int n, double apix) throws Exception {
        double half = (n / 2 - 1) * apix;
        for (AtomicDensity.Atom a : atoms)
            assertTrue(Math.max(Math.abs(a.x()), Math.max(Math.abs(a.y()), Math.abs(a.z()))) + AtomTerms.of(a).radius() < half,
                    "atom too close to the edge: " + a);
        Path out = dir.resolve("gemmi.f32");
        String log = python("map", dir.resolve("atoms.txt").toString(), String.valueOf(n), String.valueOf(apix), out.toString());
        float[] ref = read(out, n * n * n);
        long t0 = System.nanoTime();
        float[] ours = AtomicDensity.render(atoms, n, apix).data();
        double ms = (System.nanoTime() - t0) / 1e6;
        double max = 0, maxDiff = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        for (int i = 0; i < ref.length; i++) {
            double x = ours[i], y = ref[i];
            max = Math.max(max, Math.abs(y));
            maxDiff = Math.max(maxDiff, Math.abs(x - y));
            sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y;
        }
        int m = ref.length;
        double r = (sab - sa * sb / m) / Math.sqrt((saa - sa * sa / m) * (sbb - sb * sb / m));
        System.out.printf(Locale.ROOT, "%s (%d atoms, %d^3 at %.2f Å; %s): max |diff|/max %.2e, 1 − Pearson r %.2e, sum ratio − 1 %.2e, ours %.0f ms%n",
                what, atoms.size(), n, apix, log.trim(), maxDiff / max, 1 - r, sa / sb - 1, ms);
        // measured ~1e-7 (float rounding; gemmi's fast exp is good to 1e-5 relative), so 1e-5 still catches any
        // difference in coefficients, units, grid placement or cutoff radius
        assertTrue(maxDiff / max < 1e-5, what + ": max |diff|/max = " + maxDiff / max);
        assertTrue(r > 0.999999, what + ": Pearson r = " + r);
    }

    private static float[] read(Path f, int count) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4L * count, bb.capacity(), "gemmi map size");
        float[] v = new float[count];
        bb.asFloatBuffer().get(v);
        return v;
    }

    private String python(String... args) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "skipped: " + PYTHON + " not found");
        Path py = dir.resolve("oracle.py");
        Files.writeString(py, ORACLE);
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), py.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        Assumptions.assumeFalse(out.contains("ModuleNotFoundError"), "skipped: gemmi/numpy missing: " + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static final String ORACLE = """
import sys
import numpy as np
import gemmi

mode = sys.argv[1]
if mode == "extract":  # residues FIRST..LAST of chain A, altloc A, box frame (centroid at 0), B 50, occupancy 1
    pdb, first, last, out = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    st = gemmi.read_structure(pdb)
    rows = []
    for r in st[0]["A"]:
        if first <= r.seqid.num <= last:
            for a in r:
                if a.altloc in ("\\0", "A"):
                    rows.append((a.element.name, a.pos.x, a.pos.y, a.pos.z))
    xyz = np.array([r[1:] for r in rows])
    xyz -= xyz.mean(axis=0)
    with open(out, "w") as f:
        for (el, *_), p in zip(rows, xyz):
            f.write("%s %.6f %.6f %.6f 50 1\\n" % (el, p[0], p[1], p[2]))
    print("atoms", len(rows), "elements", " ".join(sorted({r[0] for r in rows})), "extent", np.abs(xyz).max())
else:  # map ATOMS N APIX OUT: gemmi DensityCalculatorE as benchmarks/external/make_sets.py uses it
    atoms, n, apix, out = sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    h = (n // 2) * apix   # box frame -> cell frame: voxel n/2 is the box centre
    res = gemmi.Residue()
    res.name = "UNK"
    res.seqid = gemmi.SeqId(1, " ")
    for k, line in enumerate(open(atoms)):
        el, x, y, z, b, occ = line.split()
        a = gemmi.Atom()
        a.name = el.upper()
        a.element = gemmi.Element(el)
        a.pos = gemmi.Position(float(x) + h, float(y) + h, float(z) + h)
        a.b_iso = float(b)
        a.occ = float(occ)
        res.add_atom(a)
    ch = gemmi.Chain("A")
    ch.add_residue(res)
    model = gemmi.Model("1")
    model.add_chain(ch)
    st = gemmi.Structure()
    st.add_model(model)
    L = n * apix
    st.cell = gemmi.UnitCell(L, L, L, 90, 90, 90)
    st.spacegroup_hm = "P 1"
    dc = gemmi.DensityCalculatorE()
    dc.d_min = 2.0 * apix   # spacing = d_min / (2 rate) = apix
    dc.rate = 1.0
    dc.set_grid_cell_and_spacegroup(st)
    dc.put_model_density_on_grid(st[0])
    g = dc.grid
    if (g.nu, g.nv, g.nw) != (n, n, n):
        sys.exit("gemmi chose a %dx%dx%d grid, expected %d^3" % (g.nu, g.nv, g.nw, n))
    arr = np.array(g, copy=False)   # [u][v][w] = [x][y][z]
    arr.transpose(2, 1, 0).astype("<f4").tofile(out)   # z, y, x with x fastest, as Volume
    print("gemmi", gemmi.__version__, "blur", dc.blur, "cutoff", dc.cutoff, "max", arr.max())
            """;
}
