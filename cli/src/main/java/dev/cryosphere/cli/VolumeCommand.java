package dev.cryosphere.cli;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.MrcWriter;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.physics.GaussianVolume;
import dev.cryosphere.core.util.AtomicOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "volume", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        header = "Gaussian density map of a structure (one Gaussian per residue), as an MRC volume.",
        description = "The same Gaussians as render (amplitude = electrons of the residue, width sigma), sampled on an "
                + "N³ grid whose voxel N/2 is at (0, 0, 0) Å; the header origin is −(N/2)·apix so the map overlays "
                + "the structure in ChimeraX.")
public final class VolumeCommand implements Callable<Integer> {
    @Option(names = "--structure", required = true, paramLabel = "PDB|CIF", description = "Structure (PDB or mmCIF).")
    Path structure;

    @Option(names = "--box", required = true, paramLabel = "PX", description = "Map side, voxels.")
    int box;

    @Option(names = "--apix", required = true, paramLabel = "Å", description = "Voxel size, Å.")
    double apix;

    @Option(names = "--sigma", paramLabel = "Å", description = "Gaussian width per residue, Å.")
    double sigma = 2.0;

    @Option(names = "--out", required = true, paramLabel = "MRC", description = "Output map.")
    Path out;

    @Option(names = "--overwrite", description = "Replace OUT if it exists.")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (box < 2 || !(apix > 0) || !(sigma > 0))
            throw new dev.cryosphere.core.util.InputException(null, "options", "--box must be >= 2, --apix and --sigma positive");
        AtomicModel m = AtomicModel.read(structure);
        dev.cryosphere.core.format.BoxFrame.requireInside(structure, m, box, apix, "--box/--apix");
        Volume v = GaussianVolume.render(m.coordinates(), m.amplitudes(), box, apix, sigma);
        try (AtomicOutput o = AtomicOutput.file(out, overwrite)) {
            MrcWriter.writeVolume(o.path(), v);
            o.commit();
        }
        System.out.printf(Locale.ROOT, "volume: %d residues -> %d³ map at %.3f Å/voxel (sigma %.2f Å) -> %s%n",
                m.size(), box, apix, sigma, out);
        return 0;
    }
}
