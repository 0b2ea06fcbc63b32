package dev.cryosphere.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cryosphere.benchmark.BenchmarkTruth;
import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.dataset.ParticleBatch;
import dev.cryosphere.core.format.AtomCloud;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.format.ResidueSelection;
import dev.cryosphere.core.geometry.Euler;
import dev.cryosphere.core.physics.GaussianRenderer;
import dev.cryosphere.core.simulate.HingeMotion;
import dev.cryosphere.core.util.ImageStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The cached CI-size external validation set (benchmarks/external/cache/hinge-ci, made by benchmarks/external/make_sets.py
 * with gemmi full-atom maps and RELION 3.1.3's relion_project, none of the project's code): it parses and ingests with
 * the project's own readers, its truth files agree with the project's hinge model (BenchmarkTruth's reconstruction),
 * and the project's full-atom renderer (`render --sites atoms`'s code path) of each particle's true structure, with
 * the pose, shift and CTF read from the STAR file, reproduces RELION's noise-free projections. That ties the set's
 * conventions (pose, origin sign, CTF, frame, hinge sign) to ours independently of our forward model.
 */
class ExternalSetTest {
    /** The cached set; -Dexternal.set=DIR checks another hinge set of make_sets.py (e.g. a full-size one). */
    static final Path SET = System.getProperty("external.set") != null ? Paths.get(System.getProperty("external.set"))
            : root().resolve("benchmarks/external/cache/hinge-ci");

    @TempDir
    Path tmp;

    static Path root() {
        String p = System.getProperty("cryosphere.root");
        return (p != null ? Paths.get(p) : Paths.get("..")).toAbsolutePath().normalize();
    }

    static JsonNode truth() throws IOException {
        return new ObjectMapper().readTree(SET.resolve("truth.json").toFile());
    }

