package dev.cryosphere.trainer.spark;

import dev.cryosphere.trainer.model.TrainingClock;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.Serializable;
import java.util.List;

/**
 * Parameter averaging's workers call this before and after each step: it publishes the progress the batch was made at
 * (carried in the batch's example metadata, see {@link #tag}) on the training thread, where the learning-rate
 * schedules read it ({@link TrainingClock}).
 */
final class BatchProgressHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    /** Marks {@code batch} as made at progress {@code t} (epochs). */
    static MultiDataSet tag(org.nd4j.linalg.dataset.MultiDataSet batch, double t) {
        batch.setExampleMetaData(List.of(new Progress(t)));
        return batch;
    }

    /** The metadata entry (a type of its own, so no other metadata is mistaken for it). */
    record Progress(double t) implements Serializable {}

    @Override
    public void preUpdate(MultiDataSet batch, Model model) {
        List<Serializable> meta = batch.getExampleMetaData();
        TrainingClock.setBatchProgress(meta != null && !meta.isEmpty() && meta.get(0) instanceof Progress p ? p.t() : null);
    }

    @Override
    public void postUpdate(MultiDataSet batch, Model model) {
        TrainingClock.setBatchProgress(null);
    }

    @Override
    public void preUpdate(DataSet batch, Model model) {}

    @Override
    public void postUpdate(DataSet batch, Model model) {}
}
