package dev.cryosphere.cli;

import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.BoxFrame;
import dev.cryosphere.core.format.MrcStackWriter;
import dev.cryosphere.core.format.OpticsGroup;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.StarWriter;
import dev.cryosphere.core.simulate.DiscreteConformations;
import dev.cryosphere.core.simulate.HingeMotion;
import dev.cryosphere.core.simulate.Motion;
import dev.cryosphere.core.simulate.SimulatedParticle;
import dev.cryosphere.core.simulate.SimulationSpec;
import dev.cryosphere.core.simulate.Simulator;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.Progress;
import dev.cryosphere.core.util.Ranges;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Simulate a particle set from a structure: hinge motion or a list of conformations.",
        description = {
                "Poses are uniform on SO(3), shifts Gaussian, defocus uniform in a range; images are the Gaussian forward "
                        + "model (one Gaussian per residue, RELION CTF convention) plus white noise of variance "
                        + "(mean clean-image variance) / SNR.",
                "Writes OUT/particles.star (RELION 3.1), OUT/particles.mrcs, OUT/ground_truth.csv (per particle: "
                        + "conformation or hinge angle, pose, shift, CTF), OUT/base.pdb (the structure used, after "
                        + "--center), OUT/conformations/ (the conformations, or the two ends of the hinge motion) and, "
                        + "with --write-clean, OUT/particles_clean.mrcs. Seeded and reproducible.",
                "", "Example: cryosphere simulate --structure adk.pdb --center --hinge A:122-159 --hinge-axis A:121,A:160 "
                + "--hinge-angles -20:20 -n 2000 --snr 0.1 --out sim"})
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--structure", paramLabel = "PDB|CIF", description = "Base structure (PDB or mmCIF).")
    Path structure;

    @Option(names = "--conformations", paramLabel = "FILE", split = ",",
            description = "Instead of a hinge: structures of the same residues, one per conformation; each particle "
                    + "takes one uniformly at random.")
    List<Path> conformations;

    @Option(names = "--hinge", paramLabel = "SEL", description = "Residues that move rigidly, e.g. A:122-159.")
    String hinge;

    @Option(names = "--hinge-axis", paramLabel = "RES,RES",
            description = "Two residues whose sites (CA) define the hinge axis, e.g. A:121,A:160.")
    String hingeAxis;

    @Option(names = "--hinge-angles", paramLabel = "MIN:MAX", description = "Hinge angle range, degrees (uniform).")
    String hingeAngles = "-20:20";

    @Option(names = "--center", description = "Translate the structure(s) so the base's residue centroid is at the box centre.")
    boolean center;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Number of particles.")
    int count = 1000;

    @Option(names = "--box", paramLabel = "PX", description = "Image side, pixels.")
    int box = 64;

    @Option(names = "--apix", paramLabel = "Å", description = "Pixel size, Å.")
    double apix = 2.0;

    @Option(names = "--sigma", paramLabel = "Å", description = "Gaussian width per residue, Å.")
    double sigma = 2.0;

    @Option(names = "--snr", description = "Signal-to-noise ratio (variance ratio); 0 = no noise.")
    double snr = 0.1;

    @Option(names = "--shift-sd", paramLabel = "Å", description = "Standard deviation of the particle shift per axis, Å.")
    double shiftSd = 2.0;

    @Option(names = "--defocus", paramLabel = "MIN:MAX", description = "Defocus U range, Å (uniform).")
    String defocus = "10000:25000";

    @Option(names = "--astigmatism", paramLabel = "Å", description = "Defocus V = U − uniform[0, this], Å.")
    double astigmatism = 500;

    @Option(names = "--voltage", paramLabel = "kV", description = "Acceleration voltage, kV.")
    double voltage = 300;

    @Option(names = "--cs", paramLabel = "mm", description = "Spherical aberration, mm.")
    double cs = 2.7;

    @Option(names = "--amp-contrast", paramLabel = "Q0", description = "Amplitude contrast.")
    double ampContrast = 0.07;

    @Option(names = "--no-ctf", description = "Simulate without CTF (the STAR file still has CTF columns, defocus 0).")
    boolean noCtf;

    @Option(names = "--seed", description = "Random seed.")
    long seed = 0;

    @Option(names = "--write-clean", description = "Also write the noise-free images to particles_clean.mrcs.")
    boolean writeClean;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--overwrite", description = "Replace OUT if it exists.")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        if ((structure == null) == (conformations == null || conformations.isEmpty()))
            throw new InputException(null, "options", "give exactly one of --structure or --conformations");
        AtomicModel input = AtomicModel.read(structure != null ? structure : conformations.get(0));
        double[] shift = center ? centroidShift(input.coordinates()) : new double[3];
        List<AtomicModel> others = new ArrayList<>();
        if (conformations != null) {
            if (hinge != null) throw new InputException(null, "options", "--hinge and --conformations exclude each other");
            for (Path p : conformations) {
                AtomicModel m = AtomicModel.read(p);
                if (m.size() != input.size())
                    throw new InputException(p, null, "has " + m.size() + " residues, " + conformations.get(0) + " has " + input.size());
                others.add(m);
            }
        }
        double[] df = Ranges.parse("--defocus", defocus);
        SimulationSpec spec;
        try {
            spec = new SimulationSpec(count, box, apix, sigma, snr, shiftSd, df[0], df[1], astigmatism, voltage, cs,
                    ampContrast, !noCtf, seed);
        } catch (IllegalArgumentException e) {
            throw new InputException(null, "options", e.getMessage());
        }
        try (AtomicOutput o = AtomicOutput.directory(out, overwrite)) {
            Path dir = o.path();
            // Simulate from the structures exactly as written (PDB precision), so that rendering the written files
            // with the written STAR reproduces the noise-free images.
            input.withCoordinates(translate(input.coordinates(), shift)).writePdb(dir.resolve("base.pdb"));
            AtomicModel base = AtomicModel.read(dir.resolve("base.pdb"));
            Motion motion = motion(base, others, shift, dir);
            // a residue outside the box would be clipped from the images without a word
            String boxFrom = "--box " + box + " --apix " + apix + (center ? " after --center" : " (no --center)");
            BoxFrame.requireInside(structure != null ? structure : conformations.get(0), base, box, apix, boxFrom);
            for (int k = 0; k < others.size(); k++)
                BoxFrame.requireInside(conformations.get(k), others.get(k).withCoordinates(translate(others.get(k).coordinates(),
                        shift)), box, apix, boxFrom);
            Simulator sim = new Simulator(spec, motion, base.amplitudes());
            List<Particle> particles = new ArrayList<>(count);
            OpticsGroup optics = OpticsGroup.of(1, apix, box, voltage, cs, ampContrast);
            Progress progress = new Progress("simulate", "images", spec.noisy() ? 2L * count : count);
            Simulator.Summary summary;
            try (MrcStackWriter noisy = MrcStackWriter.open(dir.resolve("particles.mrcs"), box, box, apix);
                 MrcStackWriter clean = writeClean ? MrcStackWriter.open(dir.resolve("particles_clean.mrcs"), box, box, apix) : null;
                 BufferedWriter truthFile = Files.newBufferedWriter(dir.resolve("ground_truth.csv"));
                 CSVPrinter truth = CsvTable.printer(truthFile)) {
                truth.printRecord("particle_index", "conformation", "hinge_angle_deg", "rot", "tilt", "psi", "origin_x_A",
                        "origin_y_A", "defocus_u_A", "defocus_v_A", "defocus_angle_deg", "voltage_kV", "cs_mm", "amp_contrast");
                summary = sim.run((t, c, n) -> {
                    noisy.append(n);
                    if (clean != null) clean.append(c);
                    CtfParams ctf = t.ctf() != null ? t.ctf() : CtfParams.of(0, 0, 0, voltage, cs, ampContrast);
                    particles.add(new Particle(t.index(), String.format(Locale.ROOT, "%06d@particles.mrcs", t.index() + 1),
                            dir.resolve("particles.mrcs"), t.index(), 1, t.rot(), t.tilt(), t.psi(), t.originX(),
                            t.originY(), ctf, apix, box));
                    truth.printRecord(csvRow(t, ctf));
                }, progress::update);
            }
            StarWriter.writeRelion31(dir.resolve("particles.star"), particles, List.of(optics));
            o.commit();
            progress.finish();
            System.out.printf(Locale.ROOT, "simulate: %d particles, %d px at %.3f Å/px, SNR %s (noise sd %.4g), seed %d -> %s%n",
                    count, box, apix, spec.noisy() ? String.valueOf(snr) : "no noise", summary.noiseSd(), seed, o.target());
        }
        return 0;
    }

    private Motion motion(AtomicModel base, List<AtomicModel> others, double[] shift, Path dir) {
        if (!others.isEmpty()) {
            List<double[]> list = new ArrayList<>();
            for (int k = 0; k < others.size(); k++) {
                Path written = dir.resolve(String.format(Locale.ROOT, "conformations/conformation_%03d.pdb", k));
                try {
                    java.nio.file.Files.createDirectories(written.getParent());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                AtomicModel m = others.get(k);
                m.withCoordinates(translate(m.coordinates(), shift)).writePdb(written);
                list.add(AtomicModel.read(written).coordinates());
            }
            return new DiscreteConformations(list);
        }
        if (hinge == null) return new DiscreteConformations(List.of(base.coordinates()));
        HingeMotion h = HingeMotion.of(base, hinge, hingeAxis, hingeAngles);
        double[] range = Ranges.parse("--hinge-angles", hingeAngles);
        // the two ends of the motion, as references for volumes and FSCs
        try {
            java.nio.file.Files.createDirectories(dir.resolve("conformations"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        base.withCoordinates(h.at(range[0])).writePdb(dir.resolve("conformations/hinge_min.pdb"));
        base.withCoordinates(h.at(range[1])).writePdb(dir.resolve("conformations/hinge_max.pdb"));
        return h;
    }

    private static Object[] csvRow(SimulatedParticle t, CtfParams c) {
        return new Object[]{t.index(), t.conformation(), Double.isNaN(t.hingeAngle()) ? "" : f("%.6f", t.hingeAngle()),
                f("%.6f", t.rot()), f("%.6f", t.tilt()), f("%.6f", t.psi()), f("%.6f", t.originX()), f("%.6f", t.originY()),
                f("%.3f", c.defocusU()), f("%.3f", c.defocusV()), f("%.4f", c.defocusAngle()), f("%.3f", c.voltage()),
                f("%.4f", c.cs()), f("%.4f", c.ampContrast())};
    }

    private static String f(String format, double v) { return String.format(Locale.ROOT, format, v); }

    static double[] centroidShift(double[] xyz) {
        int n = xyz.length / 3;
        double[] c = new double[3];
        for (int i = 0; i < n; i++) for (int k = 0; k < 3; k++) c[k] -= xyz[3 * i + k] / n;
        return c;
    }

    static double[] translate(double[] xyz, double[] t) {
        double[] out = xyz.clone();
        for (int i = 0; i < out.length; i++) out[i] += t[i % 3];
        return out;
    }
}
