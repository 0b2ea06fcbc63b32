package dev.cryosphere.cli;

import dev.cryosphere.core.format.AtomCloud;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.BoxFrame;
import dev.cryosphere.core.format.MrcStackWriter;
import dev.cryosphere.core.format.Particle;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.geometry.Euler;
import dev.cryosphere.core.physics.GaussianRenderer;
import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Render a structure with the particles' poses, shifts and CTFs (the forward model).",
        description = {
                "One Gaussian per residue (at CA, C1' for nucleotides; amplitude = electrons of the residue), rotated by "
                        + "RELION's A(rot, tilt, psi), projected along z, centred at image centre − origin, CTF applied "
                        + "in Fourier space (RELION convention, first lobe positive). Use it to check that a base "
                        + "structure fits the particles: the output stack has one image per STAR row, in order.",
                "The structure must be in the box frame: the box centre (pixel N/2) is at (0, 0, 0) Å; a residue outside "
                        + "the box is an error (it would be clipped), with how far out it is."})
public final class RenderCommand implements Callable<Integer> {
    @Option(names = "--structure", required = true, paramLabel = "PDB|CIF", description = "Structure (PDB or mmCIF).")
    Path structure;

    @Option(names = "--particles", required = true, paramLabel = "STAR|CS", description = "Poses and CTFs (RELION STAR or cryoSPARC .cs).")
    Path particles;

    @Option(names = "--root", paramLabel = "DIR", description = "Folder that image paths are relative to (default: the metadata file's folder).")
    Path root;

    @Option(names = "--out", required = true, paramLabel = "MRCS", description = "Output stack.")
    Path out;

    @Option(names = "--no-ctf", description = "Do not apply the CTF.")
    boolean noCtf;

    @Option(names = "--sites", paramLabel = "residues|atoms",
            description = "What carries a Gaussian: residues (the cryoSPHERE model: one per residue at its CA/C1', amplitude "
                    + "= the residue's electrons) or atoms (every atom of the same residues, amplitude = its atomic number; "
                    + "a full-atom reference, e.g. to compare with a map-based projector).")
    Sites sites = Sites.residues;

    enum Sites { residues, atoms }

    @Option(names = "--sigma", paramLabel = "Å", description = "Gaussian width, Å (default: 2 for residues, the "
            + "reference's sigma_gmm; 1 for atoms).")
    Double sigma;

    @Option(names = "--box", paramLabel = "PX", description = "Image side in pixels (default: from the metadata's optics group).")
    Integer box;

    @Option(names = "--apix", paramLabel = "Å", description = "Pixel size in Å (default: from the metadata).")
    Double apix;

    @Option(names = "--map", paramLabel = "MRC", description = "Consensus map the structure was fitted into: the "
            + "structure is moved from the map's frame into the box frame (the map's centre voxel is the box centre).")
    Path map;

    @Option(names = "--overwrite", description = "Replace OUT if it exists.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        double[] xyz, amp;
        AtomicModel model = AtomicModel.read(structure);
        dev.cryosphere.core.format.MapFrame frame = map == null ? null : dev.cryosphere.core.format.MapFrame.read(map);
        if (frame != null) model = frame.toBox(model);
        if (sites == Sites.atoms) {
            AtomCloud atoms = AtomCloud.read(structure);
            xyz = frame == null ? atoms.xyz() : frame.toBox(atoms.xyz());
            amp = atoms.electrons();
        } else {
            xyz = model.coordinates();
            amp = model.amplitudes();
        }
        double width = sigma != null ? sigma : sites == Sites.atoms ? 1.0 : 2.0;
        if (!(width > 0)) throw new InputException(null, "--sigma", "must be positive, got " + width);
        ParticleSet set = ParticleSet.read(particles, root);
        List<Particle> rows = set.particles();
        int n = box != null ? box : rows.get(0).box();
        double a = apix != null ? apix : rows.get(0).pixelSize();
        if (n <= 0) throw new InputException(particles, "rlnImageSize", "the metadata gives no box size; pass --box");
        for (Particle p : rows) {
            if (box == null && p.box() != n)
                throw new InputException(particles, "row " + (p.row() + 1), "box " + p.box() + " differs from row 1's " + n + "; pass --box");
            if (apix == null && Math.abs(p.pixelSize() - a) > 1e-6)
                throw new InputException(particles, "row " + (p.row() + 1), "pixel size " + p.pixelSize() + " differs from row 1's " + a + "; pass --apix");
        }
        set.requirePoses("render");
        BoxFrame.requireInside(structure, model, n, a, box != null || apix != null ? "--box/--apix" : particles.toString());
        GaussianRenderer renderer = new GaussianRenderer(n, a, width);
        Progress progress = new Progress("render", "images", rows.size());
        int chunk = 512;
        try (AtomicOutput o = AtomicOutput.file(out, overwrite);
             MrcStackWriter w = MrcStackWriter.open(o.path(), n, n, a)) {
            for (int s = 0; s < rows.size(); s += chunk) {
                int s0 = s, e = Math.min(rows.size(), s + chunk);
                float[][] imgs = new float[e - s][];
                IntStream.range(s, e).parallel().forEach(i -> {
                    Particle p = rows.get(i);
                    imgs[i - s0] = renderer.render(xyz, amp, Euler.toMatrix(p.rot(), p.tilt(), p.psi()),
                            p.originXAngst(), p.originYAngst(), noCtf ? null : p.ctf());
                });
                for (float[] img : imgs) w.append(img);
                progress.update(e);
            }
            w.close();
            o.commit();
        }
        System.out.printf(Locale.ROOT, "render: %d images of %d px at %.4f Å/px (%s, %d %s, sigma %.2f Å) -> %s%n",
                rows.size(), n, a, noCtf ? "no CTF" : "with CTF", amp.length, sites, width, out);
        return 0;
    }
}
