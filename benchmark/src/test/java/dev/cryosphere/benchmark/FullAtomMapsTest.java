package dev.cryosphere.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.geometry.ResidueTransforms;
import dev.cryosphere.core.physics.Fsc;
import dev.cryosphere.trainer.model.Deformation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link FullAtomMaps} on the cached external set (benchmarks/external/cache/hinge-ci; -Dfullatom.set=DIR for another
 * set of make_sets.py, e.g. a full-size one, any kind) against independent oracles: the CA sites make_sets.py wrote
 * for each conformation, make_sets.py's own hinge_apply and gemmi's DensityCalculatorE run at test time (as
 * AtomicDensityTest does; skipped without /usr/bin/python3 + gemmi), and the decoder's deformation written out point
 * by point.
 */
class FullAtomMapsTest {
    static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
    static final Path SET = System.getProperty("fullatom.set") != null ? Paths.get(System.getProperty("fullatom.set"))
            : ROOT.resolve("benchmarks/external/cache/hinge-ci");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    static JsonNode truth(Path set) throws IOException {
        return new ObjectMapper().readTree(set.resolve("truth.json").toFile());
    }

    private static final java.util.Map<Path, FullAtomMaps> READ = new java.util.concurrent.ConcurrentHashMap<>();

    /** The set's maps, read once per set (parsing base_atoms.pdb is most of a test's time). */
    static FullAtomMaps maps(Path set) throws IOException {
        FullAtomMaps m = READ.get(set);
        if (m != null) return m;
        JsonNode t = truth(set);
        m = FullAtomMaps.read(set, t.get("box").asInt(), t.get("apix").asDouble());
        READ.put(set, m);
        return m;
    }

