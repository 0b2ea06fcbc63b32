package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.dataset.DatasetInfo;
import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.TrainedModel;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything `evaluate` reads, checked on the driver before Spark starts or anything is written: the run folder has a
 * model, the dataset matches its box and pixel size, selections parse and match residues, every truth map exists.
 *
 * @param export null when the dataset's source metadata is not readable here (subsets are then skipped, with a note)
 */
public record Inputs(TrainedModel model, DatasetReader data, List<DistanceSpec> distances, StructureSelection structures,
                     TruthMaps truth, ParticleExport export, String exportNote) {

    public static Inputs check(EvaluateOptions o) {
        if (Files.exists(o.out) && !o.overwrite) throw new InputException(o.out, null, "already exists (use --overwrite to replace it)");
        if (o.batch < 1 || o.clusters < 1 || o.traversalSteps < 1 || o.pcs < 0 || (o.rowsPerTask != null && o.rowsPerTask < 1))
            throw new InputException(null, "options", "--batch, --clusters, --traversal-steps and --rows-per-task must be positive");
        if ((o.truthMaps == null) != (o.truthLabels == null))
            throw new InputException(null, "options", "--truth-maps and --truth-labels go together");
        if (o.pdb && o.structures == null) throw new InputException(null, "options", "--pdb needs --structures");
        // cheap syntax checks first, so that a typo fails before the model is read
        StructureSelection structures = StructureSelection.parse(o.structures);
        TrainedModel model = o.epoch == null ? TrainedModel.load(o.run) : TrainedModel.load(o.run, checkEpoch(o));
        ModelConfig c = model.config();
        DatasetReader data = DatasetReader.open(o.data);
        DatasetInfo info = data.info();
        if (info.box() != c.box())
            throw new InputException(o.data, "_dataset.json", String.format(Locale.ROOT,
                    "box %d px, but the run's model takes %d px images (%s); evaluate with the dataset the run was trained on",
                    info.box(), c.box(), o.run.resolve("config.json")));
        if (info.pixelSize() != null && Math.abs(info.pixelSize() - c.apix()) > 1e-3 * c.apix())
            throw new InputException(o.data, "_dataset.json", String.format(Locale.ROOT,
                    "pixel size %.4f Å, but the run's model uses %.4f Å (%s)", info.pixelSize(), c.apix(), o.run.resolve("config.json")));
        if (info.count() == 0) throw new InputException(o.data, null, "the dataset is empty");
        List<DistanceSpec> distances = new ArrayList<>();
        for (String d : o.distances) distances.add(DistanceSpec.parse(d, model.baseModel()));
        TruthMaps truth = o.truthMaps == null ? null : TruthMaps.read(o.truthMaps, o.truthLabels, c.box(), c.apix());
        ParticleExport.requireOnePathChoice(o.relionProject, o.absolutePaths);
        ParticleExport export = null;
        String note = null;
        try {
            export = ParticleExport.of(info).absolute(o.absolutePaths);
        } catch (InputException e) {
            note = "particle subsets not exported: " + e.getMessage();
        }
        if (export != null) export.relativeTo(o.relionProject);   // a --relion-project that is not a folder is an error
        return new Inputs(model, data, distances, structures, truth, export, note);
    }

    private static int checkEpoch(EvaluateOptions o) {
        var layout = new dev.cryosphere.trainer.run.RunLayout(o.run);
        if (!layout.checkpointEpochs().contains(o.epoch))
            throw new InputException(o.run, "checkpoints/", "no complete checkpoint for epoch " + o.epoch + "; have " + layout.checkpointEpochs());
        return o.epoch;
    }
}
