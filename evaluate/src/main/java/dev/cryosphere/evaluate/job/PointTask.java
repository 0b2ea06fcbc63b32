package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.format.MrcWriter;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.physics.Fsc;
import dev.cryosphere.core.physics.GaussianVolume;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.RunFrame;
import dev.cryosphere.trainer.run.TrainedModel;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Executor side of the structures/volumes stage: for one latent point, decodes the structure (mean segmentation),
 * writes NAME.pdb and NAME.cif (the base structure's chains and residue numbers) and, with {@code volumes}, NAME.mrc
 * (Gaussian map, box/apix/sigma of the model), and returns the FSC of that map against the base structure's map.
 * Files go straight into the (shared) temporary output folder; only the curve comes back.
 */
public record PointTask(String run, int epoch, String outDir, boolean volumes) implements Serializable {

    /** @param fsc FSC against the base structure's map per shell (null without volumes) */
    public record Result(String name, long particle, double[] frequency, double[] fsc, double res05) implements Serializable {}

    public Result apply(LatentPoint p) {
        ModelCache.Loaded loaded = ModelCache.get(run, epoch);
        TrainedModel model = loaded.model();
        ModelConfig c = model.config();
        double[] xyz = model.structures(new double[][]{p.z()}, loaded.meanWeights())[0];
        // structures and maps go back into the user's frame (train --map; zero offset otherwise)
        double[] offset = model.frameOffset();
        AtomicModel s = model.baseModel().withCoordinates(RunFrame.shift(xyz, offset, 1));
        Path base = Path.of(outDir).resolve(p.name());
        try {
            Files.createDirectories(base.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        s.writePdb(base.resolveSibling(base.getFileName() + ".pdb"));
        s.writeCif(base.resolveSibling(base.getFileName() + ".cif"));
        if (!volumes) return new Result(p.name(), p.particle(), null, null, Double.NaN);
        double[] amp = model.structure().amplitudes();
        Volume v = GaussianVolume.render(xyz, amp, c.box(), c.apix(), c.sigma());
        double[] origin = v.origin().clone();
        for (int k = 0; k < 3; k++) origin[k] += offset[k];
        MrcWriter.writeVolume(base.resolveSibling(base.getFileName() + ".mrc"),
                new Volume(v.data(), v.nx(), v.ny(), v.nz(), v.pixelSize(), origin));
        Volume ref = GaussianVolume.render(model.structure().xyz(), amp, c.box(), c.apix(), c.sigma());
        Fsc.Curve curve = Fsc.compute(v, ref);
        return new Result(p.name(), p.particle(), curve.frequency(), curve.fsc(), curve.resolutionAt(0.5));
    }
}