    static double maxDiff(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    /** The site atoms of base_atoms.pdb, in residue order, are base.pdb's sites (what training and scoring use). */
    @Test
    void siteAtomsAreTheBaseSites() throws IOException {
        FullAtomMaps m = maps(SET);
        if (truth(SET).get("atoms").isInt()) assertEquals(truth(SET).get("atoms").asInt(), m.base.size());   // discrete: a path
        assertEquals(50.0, m.bFactor, 0);   // provenance.json parameters.bfactor (make_sets.py --bfactor)
        assertTrue(maxDiff(AtomicModel.read(SET.resolve("base.pdb")).coordinates(), m.base.siteCoordinates()) < 1e-9);
        // the one-site-per-residue file is refused by name, not rendered as if it had atoms
        var e = assertThrows(dev.cryosphere.core.util.InputException.class,
                () -> dev.cryosphere.core.format.ResidueAtoms.read(SET.resolve("base.pdb")));
        assertTrue(e.getMessage().contains("base.pdb"), e.getMessage());
    }

    /**
     * The oracle the script wrote: each rebuilt full-atom conformation's CA atoms are conformations/conformation_KKK.pdb
     * (PDB precision, 5e-4 Å) for bins across the range; atoms of residues that do not move stay exactly in place.
     */
    @Test
    void rebuiltConformationsHaveTheScriptsCaSites() throws IOException {
        FullAtomMaps m = maps(SET);
        int k = truth(SET).get("conformations").asInt();
        double[] base = m.base.xyz();
        boolean discrete = truth(SET).path("kind").asText().equals("discrete");
        for (int bin : discrete ? java.util.stream.IntStream.range(0, k).toArray() : new int[]{0, k / 4, k / 3, k - 1}) {
            double[] atoms = m.binAtoms(bin);
            double[] sites = new double[3 * m.base.siteAtom().length];
            for (int r = 0; r < m.base.siteAtom().length; r++) System.arraycopy(atoms, 3 * m.base.siteAtom()[r], sites, 3 * r, 3);
            double[] expected = AtomicModel.read(SET.resolve(String.format(Locale.ROOT, "conformations/conformation_%03d.pdb", bin))).coordinates();
            double d = maxDiff(expected, sites), moved = maxDiff(m.base.siteCoordinates(), sites);
            System.out.printf(Locale.ROOT, "bin %d: CA sites vs conformation_%03d.pdb: max |diff| %.2e Å (sites moved up to %.1f Å)%n", bin, bin, d, moved);
            assertTrue(d <= 1e-3, "bin " + bin + ": " + d + " Å");
            if (discrete) continue;   // atoms_KKK.pdb: every atom may move
            assertTrue(moved > 0.3, "bin " + bin + " does not move: the check would be empty");
            int unmoved = 0;
            for (int a = 0; a < m.base.size(); a++)
                if (atoms[3 * a] == base[3 * a] && atoms[3 * a + 1] == base[3 * a + 1] && atoms[3 * a + 2] == base[3 * a + 2]) unmoved++;
            assertTrue(unmoved > 0 && unmoved < m.base.size(), unmoved + " atoms in place");
        }
    }

    /**
     * The predicted-structure path: a decoder output's per-residue maps move every atom; the moved site atoms are the
     * predicted sites (the reference deformation of the base sites, written out), and the prediction's map is made
     * exactly as a true map (a prediction equal to a conformation gives that conformation's map).
     */
    @Test
    void movedSiteAtomsArePredictedSitesAndMapsAreMadeAsTheTruth() throws IOException {
        FullAtomMaps m = maps(SET);
        int residues = m.base.siteAtom().length, segments = 3;
        SplittableRandom r = new SplittableRandom(1);
        double[][] w = new double[residues][segments];
        for (int i = 0; i < residues; i++) {   // soft segments along the chain, as a learned GMM gives
            double s = 0;
            for (int j = 0; j < segments; j++) s += w[i][j] = Math.exp(-Math.pow((i - (j + 0.5) * residues / segments) / 60.0, 2));
            for (int j = 0; j < segments; j++) w[i][j] /= s;
        }
        double[] decoded = new double[6 * segments];
        for (int i = 0; i < decoded.length; i++) decoded[i] = (i % 6 < 3 ? 5 : 0.3) * (2 * r.nextDouble() - 1);
        ResidueTransforms t = Deformation.transforms(w, decoded);
        double[] atoms = t.applyToAtoms(m.base.xyz(), m.base.residueOf());
        double[] baseSites = m.base.siteCoordinates(), predicted = Deformation.apply(baseSites, w, decoded);
        double worst = 0;
        for (int i = 0; i < residues; i++) {
            int a = m.base.siteAtom()[i];
            double[] e = reference(baseSites[3 * i], baseSites[3 * i + 1], baseSites[3 * i + 2], w[i], decoded);
            for (int d = 0; d < 3; d++) {
                worst = Math.max(worst, Math.abs(atoms[3 * a + d] - e[d]));
                assertEquals(predicted[3 * i + d], atoms[3 * a + d], 1e-9);
            }
        }
        assertTrue(worst < 1e-9, "moved CA vs reference: " + worst);

        boolean discrete = truth(SET).path("kind").asText().equals("discrete");
        int bin = discrete ? 0 : 1;   // discrete sets: state 0 is the base structure
        Volume truth = m.binMap(bin), same = m.predicted(discrete ? ResidueTransforms.identity(residues) : m.binTransforms(bin)), base = m.predicted(ResidueTransforms.identity(residues));
        double top = 0, diff = 0;
        for (int i = 0; i < truth.data().length; i++) {
            top = Math.max(top, Math.abs(truth.data()[i]));
            diff = Math.max(diff, Math.abs(truth.data()[i] - same.data()[i]));
        }
        assertTrue(diff <= 1e-6 * top, "prediction = truth gives another map: " + diff / top);
        double aucSame = dev.cryosphere.evaluate.job.ParticleTask.auc(Fsc.compute(same, truth)),
                aucBase = dev.cryosphere.evaluate.job.ParticleTask.auc(Fsc.compute(base, truth));
        if (!discrete) assertTrue(aucSame > aucBase, aucSame + " vs " + aucBase);
        // one predicted map: the work of a particle in the score stage
        long t0 = System.nanoTime();
        int reps = 5;
        for (int i = 0; i < reps; i++) m.predicted(t);
        System.out.printf(Locale.ROOT, "predicted full-atom map: %d atoms, %d³ (rendered at %d×, Fourier-cropped): %.1f ms each%n",
                m.base.size(), truth.nx(), FullAtomMaps.OVERSAMPLE, (System.nanoTime() - t0) / 1e6 / reps);
    }

    /** The decoder's deformation of one point as the reference writes it (successive rotations, then Σ w t). */
    private static double[] reference(double x, double y, double z, double[] w, double[] decoded) {
        double tx = 0, ty = 0, tz = 0;
        for (int s = 0; s < w.length; s++) {
            double vx = decoded[6 * s + 3], vy = decoded[6 * s + 4], vz = decoded[6 * s + 5];
            double n = Math.sqrt(vx * vx + vy * vy + vz * vz);
            double ax = vx / n, ay = vy / n, az = vz / n, phi = w[s] * 2 * Math.atan(n);
            double c = Math.cos(phi), sn = Math.sin(phi), dot = ax * x + ay * y + az * z;
            double nx = x * c + (ay * z - az * y) * sn + ax * dot * (1 - c);
            double ny = y * c + (az * x - ax * z) * sn + ay * dot * (1 - c);
            double nz = z * c + (ax * y - ay * x) * sn + az * dot * (1 - c);
            x = nx; y = ny; z = nz;
            tx += w[s] * decoded[6 * s];
            ty += w[s] * decoded[6 * s + 1];
            tz += w[s] * decoded[6 * s + 2];
        }
        return new double[]{x + tx, y + ty, z + tz};
    }

    /**
     * make_sets.py's own code (its hinge_apply, imported) builds the conformation and gemmi renders it on the 2×
     * grid, numpy Fourier-crops it; our rebuilt conformation's map must be the same map. Hinge sets only.
     */
    @Test
    void trueMapMatchesGemmiOnTheScriptsConformation() throws Exception {
        Assumptions.assumeFalse(truth(SET).path("kind").asText().equals("discrete"), "hinge sets only");
        compareWithScript(SET, truth(SET).get("conformations").asInt() / 4, true);
    }

    /**
     * Two hinges in a row (as two-hinges): a truth.json with a second hinge on the cached structure, whose axis
     * residues the first hinge moves, so the order and the axis taken after the first hinge matter; the conformation
     * index is row-major. Sites from make_sets.py's code (no map: the single-hinge test covers the maps).
     */
    @Test
    void twoHingesFollowTheScriptsOrderAndIndexing() throws Exception {
        Assumptions.assumeTrue(SET.equals(ROOT.resolve("benchmarks/external/cache/hinge-ci")), "cached set only");
        Path set = dir.resolve("two");
        Files.createDirectories(set);
        for (String f : List.of("base.pdb", "base_atoms.pdb", "provenance.json")) Files.copy(SET.resolve(f), set.resolve(f));
        var t = (com.fasterxml.jackson.databind.node.ObjectNode) truth(SET);
        var hinges = (com.fasterxml.jackson.databind.node.ArrayNode) t.get("hinges");
        var second = new ObjectMapper().createObjectNode();
        second.put("moving", "A:400-460");
        second.put("axis", "A:399,A:461");   // inside the first hinge's moving domain
        second.putArray("angles").add(-30.0).add(30.0);
        second.put("bins", 3);
        second.putArray("bin_centres").add(-20.0).add(0.0).add(20.0);
        hinges.add(second);
        t.put("conformations", 60);
        new ObjectMapper().writeValue(set.resolve("truth.json").toFile(), t);
        FullAtomMaps m = maps(set);
        assertEquals(60, m.conformations());
        assertArrayEquals(new double[]{-5.0, 20.0}, m.angles(3 * 7 + 2), 0);   // bin 7 of hinge 1 (-5°), bin 2 of hinge 2
        compareWithScript(set, 3 * 7 + 2, false);
        compareWithScript(set, 3 * 19, false);
    }

    private void compareWithScript(Path set, int bin, boolean withMap) throws Exception {
        FullAtomMaps m = maps(set);
        JsonNode t = truth(set);
        int box = t.get("box").asInt(), fine = box * FullAtomMaps.OVERSAMPLE;
        double apix = t.get("apix").asDouble();
        Path sites = dir.resolve("sites.txt"), map = dir.resolve("map.f32");
        String log = python(ROOT.resolve("benchmarks/external/make_sets.py").toString(), set.toString(), String.valueOf(bin),
                String.valueOf(withMap ? fine : 0), String.valueOf(apix / FullAtomMaps.OVERSAMPLE), String.valueOf(box),
                String.valueOf(m.bFactor), sites.toString(), map.toString());
        double[] atoms = m.binAtoms(bin);
        double[] script = Files.readAllLines(sites).stream().flatMap(l -> java.util.Arrays.stream(l.trim().split("\\s+")))
                .mapToDouble(Double::parseDouble).toArray();
        double d = maxDiff(script, atoms);
        System.out.printf(Locale.ROOT, "%s bin %d: all %d atoms vs make_sets.py hinge_apply: max |diff| %.2e Å; %s%n",
                set.getFileName(), bin, m.base.size(), d, log.trim());
        assertTrue(d < 1e-9, "atoms differ from make_sets.py's by " + d + " Å");
        if (!withMap) return;
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(map)).order(ByteOrder.LITTLE_ENDIAN);
        float[] ref = new float[box * box * box];
        bb.asFloatBuffer().get(ref);
        float[] ours = m.binMap(bin).data();
        double top = 0, diff = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        for (int i = 0; i < ref.length; i++) {
            double x = ours[i], y = ref[i];
            top = Math.max(top, Math.abs(y));
            diff = Math.max(diff, Math.abs(x - y));
            sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y;
        }
        int n = ref.length;
        double r = (sab - sa * sb / n) / Math.sqrt((saa - sa * sa / n) * (sbb - sb * sb / n));
        System.out.printf(Locale.ROOT, "bin %d map vs gemmi + numpy crop (%d³ -> %d³): max |diff|/max %.2e, 1 - Pearson %.2e%n",
                bin, fine, box, diff / top, 1 - r);
        // float32 grids and gemmi's fast exp (1e-5 relative): measured well below the bound
        assertTrue(diff / top < 1e-4, "max |diff|/max " + diff / top);
        assertTrue(r > 0.999999, "Pearson " + r);
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

    /**
     * make_sets.py imported as a module: its atoms_of and hinge_apply build conformation BIN of the set (hinges in
     * truth.json order, row-major bins); the atoms go out as text; with FINE > 0, gemmi's map on the FINE³ grid of the
     * box cell as make_sets.py's project_conformation sets it up, Fourier-cropped to BOX³ with numpy.
     */
    private static final String ORACLE = """
import importlib.util, json, sys
import numpy as np
import gemmi

script, setdir, k, fine, apix, box, bfac, sites_out, map_out = sys.argv[1:]
k, fine, apix, box, bfac = int(k), int(fine), float(apix), int(box), float(bfac)
spec = importlib.util.spec_from_file_location("make_sets", script)
ms = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ms)
truth = json.load(open(setdir + "/truth.json"))
st = gemmi.read_structure(setdir + "/base_atoms.pdb")
xyz, res_of, residues, site, electrons = ms.atoms_of(st)
hinges = truth["hinges"]
idx = np.unravel_index(k, [len(h["bin_centres"]) for h in hinges])
x = xyz
for h, b in zip(hinges, idx):
    x = ms.hinge_apply(x, res_of, residues, site, h, h["bin_centres"][b])
np.savetxt(sites_out, x, fmt="%.12f")
if fine > 0:
    L = fine * apix
    ms.set_positions(st, x + L / 2.0)
    for ch in st[0]:
        for r in ch:
            for at in r:
                at.occ = 1.0
                at.b_iso = bfac
                at.aniso = gemmi.SMat33f(0, 0, 0, 0, 0, 0)
    st.cell = gemmi.UnitCell(L, L, L, 90, 90, 90)
    st.spacegroup_hm = "P 1"
    dc = gemmi.DensityCalculatorE()
    dc.d_min = 2.0 * apix
    dc.rate = 1.0
    dc.set_grid_cell_and_spacegroup(st)
    dc.put_model_density_on_grid(st[0])
    g = dc.grid
    if (g.nu, g.nv, g.nw) != (fine, fine, fine):
        sys.exit("gemmi chose a %dx%dx%d grid, expected %d^3" % (g.nu, g.nv, g.nw, fine))
    v = np.array(g, copy=False).transpose(2, 1, 0).astype(np.float64)   # z, y, x
    f = np.fft.fftshift(np.fft.fftn(np.fft.ifftshift(v)))
    o = fine // 2 - box // 2
    c = f[o:o + box, o:o + box, o:o + box]
    out = np.fft.fftshift(np.fft.ifftn(np.fft.ifftshift(c))).real * (box / fine) ** 3
    out.astype("<f4").tofile(map_out)
print("gemmi", gemmi.__version__, "hinge bins", [int(i) for i in idx])
""";
}
