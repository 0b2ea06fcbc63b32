package dev.cryosphere.cli;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.format.OpticsGroup;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.util.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        header = "Summarise an MRC/MRCS, STAR, .cs or PDB/mmCIF file and list the problems found.",
        description = {"MRC/MRCS: dimensions, mode, pixel size, image count, statistics of the first image.",
                "STAR/.cs: particle count, optics groups (pixel size, box, voltage, Cs, Q0), stacks referenced, pose "
                        + "columns missing; checks that every stack exists, every image index is inside its stack and "
                        + "no name without N@ points into a stack of several images.",
                "PDB/mmCIF: chains, residues used (one site per residue), total electrons, centroid and extent.",
                "Exit code 0 when no problem is found, 2 when the file cannot be read or a problem is listed."})
public final class InfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The file to summarise.")
    Path file;

    @picocli.CommandLine.Option(names = "--map", paramLabel = "MRC", description = "For a structure: the consensus map it "
            + "was fitted into; also print where the structure lies in the particles' box frame (the map's centre "
            + "voxel at 0, 0, 0 Å), as train --map and render --map move it.")
    Path map;

    @Override
    public Integer call() {
        if (!Files.exists(file)) throw new InputException(file, null, "no such file");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "");
        if (name.endsWith(".mrc") || name.endsWith(".mrcs") || name.endsWith(".map") || name.endsWith(".st")) return mrc();
        if (name.endsWith(".star") || name.endsWith(".cs")) return particles();
        if (name.endsWith(".pdb") || name.endsWith(".ent") || name.endsWith(".cif") || name.endsWith(".mmcif")) return structure();
        throw new InputException(file, null, "unknown file type (expected .mrc, .mrcs, .map, .star, .cs, .pdb, .cif)");
    }

    private int mrc() {
        try (MrcReader r = MrcReader.open(file)) {
            var h = r.header();
            System.out.printf(Locale.ROOT, "%s: MRC, %d x %d x %d, mode %d (%s), pixel size %.4f Å (header)%n",
                    file, h.nx(), h.ny(), h.nz(), h.mode(), h.voxelMode(), h.pixelSize());
            System.out.printf(Locale.ROOT, "  %d images of %d x %d%n", r.count(), r.nx(), r.ny());
            if (r.count() > 0) {
                float[] img = r.readImage(0);
                double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, sum = 0, sq = 0;
                int nonFinite = 0;
                for (float v : img) {
                    if (!Float.isFinite(v)) { nonFinite++; continue; }
                    min = Math.min(min, v); max = Math.max(max, v); sum += v; sq += (double) v * v;
                }
                int k = img.length - nonFinite;
                double mean = sum / Math.max(1, k);
                System.out.printf(Locale.ROOT, "  first image: min %.5g, max %.5g, mean %.5g, std %.5g%n",
                        min, max, mean, Math.sqrt(Math.max(0, sq / Math.max(1, k) - mean * mean)));
                if (nonFinite > 0) {
                    System.out.printf("  problem: image 1 has %d NaN/Inf pixels%n", nonFinite);
                    return 2;
                }
            }
        }
        return 0;
    }

    private int particles() {
        ParticleSet set = ParticleSet.read(file, null);
        List<Particle> ps = set.particles();
        System.out.printf(Locale.ROOT, "%s: %d particles, %d optics group(s)%n", file, ps.size(), set.opticsGroups().size());
        for (OpticsGroup g : set.opticsGroups())
            System.out.printf(Locale.ROOT, "  optics %d %s: pixel %.4f Å, box %s, %.0f kV, Cs %.3g mm, Q0 %.3g%n",
                    g.number(), g.name() == null ? "" : g.name(), g.pixelSize(), g.box() > 0 ? String.valueOf(g.box()) : "?",
                    g.voltage(), g.cs(), g.ampContrast());
        Map<Path, Long> maxIndex = new LinkedHashMap<>();
        Map<Path, Integer> firstRow = new LinkedHashMap<>();
        Map<Path, Integer> unnumbered = new LinkedHashMap<>();   // first row naming the stack without N@
        for (Particle p : ps) {
            if (p.stack() == null) continue;   // pose/CTF-only metadata
            maxIndex.merge(p.stack(), p.imageIndex(), Math::max);
            firstRow.putIfAbsent(p.stack(), p.row());
            if (p.imageName().indexOf('@') < 0) unnumbered.putIfAbsent(p.stack(), p.row());
        }
        double dmin = Double.MAX_VALUE, dmax = -Double.MAX_VALUE;
        for (Particle p : ps) { dmin = Math.min(dmin, p.ctf().defocusU()); dmax = Math.max(dmax, p.ctf().defocusU()); }
        System.out.printf(Locale.ROOT, "  defocus U %.0f .. %.0f Å; %d stack file(s)%n", dmin, dmax, maxIndex.size());
        List<String> problems = new ArrayList<>();
        Map<Integer, Set<String>> boxes = new TreeMap<>();
        for (Map.Entry<Path, Long> e : maxIndex.entrySet()) {
            Path stack = e.getKey();
            if (!Files.exists(stack)) {
                problems.add("stack " + stack + " (first used on row " + (firstRow.get(stack) + 1) + ") does not exist");
                continue;
            }
            try (MrcReader r = MrcReader.open(stack)) {
                if (e.getValue() >= r.count())
                    problems.add("stack " + stack + " has " + r.count() + " images but the metadata uses index " + (e.getValue() + 1));
                if (unnumbered.containsKey(stack)) {
                    InputException bare = set.unnumberedReference(ps.get(unnumbered.get(stack)), r.count());
                    if (bare != null) problems.add(bare.getMessage());
                }
                boxes.computeIfAbsent(r.nx(), k -> new LinkedHashSet<>()).add(stack.getFileName().toString());
                if (r.nx() != r.ny()) problems.add("stack " + stack + " images are not square: " + r.nx() + " x " + r.ny());
            } catch (InputException ex) {
                problems.add(ex.getMessage());
            }
        }
        if (!set.hasImages()) System.out.println("  no image references (_rlnImageName): pose/CTF metadata only");
        if (!set.hasPoses())
            System.out.println("  no poses: missing " + String.join(", ", set.missingPoseColumns())
                    + " (fine for looking at the images; ingest for training and render refuse it)");
        if (maxIndex.size() <= 10) for (Path s : maxIndex.keySet()) System.out.println("  stack " + s);
        if (boxes.size() > 1) problems.add("stacks have different image sizes: " + boxes);
        for (String p : problems) System.out.println("  problem: " + p);
        if (problems.isEmpty()) System.out.println("  no problem found");
        return problems.isEmpty() ? 0 : 2;
    }

    private int structure() {
        AtomicModel m = AtomicModel.read(file);
        Map<String, Integer> chains = new LinkedHashMap<>();
        double total = 0;
        double[] xyz = m.coordinates();
        double[] c = new double[3];
        for (int i = 0; i < m.size(); i++) {
            chains.merge(m.chain(i).isEmpty() ? "_" : m.chain(i), 1, Integer::sum);
            total += m.amplitudes()[i];
            for (int k = 0; k < 3; k++) c[k] += xyz[3 * i + k] / m.size();
        }
        double rmax = 0;
        for (int i = 0; i < m.size(); i++) {
            double dx = xyz[3 * i] - c[0], dy = xyz[3 * i + 1] - c[1], dz = xyz[3 * i + 2] - c[2];
            rmax = Math.max(rmax, Math.sqrt(dx * dx + dy * dy + dz * dz));
        }
        System.out.printf(Locale.ROOT, "%s: %d residues in %d chain(s) %s; %.0f electrons (mean %.1f per residue)%n",
                file, m.size(), chains.size(), chains, total, total / m.size());
        System.out.printf(Locale.ROOT, "  centroid (%.2f, %.2f, %.2f) Å, max radius %.1f Å (needs a box of at least %.0f Å)%n",
                c[0], c[1], c[2], rmax, 2 * rmax + 10);
        if (m.skippedResidues() > 0)
            System.out.printf("  %d residue(s) without a CA/C1' site were skipped%n", m.skippedResidues());
        if (map != null) {
            dev.cryosphere.core.format.MapFrame f = dev.cryosphere.core.format.MapFrame.read(map);
            double[] b = f.toBox(c);
            double half = f.box() * f.apix() / 2, out = 0;
            double[] box = f.toBox(xyz);
            for (double v : box) out = Math.max(out, Math.abs(v) - half);
            System.out.printf(Locale.ROOT, "  in the box frame of %s: centroid (%.2f, %.2f, %.2f) Å; %s%n", f.describe(),
                    b[0], b[1], b[2], out > 0 ? String.format(Locale.ROOT, "%.1f Å outside the map's %.1f Å box", out, 2 * half)
                            : "every residue inside the map's box");
        }
        return 0;
    }
}