    /** ground_truth.csv: rows of doubles (empty = NaN), by header name. */
    static List<double[]> groundTruth(List<String> header) throws IOException {
        List<String> lines = Files.readAllLines(SET.resolve("ground_truth.csv"));
        header.addAll(Arrays.asList(lines.get(0).split(",")));
        List<double[]> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", -1);
            rows.add(Arrays.stream(f).mapToDouble(s -> s.isEmpty() ? Double.NaN : Double.parseDouble(s)).toArray());
        }
        return rows;
    }

    @Test
    void parsesAndIngests() throws Exception {
        JsonNode t = truth();
        int n = t.get("count").asInt(), box = t.get("box").asInt();
        ParticleSet set = ParticleSet.read(SET.resolve("particles.star")).requireImages();
        assertEquals(n, set.size());
        List<String> h = new ArrayList<>();
        List<double[]> truth = groundTruth(h);
        assertEquals(n, truth.size());
        // the columns `simulate` writes, in its order
        assertEquals(List.of("particle_index", "conformation", "hinge_angle_deg", "rot", "tilt", "psi", "origin_x_A",
                "origin_y_A", "defocus_u_A", "defocus_v_A", "defocus_angle_deg", "voltage_kV", "cs_mm", "amp_contrast"), h);
        for (Particle p : set.particles()) {
            double[] r = truth.get(p.row());
            assertEquals(p.row(), (int) r[0]);
            assertEquals(box, p.box());
            assertEquals(t.get("apix").asDouble(), p.pixelSize(), 1e-6);
            assertArrayEquals(new double[]{r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[13]},
                    new double[]{p.rot(), p.tilt(), p.psi(), p.originXAngst(), p.originYAngst(), p.ctf().defocusU(),
                            p.ctf().defocusV(), p.ctf().defocusAngle(), p.ctf().ampContrast()}, 1e-6, "row " + p.row());
            assertEquals(p.row(), p.imageIndex());
        }
        try (MrcReader stack = MrcReader.open(SET.resolve("particles.mrcs"))) {
            assertEquals(n, stack.count());
            assertEquals(box, stack.nx());
            for (int i = 0; i < n; i++)
                for (float v : stack.readImage(i)) assertTrue(Float.isFinite(v), "image " + i);
        }

        Path ds = tmp.resolve("ds");
        assertEquals(0, CryosphereCommand.execute("ingest", "--particles", SET.resolve("particles.star").toString(),
                "--out", ds.toString(), "--master", "local[2]"));
        DatasetReader reader = DatasetReader.open(ds);
        assertEquals(n, reader.count());
        int seen = 0;
        try (MrcReader stack = MrcReader.open(SET.resolve("particles.mrcs"));
             DatasetReader.BatchStream s = reader.batches(128)) {
            while (s.hasNext()) {
                ParticleBatch b = s.next();
                for (int i = 0; i < b.size; i++) {
                    int idx = (int) b.particleIndex[i];
                    assertEquals(truth.get(idx)[3], b.rot[i], 1e-6);
                    // ingest normalises the images: compare shapes, not values
                    assertEquals(1.0, ImageStats.pearson(b.images[i], stack.readImage(idx)), 1e-5, "particle " + idx);
                    seen++;
                }
            }
        }
        assertEquals(n, seen);
    }

    /**
     * base.pdb (the CA sites with residue electrons) is what AtomicModel reads from base_atoms.pdb, and every
     * conformation's CA sites are the project's HingeMotion (as BenchmarkTruth rebuilds it from truth.json's hinge) at
     * the bin's angle: scoring code can take the true structure of a particle from either.
     */
    @Test
    void truthAgreesWithTheProjectsHingeModel() throws Exception {
        JsonNode hinge = truth().get("hinges").get(0);
        AtomicModel base = AtomicModel.read(SET.resolve("base.pdb"));
        AtomicModel atoms = AtomicModel.read(SET.resolve("base_atoms.pdb"));
        assertEquals(atoms.size(), base.size());
        assertArrayEquals(atoms.coordinates(), base.coordinates(), 1e-9);
        assertArrayEquals(atoms.amplitudes(), base.amplitudes(), 1e-9);
        // the base CA centroid is at the box centre (the trainer's frame)
        double[] c = SimulateCommand.centroidShift(base.coordinates());
        for (double v : c) assertEquals(0, v, 2e-3);

        JsonNode range = hinge.get("angles");
        HingeMotion motion = HingeMotion.of(base, hinge.get("moving").asText(), hinge.get("axis").asText(),
                range.get(0).asDouble() + ":" + range.get(1).asDouble());
        List<String> h = new ArrayList<>();
        List<double[]> truth = groundTruth(h);
        int conformations = truth().get("conformations").asInt();
        double[] angleOf = new double[conformations];
        Arrays.fill(angleOf, Double.NaN);
        for (double[] r : truth) angleOf[(int) r[1]] = r[2];
        double worst = 0;
        for (int k = 0; k < conformations; k++) {
            double expected = range.get(0).asDouble() + (k + 0.5) * (range.get(1).asDouble() - range.get(0).asDouble()) / conformations;
            if (!Double.isNaN(angleOf[k])) assertEquals(expected, angleOf[k], 1e-6, "bin " + k + " angle");
            double[] sites = AtomicModel.read(SET.resolve(String.format(Locale.ROOT, "conformations/conformation_%03d.pdb", k))).coordinates();
            double[] ours = motion.at(expected);
            for (int i = 0; i < sites.length; i++) worst = Math.max(worst, Math.abs(sites[i] - ours[i]));
        }
        System.out.printf(Locale.ROOT, "external set: conformations vs HingeMotion, max |difference| %.4f Å%n", worst);
        assertTrue(worst < 2e-3, "conformation CA sites differ from HingeMotion by up to " + worst + " Å");
    }

    /** Atom index ranges of each residue of base_atoms.pdb, in file (= AtomCloud) order: {chain, number} per atom. */
    private static List<String[]> atomResidues() throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String l : Files.readAllLines(SET.resolve("base_atoms.pdb")))
            if (l.startsWith("ATOM  ") || l.startsWith("HETATM"))
                out.add(new String[]{l.substring(21, 22), l.substring(22, 26).trim()});
        return out;
    }

    /** Full-atom coordinates of a particle's true structure: base_atoms.pdb with the hinge applied to whole residues. */
    private static double[] atomsAt(AtomCloud atoms, List<String[]> residueOf, AtomicModel base, JsonNode hinge, double angle) {
        int[] moving = ResidueSelection.parse(hinge.get("moving").asText()).indices(base);
        java.util.Set<String> movingKeys = new java.util.HashSet<>();
        for (int i : moving) movingKeys.add(base.chain(i) + ":" + base.residueNumber(i));
        List<Integer> movingAtoms = new ArrayList<>();
        for (int a = 0; a < residueOf.size(); a++)
            if (movingKeys.contains(residueOf.get(a)[0] + ":" + residueOf.get(a)[1])) movingAtoms.add(a);
        String[] ax = hinge.get("axis").asText().split(",");
        double[] xyz = base.coordinates();
        int p = ResidueSelection.parse(ax[0]).single(base), q = ResidueSelection.parse(ax[1]).single(base);
        HingeMotion m = new HingeMotion(atoms.xyz(), movingAtoms.stream().mapToInt(Integer::intValue).toArray(),
                new double[]{xyz[3 * p], xyz[3 * p + 1], xyz[3 * p + 2]}, new double[]{xyz[3 * q], xyz[3 * q + 1], xyz[3 * q + 2]},
                -180, 180);
        return m.at(angle);
    }

    /**
     * Our full-atom render (GaussianRenderer over every atom, amplitude = atomic number: `render --sites atoms`) of each
     * kept noise-free particle's true structure, with its STAR pose, origin and CTF, against RELION's projection.
     * Measured on the committed set (32 px, 4.6 Å/px, σ 2 Å): mean Pearson 0.990, min 0.985 (bars 0.95 / 0.90);
     * with the origin's sign flipped 0.561 (must be 0.02 below); our residue model (σ 2 Å, not asserted) 0.964. As a control, the same render of the
     * opposite hinge angle (the mirror conformation) must correlate worse for the particles whose mirror is at least 20° away
     * (|angle| ≥ 10° on a ±20° set).
     */
    @Test
    void ourFullAtomRenderMatchesRelionsProjections() throws Exception {
        JsonNode t = truth(), hinge = t.get("hinges").get(0);
        int box = t.get("box").asInt();
        double apix = t.get("apix").asDouble();
        AtomCloud atoms = AtomCloud.read(SET.resolve("base_atoms.pdb"));
        AtomicModel base = AtomicModel.read(SET.resolve("base.pdb"));
        List<String[]> residueOf = atomResidues();
        assertEquals(atoms.size(), residueOf.size());
        List<Particle> rows = ParticleSet.read(SET.resolve("particles.star")).particles();
        List<double[]> truth = groundTruth(new ArrayList<>());
        GaussianRenderer renderer = new GaussianRenderer(box, apix, SIGMA);
        GaussianRenderer residues = new GaussianRenderer(box, apix, 2.0);
        double sum = 0, min = 1, sumFlipped = 0, sumResidues = 0;
        int n, better = 0, tested = 0;
        try (MrcReader clean = MrcReader.open(SET.resolve("particles_clean.mrcs"))) {
            n = (int) clean.count();
            assertTrue(n >= 8, "particles_clean.mrcs holds " + n + " images");
            for (int i = 0; i < n; i++) {
                Particle p = rows.get(i);
                double angle = truth.get(i)[2];
                double[] pose = Euler.toMatrix(p.rot(), p.tilt(), p.psi());
                float[] relion = clean.readImage(i);
                float[] ours = renderer.render(atomsAt(atoms, residueOf, base, hinge, angle), atoms.electrons(), pose,
                        p.originXAngst(), p.originYAngst(), p.ctf());
                double r = ImageStats.pearson(ours, relion);
                // controls: the origin with the opposite sign; our residue model (one Gaussian per residue, σ 2 Å)
                sumFlipped += ImageStats.pearson(renderer.render(atomsAt(atoms, residueOf, base, hinge, angle),
                        atoms.electrons(), pose, -p.originXAngst(), -p.originYAngst(), p.ctf()), relion);
                double[] sites = HingeMotion.of(base, hinge.get("moving").asText(), hinge.get("axis").asText(),
                        "-20:20").at(angle);
                sumResidues += ImageStats.pearson(residues.render(sites, base.amplitudes(), pose, p.originXAngst(),
                        p.originYAngst(), p.ctf()), relion);
                sum += r;
                min = Math.min(min, r);
                // the mirror (-angle) must be a different conformation: at least 20° away on the circle (|angle| >= 10°
                // for a ±20° set; for igg-1d's full turn the angles near 0° and 180° are their own mirrors)
                double apart = Math.abs(Math.IEEEremainder(2 * angle, 360));
                if (apart >= 20) {
                    float[] mirror = renderer.render(atomsAt(atoms, residueOf, base, hinge, -angle), atoms.electrons(), pose,
                            p.originXAngst(), p.originYAngst(), p.ctf());
                    double rm = ImageStats.pearson(mirror, relion);
                    tested++;
                    if (rm < r) better++;
                    System.out.printf(Locale.ROOT, "  particle %d angle %+.1f: Pearson %.4f, mirror %.4f%n", i, angle, r, rm);
                }
            }
        }
        double mean = sum / n, flipped = sumFlipped / n;
        System.out.printf(Locale.ROOT, "external set: full-atom render (sigma %.2f Å) vs RELION, %d particles: mean Pearson %.4f, min %.4f; "
                + "true conformation beats its mirror in %d of %d; origin sign flipped: mean %.4f; residue model (sigma 2 Å): mean %.4f%n",
                SIGMA, n, mean, min, better, tested, flipped, sumResidues / n);
        assertTrue(flipped < mean - 0.02, "the flipped origin correlates " + flipped + ", the true one " + mean);
        assertTrue(mean >= 0.95, "mean Pearson " + mean);
        assertTrue(min >= 0.90, "min Pearson " + min);
        assertTrue(tested >= 4 && better == tested, "true conformation better than its mirror in " + better + " of " + tested);
    }

    /**
     * `cryosphere benchmark` scores the cached set through a spec entry {@code external: DIR} (no simulation; one tiny
     * epoch): the row is complete, and the base structure's RMSD to the truth is the median over the compared particles
     * of base.pdb against their bins' conformation files, recomputed here.
     */
    @Test
    void benchmarkScoresTheSetFromAnExternalEntry() throws Exception {
        Path spec = tmp.resolve("spec.yaml");
        Files.writeString(spec, """
                entries:
                  - name: ext
                    external: "%s"
                    epochs: 1
                    master: local[2]
                    train_master: jvm
                    truth_particles: 20
                    train: {segments: 4, latent_dim: 4, encoder_hidden: [32, 16], decoder_hidden: [16], batch_size: 64}
                    evaluate: {no_volumes: true, traversal_steps: 3}
                """.formatted(SET.toString().replace("\\", "/")));
        Path out = tmp.resolve("B");
        Cli c = Cli.run("benchmark", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(0, c.exitCode(), c.err());
        List<String> lines = Files.readAllLines(out.resolve("benchmark.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        String[] row = lines.get(1).split(",", -1);
        java.util.function.Function<String, String> col = k -> row[header.indexOf(k)];
        assertEquals("ok", col.apply("status"));
        assertEquals(String.valueOf(truth().get("count").asInt()), col.apply("n_particles"));
        assertEquals("0", col.apply("simulate_s").replaceAll("\\.0+$", ""));
        double rho = Double.parseDouble(col.apply("latent_spearman"));
        assertTrue(rho >= 0 && rho <= 1, "|Spearman| " + rho);
        assertEquals("20", col.apply("truth_particles"));
        assertTrue(Double.parseDouble(col.apply("rmsd_median_A")) > 0);
        assertFalse(Files.exists(out.resolve("ext/sim")), "no simulation for an external entry");

        List<double[]> truth = groundTruth(new ArrayList<>());
        double[] base = AtomicModel.read(SET.resolve("base.pdb")).coordinates();
        double[] r = new double[20];
        for (int k = 0; k < 20; k++) {
            int p = (int) Math.floor((double) k * truth.size() / 20);
            double[] sites = AtomicModel.read(SET.resolve(String.format(Locale.ROOT, "conformations/conformation_%03d.pdb",
                    (int) truth.get(p)[1]))).coordinates();
            r[k] = BenchmarkTruth.rmsd(base, sites);
        }
        assertEquals(BenchmarkTruth.median(r), Double.parseDouble(col.apply("base_rmsd_median_A")), 1e-3);
    }

    /**
     * Gaussian width of our full-atom render. RELION projects a map band-limited at Nyquist (9.2 Å at 4.6 Å/px);
     * point-sampling σ = 1 Å atoms on that grid aliases (measured: mean Pearson 0.949), σ 1.5 / 2 / 2.5 Å give
     * 0.984 / 0.990 / 0.986. At 64 px and 2 Å/px the oracle test uses σ 1 Å (0.987).
     */
    static final double SIGMA = Double.parseDouble(System.getProperty("external.sigma", "2.0"));
}
